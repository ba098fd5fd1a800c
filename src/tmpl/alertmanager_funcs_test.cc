// Alertmanager's function set and notification-template constructs (typed values with
// methods, as template_data builds them).
#include <gtest/gtest.h>

#include <cmath>

#include "tmpl/funcs.h"
#include "tmpl/internal/test_util.h"

namespace osprey::tmpl {
namespace {

std::string RenderAm(std::string_view text, const Value& dot = Value()) {
  FuncMap f = BuiltinFuncs();
  AddAlertmanagerFuncs(&f, [] { return test_util::kTestNowMs; });
  // A KV type like Alertmanager's template.KV, to check method chains.
  f.AddMethod("KV", "SortedPairs", [](const Value& kv, std::span<const Value>) -> Result<Value> {
    Value::List pairs;
    for (const auto& [k, v] : kv.AsMap()) {
      pairs.push_back(Value(Value::Map{{"Name", Value(k)}, {"Value", v}}));
    }
    return Value(std::move(pairs)).WithType("Pairs");
  });
  f.AddMethod("Pairs", "Values", [](const Value& ps, std::span<const Value>) -> Result<Value> {
    Value::List out;
    for (const Value& p : ps.AsList()) out.push_back(p.AsMap().at("Value"));
    return Value(std::move(out));
  });
  f.AddMethod("KV", "Remove", [](const Value& kv, std::span<const Value> args) -> Result<Value> {
    Value::Map m = kv.AsMap();
    if (args.size() != 1 || args[0].kind() != Value::Kind::kList) {
      return InvalidArgumentError("Remove wants a list of names");
    }
    for (const Value& n : args[0].AsList()) m.erase(n.AsString());
    return Value(std::move(m)).WithType("KV");
  });
  auto t = Template::Parse("am", text, f);
  if (!t.ok()) return "parse error: " + t.status().message();
  auto out = t->Execute(dot);
  return out.ok() ? *out : "exec error: " + out.status().message();
}

TEST(AlertmanagerFuncsTest, Functions) {
  EXPECT_EQ(RenderAm(R"({{ "aa bb CC" | title }})"), "Aa Bb Cc");
  EXPECT_EQ(RenderAm(R"({{ stringSlice "a" "b" | join "," }})"), "a,b");
  EXPECT_EQ(RenderAm(R"({{ "a%20b+c" | urlUnescape }})"), "a b c");
  EXPECT_EQ(RenderAm(R"({{ "%zz" | urlUnescape }})"),
            "exec error: template: am:1:11: executing \"am\" at <urlUnescape>: error calling "
            "urlUnescape: invalid URL escape \"%zz\"");
  EXPECT_EQ(RenderAm(R"({{ "hi?>" | base64encode }} {{ "aGk_Pg==" | base64decode }})"),
            "aGk_Pg== hi?>");
  EXPECT_EQ(RenderAm(R"({{ "a" | base64encode }}{{ "ab" | base64encode }})"), "YQ==YWI=");
  EXPECT_EQ(RenderAm(R"({{ now | date "2006-01-02" }})"), "2012-11-24");
  EXPECT_EQ(RenderAm(R"({{ list 1 "a" | toJson }})"), R"([1,"a"])");
  EXPECT_EQ(RenderAm(R"({{ (append (list 1) 2 3) }})"), "[1 2 3]");
  EXPECT_EQ(RenderAm(R"({{ (dict "b" 1 "a" "<x>") | toJson }})"), R"({"a":"\u003cx\u003e","b":1})");
  EXPECT_EQ(RenderAm(R"({{ dict "a" }})"),
            "exec error: template: am:1:3: executing \"am\" at <dict \"a\">: error calling dict: "
            "dict requires an even number of arguments");
  EXPECT_EQ(RenderAm(R"({{ (dict "k" "v").k }})"), "v");
}

TEST(AlertmanagerFuncsTest, ToJson) {
  EXPECT_EQ(*ToJson(Value(1e-7)), "1e-7");
  EXPECT_EQ(*ToJson(Value(1e21)), "1e+21");
  EXPECT_EQ(*ToJson(Value(1234567.5)), "1234567.5");
  EXPECT_EQ(*ToJson(Value(3.0)), "3");
  EXPECT_EQ(*ToJson(Value(0.1)), "0.1");
  EXPECT_EQ(*ToJson(Value::Time(1'577'836'800'123)), "\"2020-01-01T00:00:00.123Z\"");
  EXPECT_EQ(*ToJson(Value("line\n\"q\"\x01")), R"("line\n\"q\"\u0001")");
  EXPECT_FALSE(ToJson(Value(std::nan(""))).ok());
}

TEST(AlertmanagerFuncsTest, NotificationTemplateConstructs) {
  Value common =
      Value(Value::Map{
                {"alertname", Value("Down")}, {"job", Value("api")}, {"severity", Value("page")}})
          .WithType("KV");
  Value group = Value(Value::Map{{"alertname", Value("Down")}}).WithType("KV");
  Value alert = Value(Value::Map{{"Labels", common},
                                 {"Annotations", Value(Value::Map{{"summary", Value("s1")}})},
                                 {"StartsAt", Value::Time(1'577'836'800'000)}});
  Value dot(Value::Map{{"Status", Value("firing")},
                       {"CommonLabels", common},
                       {"GroupLabels", group},
                       {"Alerts", Value(Value::List{alert, alert})}});
  const char* subject =
      R"({{ define "__subject" }}[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts | len }}{{ end }}] )"
      R"({{ .GroupLabels.SortedPairs.Values | join " " }} {{ if gt (len .CommonLabels) (len .GroupLabels) }}()"
      R"({{ with .CommonLabels.Remove (stringSlice "alertname") }}{{ .SortedPairs.Values | join " " }}{{ end }}){{ end }}{{ end }})"
      R"({{ template "__subject" . }})";
  EXPECT_EQ(RenderAm(subject, dot), "[FIRING:2] Down (api page)");
  const char* list =
      R"({{ range .Alerts }}{{ range .Labels.SortedPairs }}{{ .Name }}={{ .Value }};{{ end }})"
      R"({{ .Annotations.summary }} {{ .StartsAt.Format "15:04" }} {{ end }})";
  EXPECT_EQ(RenderAm(list, dot),
            "alertname=Down;job=api;severity=page;s1 00:00 alertname=Down;job=api;severity=page;s1 "
            "00:00 ");
}

}  // namespace
}  // namespace osprey::tmpl
