// Lexing and parsing: syntax, trim markers, comments, defines, and Go's parse errors.
#include "tmpl/template.h"

#include <gtest/gtest.h>

#include "tmpl/internal/test_util.h"

namespace osprey::tmpl {
namespace {

using test_util::Render;

struct Case {
  std::string text;
  std::string want;
};

void RunCases(const std::vector<Case>& cases, const Value& dot = Value()) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(Render(c.text, dot), c.want);
  }
}

TEST(TemplateParseTest, TextAndConstants) {
  RunCases({
      {"plain text", "plain text"},
      {"", ""},
      {"{{ 1 }}", "1"},
      {"{{ -3 }}", "-3"},
      {"{{ +3 }}", "3"},
      {"{{ 1.5 }}", "1.5"},
      {"{{ 3.0 }}", "3"},
      {"{{ 1e3 }}", "1000"},
      {"{{ 1e6 }}", "1e+06"},
      {"{{ 0x1F }}", "31"},
      {"{{ 0o17 }}", "15"},
      {"{{ 017 }}", "15"},
      {"{{ 0b101 }}", "5"},
      {"{{ 1_000 }}", "1000"},
      {"{{ .5 }}", "0.5"},
      {"{{ 'a' }}", "97"},
      {"{{ '\\n' }}", "10"},
      {"{{ true }} {{ false }}", "true false"},
      {"{{ \"a\\tb\\\"c\\u00e9\\x41\" }}",
       "a\tb\"c\xC3\xA9"
       "A"},
      {"{{ `raw\\n` }}", "raw\\n"},
      {"{{ print nil }}", "<nil>"},
      {"{{\"a\"}}{{\"b\"}}", "ab"},
  });
}

TEST(TemplateParseTest, TrimMarkersAndComments) {
  RunCases({
      {"a  {{- 1 -}}  b", "a1b"},
      {"a \n {{- 1 }} \n b", "a1 \n b"},
      {"a {{ 1 -}} \n\t b", "a 1b"},
      {"{{- 3 -}}", "3"},
      {"x {{/* comment */}} y", "x  y"},
      {"x {{- /* comment */ -}} y", "xy"},
      {"x{{/* multi\nline */}}y", "xy"},
      {"{{-3}}", "-3"},  // no space after '-': a negative number, not a trim marker
      {"a\n{{- \"b\" }}\nc", "ab\nc"},
  });
}

TEST(TemplateParseTest, DefineTemplateBlock) {
  RunCases({
      {"{{define \"x\"}}X{{.}}{{end}}{{template \"x\" 5}}", "X5"},
      {"{{define `x`}}X{{end}}a{{template `x`}}b", "aXb"},
      {"{{block \"b\" .}}[{{.}}]{{end}}", "[<no value>]"},
      {"{{define \"x\"}}{{.arg0}} {{.arg1}}{{end}}{{template \"x\" (args 1 \"2\")}}", "1 2"},
      {"{{define \"x\"}}{{$}}{{end}}{{template \"x\" \"root\"}}", "root"},
      {"{{template \"x\"}}{{define \"x\"}}T{{end}}", "T"},
  });
}

TEST(TemplateParseTest, AddReplacesDefinitionsAndKeepsCopiesUnchanged) {
  FuncMap f = test_util::AllFuncs();
  auto t = Template::Parse("main", "{{define \"a\"}}one{{end}}[{{template \"a\"}}]", f);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  Template copy = *t;
  ASSERT_TRUE(t->Add("more", "{{define \"a\"}}two{{end}}{{define \"b\"}}B{{end}}").ok());
  EXPECT_EQ(*t->Execute(Value()), "[two]");
  EXPECT_EQ(*copy.Execute(Value()), "[one]");
  EXPECT_TRUE(t->Has("b"));
  EXPECT_FALSE(copy.Has("b"));
  EXPECT_EQ(*t->ExecuteTemplate("b", Value()), "B");
  EXPECT_EQ(t->Names(), (std::vector<std::string>{"a", "b", "main", "more"}));
  // An empty redefinition does not replace a non-empty one.
  ASSERT_TRUE(t->Add("empty", "{{define \"b\"}}{{end}}").ok());
  EXPECT_EQ(*t->ExecuteTemplate("b", Value()), "B");
  auto missing = t->ExecuteTemplate("nope", Value());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(),
            "template: no template \"nope\" associated with template \"main\"");
}

TEST(TemplateParseTest, DefaultConstructedTemplateFailsCleanly) {
  Template t;
  EXPECT_FALSE(t.Execute(Value()).ok());
  EXPECT_FALSE(t.Has("x"));
}

TEST(TemplateParseTest, ParseErrorsUseGoWording) {
  RunCases({
      {"{{ humanise 1 }}", "parse error: template: test:1: function \"humanise\" not defined"},
      {"{{ if true }}", "parse error: template: test:1: unexpected EOF"},
      {"{{ end }}", "parse error: template: test:1: unexpected {{end}}"},
      {"{{ else }}", "parse error: template: test:1: unexpected {{else}}"},
      {"{{", "parse error: template: test:1: unclosed action"},
      {"a\n{{ .x", "parse error: template: test:2: unclosed action"},
      {"{{ }}", "parse error: template: test:1: missing value for command"},
      {"{{ if }}{{ end }}", "parse error: template: test:1: missing value for if"},
      {"{{ $x }}", "parse error: template: test:1: undefined variable \"$x\""},
      {"{{ $x = 1 }}", "parse error: template: test:1: undefined variable \"$x\""},
      {"{{ \"abc }}", "parse error: template: test:1: unterminated quoted string"},
      {"{{ `abc }}", "parse error: template: test:1: unterminated raw quoted string"},
      {"{{ 3x }}", "parse error: template: test:1: bad number syntax: \"3x\""},
      {"{{/* x */ }}", "parse error: template: test:1: comment ends before closing delimiter"},
      {"{{/* x", "parse error: template: test:1: unclosed comment"},
      {"{{ (1 }}", "parse error: template: test:1: unclosed left paren"},
      {"{{ 1) }}", "parse error: template: test:1: unexpected right paren"},
      {"{{ 1 | 2 }}", "parse error: template: test:1: non executable command in pipeline stage 2"},
      {"{{ break }}", "parse error: template: test:1: {{break}} outside {{range}}"},
      {"{{ range . }}{{ else if 1 }}{{ end }}",
       "parse error: template: test:1: unexpected <if> in input"},
      {"{{ template x }}", "parse error: template: test:1: unexpected \"x\" in template clause"},
      {"{{define \"a\"}}1{{end}}{{define \"a\"}}2{{end}}",
       "parse error: template: test:1: template: multiple definition of template \"a\""},
      {"{{ 1.x }}", "parse error: template: test:1: bad number syntax: \"1.x\""},
      {"{{ \"a\".x }}", "parse error: template: test:1: unexpected . after term \"\\\"a\\\"\""},
      {"{{ # }}", "parse error: template: test:1: unexpected \"#\" in command"},
  });
}

TEST(TemplateParseTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += "{{if 1}}";
  EXPECT_EQ(Render(deep).rfind("parse error: template: test:1: max expression depth exceeded", 0),
            0u)
      << Render(deep).substr(0, 200);
  std::string parens = "{{ " + std::string(5000, '(') + "1" + std::string(5000, ')') + " }}";
  EXPECT_EQ(Render(parens).rfind("parse error:", 0), 0u);
}

}  // namespace
}  // namespace osprey::tmpl
