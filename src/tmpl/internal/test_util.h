// Test helper: parse and run a template with all functions, returning the output or
// "parse error: ..." / "exec error: ..." so that table tests can compare one string.
#pragma once

#include <string>
#include <string_view>

#include "tmpl/funcs.h"
#include "tmpl/template.h"

namespace osprey::tmpl::test_util {

inline constexpr int64_t kTestNowMs = 1'353'755'652'000;  // 2012-11-24 11:14:12 UTC

inline FuncMap AllFuncs() {
  FuncMap f = BuiltinFuncs();
  AddTextFuncs(&f, [] { return kTestNowMs; });
  AddQueryResultFuncs(&f);
  return f;
}

inline std::string Render(std::string_view text, const Value& dot = Value(),
                          const Template::Options& options = Template::Options{}) {
  auto t = Template::Parse("test", text, AllFuncs(), options);
  if (!t.ok()) return std::string("parse error: ") + t.status().message();
  auto out = t->Execute(dot);
  if (!out.ok()) return std::string("exec error: ") + out.status().message();
  return *out;
}

}  // namespace osprey::tmpl::test_util
