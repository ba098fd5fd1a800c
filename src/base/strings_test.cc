#include "base/strings.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace osprey {
namespace {

TEST(Utf8Test, SequenceLengthCountsValidSequencesAndRejectsBrokenOnes) {
  EXPECT_EQ(Utf8SequenceLength("a", 0), 1u);
  EXPECT_EQ(Utf8SequenceLength("\xc3\xa9", 0), 2u);          // é
  EXPECT_EQ(Utf8SequenceLength("\xe2\x82\xac", 0), 3u);      // €
  EXPECT_EQ(Utf8SequenceLength("\xf0\x9f\x98\x80", 0), 4u);  // 😀
  EXPECT_EQ(Utf8SequenceLength("x\xc3\xa9", 1), 2u);
  EXPECT_EQ(Utf8SequenceLength("\x80", 0), 0u);              // stray continuation byte
  EXPECT_EQ(Utf8SequenceLength("\xe2\x82", 0), 0u);          // truncated
  EXPECT_EQ(Utf8SequenceLength("\xc3\x28", 0), 0u);          // bad continuation
  EXPECT_EQ(Utf8SequenceLength("\xc0\xaf", 0), 0u);          // overlong
  EXPECT_EQ(Utf8SequenceLength("\xed\xa0\x80", 0), 0u);      // surrogate
  EXPECT_EQ(Utf8SequenceLength("\xf4\x90\x80\x80", 0), 0u);  // past U+10FFFF
  EXPECT_EQ(Utf8SequenceLength("\xff", 0), 0u);
}

TEST(Utf8Test, IsValidUtf8ChecksTheWholeString) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa6"));
  EXPECT_FALSE(IsValidUtf8("caf\xc3"));
  EXPECT_FALSE(IsValidUtf8("ok\xffok"));
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));
}

TEST(Utf8Test, AppendValidUtf8ReplacesEachInvalidByte) {
  std::string out = "x";
  AppendValidUtf8(out, "caf\xc3\xa9 \xff\xe2\x82 \"\n");
  EXPECT_EQ(out, "xcaf\xc3\xa9 \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD \"\n");
}

TEST(Utf8Test, AppendUtf8SequenceOrReplacementReportsBytesUsed) {
  std::string out;
  EXPECT_EQ(AppendUtf8SequenceOrReplacement(out, "a\xe2\x82\xac", 1), 3u);
  EXPECT_EQ(AppendUtf8SequenceOrReplacement(out, "\xe2\x82", 0), 1u);
  EXPECT_EQ(out, "\xe2\x82\xac\xEF\xBF\xBD");
}

TEST(StrReplaceAllTest, ReplacesEveryOccurrenceWithoutRescanning) {
  EXPECT_EQ(StrReplaceAll("a.b.c", ".", "::"), "a::b::c");
  EXPECT_EQ(StrReplaceAll("aaa", "a", "aa"), "aaaaaa");  // the inserted text is not rescanned
  EXPECT_EQ(StrReplaceAll("abab", "ab", ""), "");
  EXPECT_EQ(StrReplaceAll("xyz", "q", "r"), "xyz");
  EXPECT_EQ(StrReplaceAll("xyz", "", "r"), "xyz");
  EXPECT_EQ(StrReplaceAll("", "a", "b"), "");
}

TEST(StrJoinTest, PutsTheSeparatorBetweenParts) {
  EXPECT_EQ(StrJoin(std::vector<std::string>{}, ", "), "");
  EXPECT_EQ(StrJoin(std::vector<std::string>{"a"}, ", "), "a");
  EXPECT_EQ(StrJoin(std::vector<std::string>{"a", "", "c"}, ","), "a,,c");
}

TEST(JsonEscapeTest, EscapesQuotesBackslashesAndControlCharacters) {
  std::string out = "prefix:";
  AppendJsonEscaped(out, std::string("a\"b\\c\n\r\t\b\f\x01\x1f\0\x7f", 14));
  EXPECT_EQ(out, R"(prefix:a\"b\\c\n\r\t\b\f\u0001\u001f\u0000)"
                 "\x7f");
}

TEST(JsonEscapeTest, CopiesValidUtf8AndReplacesInvalidBytes) {
  std::string out;
  AppendJsonEscaped(out, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  EXPECT_EQ(out, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  out.clear();
  AppendJsonEscaped(out, "x\xff\xc3y\xed\xa0\x80");  // Stray, truncated, surrogate.
  EXPECT_EQ(out, "x\uFFFD\uFFFDy\uFFFD\uFFFD\uFFFD");
}

TEST(GoQuoteTest, BasicEscapesOnlyQuotesBackslashesAndLineBreaks) {
  std::string out;
  AppendGoQuoted(out, "a\"b\\c\nd\re\tf");
  EXPECT_EQ(out, R"("a\"b\\c\nd\re\tf")");
  out.clear();
  AppendGoQuoted(out, "\x01\x7f\xff");
  EXPECT_EQ(out, "\"\x01\x7f\xff\"");
  out.clear();
  AppendGoQuoted(out, "");
  EXPECT_EQ(out, R"("")");
}

TEST(GoQuoteTest, ReadableAlsoEscapesControlCharactersAndDel) {
  std::string out;
  AppendGoQuoted(out, "a\"\\\n\x01\x1b\x7f", GoQuoteEscapes::kReadable);
  EXPECT_EQ(out, R"("a\"\\\n\x01\x1b\x7f")");
}

TEST(GoQuoteTest, ReadableEscapesHighBytesOnlyWhenTheStringIsNotUtf8) {
  std::string out;
  AppendGoQuoted(out, "caf\xc3\xa9", GoQuoteEscapes::kReadable);
  EXPECT_EQ(out, "\"caf\xc3\xa9\"");
  out.clear();
  AppendGoQuoted(out, "caf\xc3\xa9\xff", GoQuoteEscapes::kReadable);
  EXPECT_EQ(out, R"("caf\xc3\xa9\xff")");
}

}  // namespace
}  // namespace osprey

namespace osprey {
namespace {

TEST(FormatRfc3339MillisTest, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(FormatRfc3339Millis(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339Millis(1795272370123), "2026-11-21T14:46:10.123Z");
}

}  // namespace
}  // namespace osprey
