// Feeds arbitrary bytes to the silences snapshot decoder: it must return a status, never
// crash; what it accepts must encode back to the same bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "alerting/silences_snapshot.h"
#include "base/check.h"

namespace {

void Check(std::string_view in) {
  auto decoded = osprey::alerting::DecodeSilencesSnapshot(in);
  if (decoded.ok()) {
    OSPREY_CHECK(osprey::alerting::EncodeSilencesSnapshot(*decoded) == in)
        << "re-encoding a decoded snapshot changed it";
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Check(in);
  // Most inputs fail the checksum; also try each with a valid one to exercise the body.
  Check(osprey::alerting::WithValidChecksumForTest(in));
  return 0;
}
