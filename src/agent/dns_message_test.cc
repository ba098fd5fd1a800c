#include "agent/dns_message.h"

#include <gtest/gtest.h>

#include <string>

namespace osprey::agent {
namespace {

// Bytes from hex, for hand-built messages.
std::string Bytes(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

TEST(DnsMessageTest, EncodesAQuestion) {
  Result<std::string> q = EncodeDnsQuery(0x1234, "a.test.", 15);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(*q, Bytes("123401000001000000000000"
                      "0161"
                      "0474657374"
                      "00"
                      "000f"
                      "0001"));
  EXPECT_FALSE(EncodeDnsQuery(1, std::string(64, 'a') + ".test", 1).ok());
  EXPECT_FALSE(EncodeDnsQuery(1, "a..test", 1).ok());
  EXPECT_FALSE(EncodeDnsQuery(1, std::string(254, 'a'), 1).ok());
}

// Responses captured from dnsmasq 2.90 (header, question, answers with name compression).
TEST(DnsMessageTest, DecodesRecordsAsDigPrintsThem) {
  Result<DnsResponse> r =
      ParseDnsResponse(Bytes("1234858000010001000000000161047465737400000100"
                             "01c00c000100010000000000047f000007"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->id, 0x1234);
  EXPECT_EQ(r->rcode, 0);
  ASSERT_EQ(r->answers.size(), 1u);
  EXPECT_EQ(r->answers[0].name, "a.test.");
  EXPECT_EQ(r->answers[0].type, 1);
  EXPECT_EQ(r->answers[0].data, "127.0.0.7");

  r =
      ParseDnsResponse(Bytes("12348580000100010000000002"
                             "6d78"
                             "0474657374"
                             "00000f0001"
                             "c00c000f000100000000000d000a046d61696c047465737400"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->answers[0].data, "10 mail.test.");

  r =
      ParseDnsResponse(Bytes("1234858000010001000000000374787404746573740000100001"
                             "c00c0010000100000000000c0b68656c6c6f20776f726c64"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->answers[0].data, "\"hello world\"");
}

TEST(DnsMessageTest, DecodesSoaAndUnknownTypes) {
  // One SOA answer (names uncompressed) and one TYPE99 answer with 2 data bytes.
  const std::string soa_data = Bytes(
      "026e73"
      "00"
      "02686d"
      "00"
      "00000007"
      "00000e10"
      "00000384"
      "00093a80"
      "0000012c");
  std::string m = Bytes(
      "abcd81800000000200000000"
      "00"
      "0006"
      "0001"
      "00000000");
  m += Bytes("001c") + soa_data;  // rdlength 28
  m += Bytes("0000630001000000000002beef");
  Result<DnsResponse> r = ParseDnsResponse(m);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->answers.size(), 2u);
  EXPECT_EQ(r->answers[0].data, "ns. hm. 7 3600 900 604800 300");
  EXPECT_EQ(r->answers[0].soa_serial, 7u);
  EXPECT_EQ(r->answers[1].data, "\\# 2 BEEF");
  EXPECT_EQ(DnsTypeName(99), "TYPE99");
}

TEST(DnsMessageTest, BadPacketsAreErrorsNamingTheOffset) {
  // A query, not a response.
  EXPECT_EQ(ParseDnsResponse(Bytes("123401000000000000000000")).status().message(),
            "dns message is a query, not a response");
  // Truncated header.
  EXPECT_EQ(ParseDnsResponse(Bytes("1234")).status().message(),
            "dns response truncated at byte 2 reading the header");
  // A compression pointer to itself.
  Result<DnsResponse> r = ParseDnsResponse(Bytes("123481800000000100000000c00c00010001"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("compression pointer loop"), std::string::npos)
      << r.status().ToString();
  // An A record with 3 data bytes.
  r =
      ParseDnsResponse(Bytes("12348180000000010000000000"
                             "00010001000000000003"
                             "7f0000"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "dns A record at byte 23 has 3 data bytes, want 4");
  // A data length past the end.
  r =
      ParseDnsResponse(Bytes("12348180000000010000000000"
                             "000f0001000000000040"
                             "000a"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("truncated"), std::string::npos) << r.status().ToString();
}

TEST(DnsMessageTest, NamesAndRcodes) {
  EXPECT_EQ(DnsTypeFromName("MX"), DnsType::kMx);
  EXPECT_EQ(DnsTypeFromName("mx"), std::nullopt);
  EXPECT_EQ(DnsRcodeFromName("NXDOMAIN"), 3);
  EXPECT_EQ(DnsRcodeName(5), "REFUSED");
  EXPECT_EQ(DnsRcodeName(23), "RCODE23");
}

}  // namespace
}  // namespace osprey::agent
