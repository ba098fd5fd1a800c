#include "base/html.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace osprey {
namespace {

TEST(HtmlEscapeTest, EscapesTheFiveSpecialCharacters) {
  EXPECT_EQ(HtmlEscape(R"(<a href="x?a=1&b='2'">)"),
            "&lt;a href=&#34;x?a=1&amp;b=&#39;2&#39;&#34;&gt;");
}

TEST(HtmlEscapeTest, EmptyInputGivesEmptyOutput) {
  EXPECT_EQ(HtmlEscape(""), "");
  std::string out = "kept";
  AppendHtmlEscaped(out, "");
  EXPECT_EQ(out, "kept");
}

TEST(HtmlEscapeTest, PlainTextIsUnchanged) {
  EXPECT_EQ(HtmlEscape("Disk almost full on db1: 97% used"), "Disk almost full on db1: 97% used");
}

TEST(HtmlEscapeTest, Utf8PassesThroughUnchanged) {
  // Two-, three- and four-byte sequences, next to escaped bytes.
  EXPECT_EQ(HtmlEscape("h\xC3\xA9llo <\xE2\x80\xA6> \xF0\x9F\x94\xA5&"),
            "h\xC3\xA9llo &lt;\xE2\x80\xA6&gt; \xF0\x9F\x94\xA5&amp;");
}

TEST(HtmlEscapeTest, InvalidUtf8BytesAreCopied) {
  EXPECT_EQ(HtmlEscape("a\xFF\xC3<"), "a\xFF\xC3&lt;");
}

TEST(HtmlEscapeTest, NulBecomesReplacementCharacter) {
  EXPECT_EQ(HtmlEscape(std::string_view("a\0b", 3)),
            "a\xEF\xBF\xBD"
            "b");
}

TEST(HtmlEscapeTest, AlreadyEscapedTextIsEscapedAgain) {
  EXPECT_EQ(HtmlEscape("&lt;"), "&amp;lt;");
}

TEST(HtmlEscapeTest, AppendKeepsWhatIsThere) {
  std::string out = "<p>";
  AppendHtmlEscaped(out, "x>y");
  out += "</p>";
  EXPECT_EQ(out, "<p>x&gt;y</p>");
}

}  // namespace
}  // namespace osprey
