// Parses arbitrary text as a template and runs it over a small dot value, as text and with
// HTML escaping. Must never crash, hang or grow without bound (execution limits are lowered
// for the fuzzer).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tmpl/funcs.h"
#include "tmpl/template.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using osprey::tmpl::Value;
  static const osprey::tmpl::FuncMap* const kFuncs = [] {
    auto* f = new osprey::tmpl::FuncMap(osprey::tmpl::BuiltinFuncs());
    osprey::tmpl::AddAlertmanagerFuncs(f, [] { return int64_t{1'600'000'000'000}; });
    osprey::tmpl::AddQueryResultFuncs(f);
    return f;
  }();
  static const Value* const kDot = [] {
    Value::Map labels{{"alertname", Value("Down")}, {"instance", Value("a:9100")}};
    Value::Map m{{"Labels", Value(labels)},
                 {"Value", Value(0.5)},
                 {"Count", Value(3)},
                 {"List", Value(Value::List{Value("a"), Value(2), Value()})},
                 {"StartsAt", Value::Time(1'577'836'800'000)},
                 {"Nil", Value()}};
    return new Value(Value(std::move(m)).WithType("data"));
  }();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  osprey::tmpl::Template::Options options;
  options.max_exec_depth = 200;
  options.max_exec_steps = 20000;
  options.max_output_bytes = 1 << 20;
  auto t = osprey::tmpl::Template::Parse("fuzz", text, *kFuncs, options);
  if (!t.ok()) return 0;
  auto out = t->Execute(*kDot);
  (void)out;
  auto html = t->Execute(*kDot, osprey::tmpl::Template::Escaping::kHtml);  // email html bodies
  (void)html;
  return 0;
}
