// libFuzzer target: ParseExpr must never crash, and whatever it accepts must print to a
// form that parses again, with the same type. (Format is not always a fixed point, as in
// Prometheus: the literal +Inf prints as "+Inf", which parses as a unary plus.)
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/check.h"
#include "promql/parser.h"
#include "promql/printer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  osprey::Result<osprey::promql::ExprPtr> expr = osprey::promql::ParseExpr(input);
  if (!expr.ok()) return 0;
  std::string formatted = osprey::promql::Format(**expr);
  (void)osprey::promql::Prettify(**expr);
  osprey::Result<osprey::promql::ExprPtr> again = osprey::promql::ParseExpr(formatted);
  if (!again.ok()) {
    // Durations below a millisecond print as 0s (as in Prometheus), which a range or
    // step rejects; every other canonical form must parse.
    OSPREY_CHECK(again.status().message().find("duration must be greater than 0") !=
                 std::string::npos)
        << "formatted query does not parse: " << formatted << " -> " << again.status().message();
    return 0;
  }
  OSPREY_CHECK((*again)->type() == (*expr)->type()) << formatted;
  return 0;
}
