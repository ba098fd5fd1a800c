#include "incidents/ack_links.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <string>

#include "testing/temp_dir.h"

namespace osprey::incidents {
namespace {

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kNow = 1'700'000'000'000;

std::string Key(char c = 'k') { return std::string(32, c); }

TEST(AckLinksTest, RoundTripsIncidentPersonAndExpiry) {
  HmacAckLinks links(Key(), 24 * kHour);
  const std::string token = links.Sign(12, "alice", kNow);
  Result<AckClaim> claim = links.Verify(token, kNow + kHour);
  ASSERT_TRUE(claim.ok()) << claim.status().ToString();
  EXPECT_EQ(claim->incident_id, 12);
  EXPECT_EQ(claim->person, "alice");
  EXPECT_EQ(claim->expires_at_ms, kNow + 24 * kHour);
  EXPECT_EQ(claim->nonce.size(), 32u);  // 16 bytes as hex
  // URL-safe: only base64url characters and the one separator.
  EXPECT_EQ(
      token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."),
      std::string::npos)
      << token;
}

TEST(AckLinksTest, EveryLinkHasItsOwnNonce) {
  HmacAckLinks links(Key(), kHour);
  const std::string a = links.Sign(1, "bob", kNow);
  const std::string b = links.Sign(1, "bob", kNow);
  EXPECT_NE(a, b);
  EXPECT_NE(links.Verify(a, kNow)->nonce, links.Verify(b, kNow)->nonce);
}

TEST(AckLinksTest, ExpiredLinkIsDeadlineExceededWithTheTime) {
  HmacAckLinks links(Key(), kHour);
  const std::string token = links.Sign(3, "alice", kNow);
  Result<AckClaim> claim = links.Verify(token, kNow + kHour);
  EXPECT_EQ(claim.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(claim.status().message(), "ack link expired at 2023-11-14T23:13:20.000Z");
  EXPECT_TRUE(links.Verify(token, kNow + kHour - 1).ok());
}

TEST(AckLinksTest, SetTtlAppliesToLinksSignedAfterwards) {
  HmacAckLinks links(Key(), kHour);
  const std::string before = links.Sign(3, "alice", kNow);
  links.set_ttl(2 * kHour);
  const std::string after = links.Sign(3, "alice", kNow);
  EXPECT_EQ(links.Verify(before, kNow)->expires_at_ms, kNow + kHour);
  EXPECT_EQ(links.Verify(after, kNow)->expires_at_ms, kNow + 2 * kHour);
}

TEST(AckLinksTest, TamperedPayloadOrMacIsPermissionDenied) {
  HmacAckLinks links(Key(), kHour);
  const std::string token = links.Sign(12, "alice", kNow);
  const size_t dot = token.find('.');
  // Re-sign nothing: change one character of the payload, then of the MAC.
  for (size_t pos : {size_t{3}, dot + 5}) {
    std::string t = token;
    t[pos] = t[pos] == 'A' ? 'B' : 'A';
    Result<AckClaim> claim = links.Verify(t, kNow);
    EXPECT_EQ(claim.status().code(), StatusCode::kPermissionDenied) << pos;
  }
  // A payload for another incident with the original MAC.
  const std::string other = links.Sign(13, "alice", kNow);
  const std::string spliced = other.substr(0, other.find('.')) + token.substr(dot);
  Result<AckClaim> claim = links.Verify(spliced, kNow);
  EXPECT_EQ(claim.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(claim.status().message(),
            "ack link signature does not match: the link was altered or signed with another key");
}

TEST(AckLinksTest, LinkSignedWithAnotherKeyIsRejected) {
  HmacAckLinks a(Key('a'), kHour);
  HmacAckLinks b(Key('b'), kHour);
  EXPECT_EQ(b.Verify(a.Sign(1, "alice", kNow), kNow).status().code(),
            StatusCode::kPermissionDenied);
}

TEST(AckLinksTest, MalformedTokensAreRejectedClearly) {
  HmacAckLinks links(Key(), kHour);
  const std::string good = links.Sign(1, "alice", kNow);
  const std::string payload = good.substr(0, good.find('.'));
  const std::string mac = good.substr(good.find('.') + 1);
  struct Case {
    std::string token;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"", "malformed ack link: empty token"},
      {"abc", "malformed ack link: expected two parts separated by one '.'"},
      {payload + "." + mac + ".x", "malformed ack link: expected two parts separated by one '.'"},
      {payload + "=." + mac,
       "malformed ack link: payload: invalid base64url character at "
       "offset " +
           std::to_string(payload.size())},
      {payload + "." + std::string(42, 'A'), "malformed ack link: signature of 31 bytes (want 32)"},
      {payload + "." + mac + "AA", "malformed ack link: signature: invalid base64url length 45"},
      {payload + "." + mac + "A", "malformed ack link: signature of 33 bytes (want 32)"},
      {"a+b/." + mac, "malformed ack link: payload: invalid base64url character at offset 1"},
      {std::string(2000, 'A'), "malformed ack link: token of 2000 characters (at most 1024)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.token);
    Result<AckClaim> claim = links.Verify(c.token, kNow);
    EXPECT_EQ(claim.status().code(), StatusCode::kPermissionDenied);
    EXPECT_EQ(claim.status().message(), c.message);
  }
}

TEST(AckLinksTest, Base64UrlIsStrictAndCanonical) {
  for (std::string_view s : {"", "a", "ab", "abc", "abcd", "\xff\xfe\x00"}) {
    const std::string enc = Base64UrlEncode(s);
    EXPECT_EQ(enc.find('='), std::string::npos);
    Result<std::string> dec = Base64UrlDecode(enc);
    ASSERT_TRUE(dec.ok()) << dec.status().ToString();
    EXPECT_EQ(*dec, s);
  }
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  // "YR" decodes to "a" but leaves a stray bit set: only "YQ" is accepted.
  EXPECT_TRUE(Base64UrlDecode("YQ").ok());
  EXPECT_EQ(Base64UrlDecode("YR").status().message(),
            "non-canonical base64url (stray bits at the end)");
  EXPECT_FALSE(Base64UrlDecode("YQ==").ok());
  EXPECT_FALSE(Base64UrlDecode("Y").ok());
}

TEST(AckLinksTest, OpenGeneratesAPrivateKeyFileOnceAndReusesIt) {
  osprey::testing::TempDir dir;
  const std::string path = dir.Join("ack.key");
  auto first = HmacAckLinks::Open(path, kHour);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 65);  // 64 hex digits and a newline
  const std::string token = (*first)->Sign(5, "carol", kNow);
  // A restart reads the same key: links sent before it still work.
  auto second = HmacAckLinks::Open(path, kHour);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE((*second)->Verify(token, kNow).ok());
}

TEST(AckLinksTest, OpenRejectsAShortKeyAndAnUnwritablePath) {
  osprey::testing::TempDir dir;
  const std::string path = dir.WriteFile("short.key", "0123456789\n");
  auto links = HmacAckLinks::Open(path, kHour);
  EXPECT_EQ(links.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(links.status().message(),
            "ack secret file " + path + " holds 10 bytes; the key needs at least 32");
  auto missing_dir = HmacAckLinks::Open(dir.Join("no/such/dir/ack.key"), kHour);
  EXPECT_EQ(missing_dir.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(missing_dir.status().message().find("no/such/dir/ack.key"), std::string::npos)
      << missing_dir.status().message();
}

TEST(AckLinksTest, OpenUsesAGivenKeyFile) {
  osprey::testing::TempDir dir;
  const std::string path = dir.WriteFile("given.key", std::string(40, 'z') + "\n");
  auto links = HmacAckLinks::Open(path, kHour);
  ASSERT_TRUE(links.ok()) << links.status().ToString();
  HmacAckLinks same(std::string(40, 'z'), kHour);
  EXPECT_TRUE((*links)->Verify(same.Sign(9, "dave", kNow), kNow).ok());
}

}  // namespace
}  // namespace osprey::incidents
