#include "alerting/notifiers/mime.h"

#include <gtest/gtest.h>

#include "alerting/notifiers/go_json.h"

namespace osprey::alerting::notifiers {
namespace {

TEST(GoJsonTest, TimesUseGoRfc3339NanoWithTrailingZerosTrimmed) {
  EXPECT_EQ(GoTimeRfc3339(0), "0001-01-01T00:00:00Z");
  EXPECT_EQ(GoTimeRfc3339(1700000000000), "2023-11-14T22:13:20Z");
  EXPECT_EQ(GoTimeRfc3339(1700000000123), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(GoTimeRfc3339(1700000000500), "2023-11-14T22:13:20.5Z");
  EXPECT_EQ(GoTimeRfc3339(1700000000020), "2023-11-14T22:13:20.02Z");
  EXPECT_EQ(GoTimeRfc3339(951782400000), "2000-02-29T00:00:00Z");
}

TEST(GoJsonTest, StringsAreEscapedLikeGosEncoder) {
  std::string out;
  AppendGoJsonString(out, "a<b>&\"\\\n\t\x01 \xE2\x80\xA8 \xff é");
  EXPECT_EQ(out, R"("a\u003cb\u003e\u0026\"\\\n\t\u0001 \u2028 \ufffd é")");
}

TEST(GoJsonTest, WriterSeparatesValuesAndNestsContainers) {
  GoJsonWriter w;
  w.BeginObject();
  w.Key("a");
  w.BeginArray();
  w.Int(1);
  w.String("x");
  w.BeginObject();
  w.EndObject();
  w.EndArray();
  w.Key("b");
  w.Bool(false);
  w.Key("c");
  w.Null();
  w.EndObject();
  EXPECT_EQ(w.str(), R"({"a":[1,"x",{}],"b":false,"c":null})");
}

TEST(MimeTest, PlainAsciiHeadersStayAndOthersAreEncodedWords) {
  EXPECT_EQ(EncodeHeaderValue("[FIRING:1] api"), "[FIRING:1] api");
  EXPECT_EQ(EncodeHeaderValue("caf\xC3\xA9"), "=?utf-8?b?Y2Fmw6k=?=");
  // A newline from a template cannot start a new header.
  const std::string injected = EncodeHeaderValue("x\r\nBcc: evil@example.org");
  EXPECT_EQ(injected.find("\r\nBcc"), std::string::npos);
  EXPECT_EQ(injected.rfind("=?utf-8?b?", 0), 0u);
}

TEST(MimeTest, QuotedPrintableEncodesSpecialsAndWrapsLongLines) {
  EXPECT_EQ(QuotedPrintable("a=b\nc \n\xC3\xA9"), "a=3Db\r\nc=20\r\n=C3=A9");
  const std::string long_line(100, 'x');
  const std::string qp = QuotedPrintable(long_line);
  EXPECT_EQ(qp, std::string(75, 'x') + "=\r\n" + std::string(25, 'x'));
}

TEST(MimeTest, AddressListsYieldAddrSpecs) {
  auto a = ParseAddressList(R"(a@x.org, "Bob, B." <b@y.org>,  <c@z.org> )");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(*a, (std::vector<std::string>{"a@x.org", "b@y.org", "c@z.org"}));
  EXPECT_FALSE(ParseAddressList("not an address").ok());
  EXPECT_FALSE(ParseAddressList("a@x.org,").ok());
  EXPECT_FALSE(ParseAddressList("Bob <b@y.org").ok());
}

TEST(MimeTest, DatesAreRfc1123WithNumericZone) {
  EXPECT_EQ(Rfc1123Date(1700000000123), "Tue, 14 Nov 2023 22:13:20 +0000");
}

}  // namespace
}  // namespace osprey::alerting::notifiers
