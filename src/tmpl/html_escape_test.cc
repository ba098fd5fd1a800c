// Template::Escaping::kHtml: the bytes Go's html/template (Alertmanager's email `html` field)
// prints for the constructs notification templates use.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "tmpl/funcs.h"
#include "tmpl/internal/html_context.h"
#include "tmpl/template.h"

namespace osprey::tmpl {
namespace {

std::string RenderHtml(std::string_view text, const Value& dot = Value(),
                       Template::Escaping escaping = Template::Escaping::kHtml) {
  FuncMap funcs = BuiltinFuncs();
  AddAlertmanagerFuncs(&funcs);
  auto t = Template::Parse("t", text, funcs, Template::Options{.missing_key_zero = true});
  if (!t.ok()) return std::string("parse error: ").append(t.status().message());
  auto out = t->Execute(dot, escaping);
  if (!out.ok()) return std::string("exec error: ").append(out.status().message());
  return *out;
}

Value Dot() {
  return Value(Value::Map{
      {"Label", "<script>alert(1)</script>"},
      {"Quote", R"(a "b" & 'c')"},
      {"Url", "javascript:alert(1)"},
      {"Http", "HTTPS://x.org/?a=1&b=2"},
  });
}

TEST(HtmlEscapingTest, ValuesAreEscapedAndTextIsNot) {
  EXPECT_EQ(RenderHtml("<b>{{ .Label }}</b>", Dot()),
            "<b>&lt;script&gt;alert(1)&lt;/script&gt;</b>");
  EXPECT_EQ(RenderHtml(R"(<i title="{{ .Quote }}">)", Dot()),
            "<i title=\"a &#34;b&#34; &amp; &#39;c&#39;\">");
  EXPECT_EQ(RenderHtml(R"({{ printf "%s!" .Label }})", Dot()),
            "&lt;script&gt;alert(1)&lt;/script&gt;!");
  EXPECT_EQ(RenderHtml("{{ .Label | toUpper }}", Dot()), "&lt;SCRIPT&gt;ALERT(1)&lt;/SCRIPT&gt;");
  // Text mode is unchanged.
  EXPECT_EQ(RenderHtml("<b>{{ .Label }}</b>", Dot(), Template::Escaping::kNone),
            "<b><script>alert(1)</script></b>");
}

TEST(HtmlEscapingTest, TrailingHtmlEscapesOnce) {
  EXPECT_EQ(RenderHtml("{{ .Label | html }}", Dot()), "&lt;script&gt;alert(1)&lt;/script&gt;");
  EXPECT_EQ(RenderHtml("{{ html .Label }}", Dot()), "&lt;script&gt;alert(1)&lt;/script&gt;");
  // urlquery's output has nothing to escape; escaped once more it is the same.
  EXPECT_EQ(RenderHtml(R"({{ "a b&c" | urlquery }})"), "a+b%26c");
}

TEST(HtmlEscapingTest, EscaperBeforeTheEndIsAnError) {
  EXPECT_EQ(RenderHtml("x\n{{ .Label | html | printf \"%s\" }}", Dot()),
            "exec error: html/template:t:2:3: predefined escaper \"html\" disallowed in template");
  EXPECT_EQ(RenderHtml("{{ $x := .Label | html | printf \"%s\" }}{{ $x }}", Dot()),
            "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;");
}

TEST(HtmlEscapingTest, SafeHtmlPassesUntilTransformed) {
  EXPECT_EQ(RenderHtml("{{ .Label | safeHtml }}", Dot()), "<script>alert(1)</script>");
  EXPECT_EQ(RenderHtml("{{ $s := safeHtml .Label }}{{ with $s }}{{ . }}{{ end }}", Dot()),
            "<script>alert(1)</script>");
  EXPECT_EQ(RenderHtml(R"({{ safeHtml .Label | printf "%s" }})", Dot()),
            "&lt;script&gt;alert(1)&lt;/script&gt;");
  EXPECT_EQ(RenderHtml(R"({{ safeHtml "<b>" | toUpper }})"), "&lt;B&gt;");
}

TEST(HtmlEscapingTest, TemplateCallsAreNotEscapedAgain) {
  EXPECT_EQ(
      RenderHtml(R"({{ define "x" }}<b>{{ .Label }}</b>{{ end }}[{{ template "x" . }}])", Dot()),
      "[<b>&lt;script&gt;alert(1)&lt;/script&gt;</b>]");
  EXPECT_EQ(RenderHtml(R"({{ define "x" }}{{ . }}{{ end }}{{ template "x" (safeHtml "<i>") }})"),
            "<i>");
}

TEST(HtmlEscapingTest, NilPrintsNothing) {
  EXPECT_EQ(RenderHtml("[{{ . }}][{{ print nil }}]"), "[][&lt;nil&gt;]");
}

TEST(HtmlEscapingTest, UnsafeUrlSchemesAreFiltered) {
  EXPECT_EQ(RenderHtml(R"(<a href="{{ .Url }}">)", Dot()), R"(<a href="#ZgotmplZ">)");
  EXPECT_EQ(RenderHtml(R"(<a class=x HREF = '{{ .Url | html }}'>)", Dot()),
            R"(<a class=x HREF = '#ZgotmplZ'>)");
  EXPECT_EQ(RenderHtml(R"(<img data-src="{{ .Url }}">)", Dot()), R"(<img data-src="#ZgotmplZ">)");
  EXPECT_EQ(RenderHtml(R"(<a href="{{ .Url | safeUrl }}">)", Dot()),
            R"x(<a href="javascript:alert(1)">)x");
  EXPECT_EQ(RenderHtml(R"(<a href="{{ .Http }}">)", Dot()),
            R"(<a href="HTTPS://x.org/?a=1&amp;b=2">)");
  EXPECT_EQ(RenderHtml(R"(<a href="/x/{{ .Url }}">)", Dot()),
            R"x(<a href="/x/javascript:alert(1)">)x");
  // Not an attribute: outside a tag, or a non-URL attribute.
  EXPECT_EQ(RenderHtml(R"(see href="{{ .Url }}")", Dot()), R"x(see href="javascript:alert(1)")x");
  EXPECT_EQ(RenderHtml(R"(<a title="{{ .Url }}">)", Dot()), R"x(<a title="javascript:alert(1)">)x");
}

TEST(HtmlContextTest, SafeUrlSchemes) {
  EXPECT_TRUE(internal::IsSafeUrl("http://a"));
  EXPECT_TRUE(internal::IsSafeUrl("MailTo:a@b"));
  EXPECT_TRUE(internal::IsSafeUrl("/a:b"));
  EXPECT_TRUE(internal::IsSafeUrl("no-scheme"));
  EXPECT_FALSE(internal::IsSafeUrl("javascript:x"));
  EXPECT_FALSE(internal::IsSafeUrl(" javascript:x"));
  EXPECT_FALSE(internal::IsSafeUrl("data:text/html,x"));
  EXPECT_FALSE(internal::EndsInUrlAttrStart("\"href=\""));
  EXPECT_TRUE(internal::EndsInUrlAttrStart("<a\nhref=\""));
  EXPECT_FALSE(internal::EndsInUrlAttrStart("<a href=\"x\">href=\""));
}

}  // namespace
}  // namespace osprey::tmpl
