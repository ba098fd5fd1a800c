// Execution semantics, after Go's text/template exec_test.go: fields, variables, control
// structures, builtins, methods, errors with positions, and the safety limits.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tmpl/internal/test_util.h"
#include "tmpl/template.h"

namespace osprey::tmpl {
namespace {

using test_util::Render;

Value Dot() {
  Value::Map labels{{"alertname", Value("Down")}, {"instance", Value("a:9100")}};
  Value::Map inner{{"Name", Value("inner")}, {"Nil", Value()}};
  Value::Map m{
      {"Labels", Value(labels)},
      {"Inner", Value(inner)},
      {"I", Value(17)},
      {"F", Value(3.5)},
      {"Zero", Value(0)},
      {"S", Value("xyz")},
      {"Empty", Value("")},
      {"T", Value(true)},
      {"Nil", Value()},
      {"SI", Value(Value::List{Value(3), Value(4), Value(5)})},
      {"SS", Value(Value::List{Value("a"), Value("b")})},
      {"Objs", Value(Value::List{Value(inner), Value(Value::Map{{"Name", Value("second")}})})},
      {"EmptyList", Value(Value::List{})},
      {"MSI", Value(Value::Map{{"one", Value(1)}, {"two", Value(2)}, {"three", Value(3)}})},
      {"Time", Value::Time(1'435'065'584'128)},
  };
  return Value(std::move(m));
}

struct Case {
  std::string text;
  std::string want;
};

void RunCases(const std::vector<Case>& cases, const Value& dot = Dot()) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(Render(c.text, dot), c.want);
  }
}

TEST(TemplateExecTest, FieldsAndMissingKeys) {
  RunCases({
      {"{{.I}}", "17"},
      {"{{.F}}", "3.5"},
      {"{{.S}}", "xyz"},
      {"{{.Labels.instance}}", "a:9100"},
      {"{{ .Labels.alertname }}/{{.Inner.Name}}", "Down/inner"},
      {"{{.Missing}}", "<no value>"},
      {"{{.Missing.Deeper}}", "<no value>"},
      {"{{.Nil}}", "<no value>"},
      {"{{.SI}}", "[3 4 5]"},
      {"{{.MSI}}", "map[one:1 three:3 two:2]"},
      {"{{.}}",
       "map[Empty: EmptyList:[] F:3.5 I:17 Inner:map[Name:inner Nil:<nil>] "
       "Labels:map[alertname:Down instance:a:9100] MSI:map[one:1 three:3 two:2] Nil:<nil> "
       "Objs:[map[Name:inner Nil:<nil>] map[Name:second]] S:xyz SI:[3 4 5] SS:[a b] T:true "
       "Time:2015-06-23 13:19:44.128 +0000 UTC Zero:0]"},
      {"{{(index .Objs 1).Name}}", "second"},
      {"{{$.I}}", "17"},
      {"{{.Time}}", "2015-06-23 13:19:44.128 +0000 UTC"},
  });
}

TEST(TemplateExecTest, NilInFieldChainIsAnErrorWithPosition) {
  RunCases({
      {"{{ .Nil.x }}",
       "exec error: template: test:1:7: executing \"test\" at <.Nil.x>: nil pointer evaluating "
       "interface {}.x"},
      {"ab\ncd {{.Inner.Nil.y}}",
       "exec error: template: test:2:11: executing \"test\" at <.Inner.Nil.y>: nil pointer "
       "evaluating interface {}.y"},
      {"{{ .S.x }}",
       "exec error: template: test:1:5: executing \"test\" at <.S.x>: can't evaluate field x in "
       "type string"},
      {"{{ .I 3 }}",
       "exec error: template: test:1:3: executing \"test\" at <.I>: I is not a method but has "
       "arguments"},
      {"{{ nil }}",
       "exec error: template: test:1:3: executing \"test\" at <nil>: nil is not a command"},
      {"{{ 1 2 }}",
       "exec error: template: test:1:3: executing \"test\" at <1>: can't give argument to "
       "non-function 1"},
      {"{{define \"t\"}}{{.x.y}}{{end}}{{template \"t\" .Inner}}", "<no value>"},
      {"{{define \"t\"}}{{.Name.y}}{{end}}{{template \"t\" .Inner}}",
       "exec error: template: test:1:21: executing \"t\" at <.Name.y>: can't evaluate field y in "
       "type string"},
  });
}

TEST(TemplateExecTest, MissingKeyErrorOption) {
  Template::Options opts;
  opts.missing_key_error = true;
  EXPECT_EQ(Render("{{.Missing}}", Dot(), opts),
            "exec error: template: test:1:2: executing \"test\" at <.Missing>: map has no entry "
            "for key \"Missing\"");
  EXPECT_EQ(Render("{{.I}}", Dot(), opts), "17");
}

TEST(TemplateExecTest, Variables) {
  RunCases({
      {"{{$x := 1}}{{$x}}", "1"},
      {"{{$x := .Labels}}{{$x.instance}}", "a:9100"},
      {"{{$x := 1}}{{$x = 2}}{{$x}}", "2"},
      {"{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}", "2"},
      {"{{$x := 1}}{{if true}}{{$x := 3}}{{$x}}{{end}}{{$x}}", "31"},
      {"{{with $x := .S}}{{$x}}{{end}}", "xyz"},
      {"{{$x := .Missing}}{{$x.y}}", "<no value>"},
  });
  EXPECT_EQ(Render("{{$}}", Value(5)), "5");
}

TEST(TemplateExecTest, IfElseWith) {
  RunCases({
      {"{{if true}}T{{end}}", "T"},
      {"{{if false}}T{{else}}F{{end}}", "F"},
      {"{{if .Zero}}a{{else if .Empty}}b{{else if .S}}c{{else}}d{{end}}", "c"},
      {"{{if .Nil}}a{{else}}b{{end}}", "b"},
      {"{{if .Missing}}a{{else}}b{{end}}", "b"},
      {"{{if .EmptyList}}a{{else}}b{{end}}", "b"},
      {"{{if .SI}}a{{end}}", "a"},
      {"{{if .Time}}t{{end}}", "t"},
      {"{{with .Inner}}{{.Name}}{{end}}", "inner"},
      {"{{with .Empty}}x{{else}}empty{{end}}", "empty"},
      {"{{with .Empty}}x{{else with .S}}{{.}}{{end}}", "xyz"},
      {"{{if and .T .I}}yes{{end}}", "yes"},
      {"{{and 1 0 \"x\"}} {{and 1 2}} {{or 0 \"\" 3}} {{or 0 \"\"}}", "0 2 3 "},
      {"{{if or .T (index .Nil 1)}}short-circuit{{end}}", "short-circuit"},
      {"{{and false (index .Nil 1)}}", "false"},
      {"{{not 0}} {{not .S}}", "true false"},
  });
}

TEST(TemplateExecTest, Range) {
  RunCases({
      {"{{range .SI}}<{{.}}>{{end}}", "<3><4><5>"},
      {"{{range $i, $e := .SI}}{{$i}}={{$e}} {{end}}", "0=3 1=4 2=5 "},
      {"{{range $e := .SS}}{{$e}}{{end}}", "ab"},
      {"{{range $k, $v := .MSI}}{{$k}}:{{$v}},{{end}}", "one:1,three:3,two:2,"},
      {"{{range .MSI}}{{.}}{{end}}", "132"},
      {"{{range .EmptyList}}x{{else}}empty{{end}}", "empty"},
      {"{{range .Missing}}x{{else}}none{{end}}", "none"},
      {"{{range .SI}}{{if eq . 4}}{{break}}{{end}}{{.}}{{end}}", "3"},
      {"{{range .SI}}{{if eq . 4}}{{continue}}{{end}}{{.}}{{end}}", "35"},
      {"{{range 3}}{{.}}{{end}}", "012"},
      {"{{range .Objs}}{{.Name}};{{end}}", "inner;second;"},
      {"{{$x := 0}}{{range .SI}}{{$x = .}}{{end}}{{$x}}", "5"},
      {"{{range .SI}}{{$.I}}{{end}}", "171717"},
      {"{{range .S}}{{end}}",
       "exec error: template: test:1:8: executing \"test\" at <.S>: range can't iterate over xyz"},
  });
}

TEST(TemplateExecTest, PipelinesAndParens) {
  RunCases({
      {"{{.S | printf \"%s!\"}}", "xyz!"},
      {"{{\"a\" | printf \"%s%s\" \"b\"}}", "ba"},
      {"{{ 3 | print 1 2 }}", "1 2 3"},
      {"{{ (print 1) }}", "1"},
      {"{{ printf \"%d\" (len .SI) }}", "3"},
      {"{{ (index .SS 1) | printf \"%q\" }}", "\"b\""},
      {"{{ .SS | len }}", "2"},
  });
}

TEST(TemplateExecTest, Builtins) {
  RunCases({
      {"{{len .S}} {{len .SI}} {{len .MSI}}", "3 3 3"},
      {"{{index .SI 1}} {{index .MSI \"two\"}} {{index .Labels \"x\"}}", "4 2 <no value>"},
      {"{{index .Objs 0 \"Name\"}}", "inner"},
      {"{{index .SI 5}}",
       "exec error: template: test:1:2: executing \"test\" at <index .SI 5>: error calling "
       "index: index out of range: 5"},
      {"{{slice .S 1 2}} {{slice .SI 1}} {{slice .SS}}", "y [4 5] [a b]"},
      {"{{print 1 2 \"a\" \"b\" 3}}", "1 2ab3"},
      {"{{println 1 \"a\"}}", "1 a\n"},
      {"{{eq 1 1}} {{eq 1 2 3 1}} {{eq \"a\" \"a\"}} {{eq .F 3.5}} {{eq .I 17.0}}",
       "true true true true true"},
      {"{{ne 1 2}} {{lt 1 2}} {{le 2 2}} {{gt .F 3}} {{ge \"b\" \"a\"}} {{lt 1.5 2}}",
       "true true true true true true"},
      {"{{eq .Nil nil}} {{eq .S nil}}", "true false"},
      {"{{lt true false}}",
       "exec error: template: test:1:2: executing \"test\" at <lt true false>: error calling lt: "
       "invalid type for comparison"},
      {"{{eq \"a\" 1}}",
       "exec error: template: test:1:2: executing \"test\" at <eq \"a\" 1>: error calling eq: "
       "incompatible types for comparison"},
      {"{{html \"<a href='x'>&\\\"\"}}", "&lt;a href=&#39;x&#39;&gt;&amp;&#34;"},
      {"{{js \"'a'<b>\\\\\"}}", "\\'a\\'\\u003Cb\\u003E\\\\"},
      {"{{urlquery \"a b&c=d/é\"}}", "a+b%26c%3Dd%2F%C3%A9"},
      {"{{ len 3 }}",
       "exec error: template: test:1:3: executing \"test\" at <len 3>: error calling len: len "
       "of type int"},
  });
}

TEST(TemplateExecTest, MethodsOnTypedValues) {
  FuncMap f = test_util::AllFuncs();
  f.AddMethod("kv", "SortedPairs", [](const Value& recv, std::span<const Value>) -> Result<Value> {
    Value::List out;
    for (const auto& [k, v] : recv.AsMap()) out.emplace_back(k + "=" + v.ToString());
    return Value(std::move(out));
  });
  f.AddMethod("kv", "Get", [](const Value& recv, std::span<const Value> args) -> Result<Value> {
    if (args.size() != 1) return InvalidArgumentError("want 1 arg");
    auto it = recv.AsMap().find(args[0].AsString());
    return it == recv.AsMap().end() ? Value() : it->second;
  });
  Value kv = Value(Value::Map{{"b", Value("2")}, {"a", Value("1")}}).WithType("kv");
  Value dot(Value::Map{{"Labels", kv}});
  struct C {
    std::string text, want;
  } cases[] = {
      {"{{.Labels.SortedPairs}}", "[a=1 b=2]"},
      {"{{range .Labels.SortedPairs}}{{.}};{{end}}", "a=1;b=2;"},
      {"{{.Labels.Get \"b\"}}", "2"},
      {"{{\"a\" | .Labels.Get}}", "1"},
      {"{{.Labels.a}}", "1"},
      {"{{.Labels.Get}}",
       "exec error: template: test:1:9: executing \"test\" at <.Labels.Get>: error calling Get: "
       "want 1 arg"},
      {"{{.Time.Format \"2006-01-02\"}}", "<no value>"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto t = Template::Parse("test", c.text, f);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    auto out = t->Execute(dot);
    EXPECT_EQ(out.ok() ? *out : "exec error: " + out.status().message(), c.want);
  }
}

TEST(TemplateExecTest, TimeMethods) {
  RunCases({
      {"{{.Time.Format \"2006-01-02T15:04:05Z07:00\"}}", "2015-06-23T13:19:44Z"},
      {"{{.Time.Unix}} {{.Time.UnixMilli}}", "1435065584 1435065584128"},
      {"{{.Time.UTC.Year}}", "2015"},
      {"{{(.Time.Add 3600000000000).Hour}}", "14"},
  });
}

TEST(TemplateExecTest, RecursionIsBounded) {
  // Infinite recursion stops at the depth limit with Go's message.
  const char* recurse = "{{define \"r\"}}{{template \"r\" .}}{{end}}{{template \"r\" .}}";
  std::string out = Render(recurse);
  EXPECT_NE(out.find("exceeded maximum template depth"), std::string::npos) << out;
  Template::Options opts;
  opts.max_exec_depth = 50;
  EXPECT_EQ(Render(recurse, Value(), opts),
            "exec error: template: test:1:25: executing \"r\" at <{{template \"r\" .}}>: "
            "exceeded maximum template depth (50)");
  // Exponential fan-out stops at the step limit.
  opts = {};
  opts.max_exec_steps = 1000;
  out = Render("{{define \"r\"}}x{{template \"r\"}}{{template \"r\"}}{{end}}{{template \"r\"}}",
               Value(), opts);
  EXPECT_NE(out.find("exceeded the step limit"), std::string::npos) << out.substr(0, 200);
  opts = {};
  opts.max_output_bytes = 1000;
  out = Render("{{range 100000}}xxxxxxxxxx{{end}}", Value(), opts);
  EXPECT_NE(out.find("exceeded the size limit"), std::string::npos) << out.substr(0, 200);
  out = Render("{{template \"nope\"}}");
  EXPECT_EQ(out,
            "exec error: template: test:1:11: executing \"test\" at <{{template \"nope\"}}>: "
            "template \"nope\" not defined");
}

TEST(TemplateExecTest, TemplateIsSharedAcrossThreadsSafely) {
  auto t = Template::Parse("t", "{{range .}}{{.}}{{end}}", test_util::AllFuncs());
  ASSERT_TRUE(t.ok());
  Value dot(Value::List{Value(1), Value(2)});
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int k = 0; k < 200; ++k) {
        if (*t->Execute(dot) == "12") ok.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 800);
}

}  // namespace
}  // namespace osprey::tmpl
