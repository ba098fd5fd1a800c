#include "alerting/silences_snapshot.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace osprey::alerting {
namespace {

using model::Matcher;
using model::MatchType;
using ::testing::HasSubstr;

std::vector<Silence> Sample() {
  Silence a;
  a.id = "6a1b9b9e-3f0e-4c55-9b4a-0f2d1c3e4b5a";
  a.matchers = {Matcher::MustCreate(MatchType::kEqual, "job", "api"),
                Matcher::MustCreate(MatchType::kNotEqual, "env", "dev"),
                Matcher::MustCreate(MatchType::kRegexMatch, "instance", "host-[0-9]+"),
                Matcher::MustCreate(MatchType::kRegexNoMatch, "team", "a|b")};
  a.starts_at = 1'700'000'000'000;
  a.ends_at = 1'700'003'600'000;
  a.updated_at = 1'699'999'999'999;
  a.created_by = "alice";
  a.comment = "planned \"maintenance\"\n\xc3\xa9";
  Silence b;
  b.id = "b";
  b.matchers = {Matcher::MustCreate(MatchType::kEqual, "x", "y")};
  b.starts_at = -5;  // Negative timestamps survive too.
  b.ends_at = 0;
  return {a, b};
}

TEST(SilencesSnapshotTest, RoundTrips) {
  const std::vector<Silence> in = Sample();
  auto out = DecodeSilencesSnapshot(EncodeSilencesSnapshot(in));
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const Silence& x = in[i];
    const Silence& y = (*out)[i];
    EXPECT_EQ(x.id, y.id);
    EXPECT_TRUE(SameMatchers(x.matchers, y.matchers));
    EXPECT_EQ(x.starts_at, y.starts_at);
    EXPECT_EQ(x.ends_at, y.ends_at);
    EXPECT_EQ(x.updated_at, y.updated_at);
    EXPECT_EQ(x.created_by, y.created_by);
    EXPECT_EQ(x.comment, y.comment);
  }
  EXPECT_TRUE((*out)[0].matchers[2].Matches("host-12"));
}

TEST(SilencesSnapshotTest, EmptySnapshotRoundTrips) {
  auto out = DecodeSilencesSnapshot(EncodeSilencesSnapshot({}));
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->empty());
}

TEST(SilencesSnapshotTest, ChecksumIsZlibsCrc32) {
  // An empty snapshot; the last four bytes are zlib.crc32() of the first twelve.
  const std::string golden("OSIL\x01\0\0\0\0\0\0\0\x2c\x89\xdd\x4e", 16);
  EXPECT_EQ(EncodeSilencesSnapshot({}), golden);
}

TEST(SilencesSnapshotTest, EveryTruncationIsDataLoss) {
  const std::string data = EncodeSilencesSnapshot(Sample());
  for (size_t n = 0; n < data.size(); ++n) {
    auto out = DecodeSilencesSnapshot(std::string_view(data).substr(0, n));
    ASSERT_FALSE(out.ok()) << n;
    EXPECT_EQ(out.status().code(), StatusCode::kDataLoss);
  }
}

TEST(SilencesSnapshotTest, EveryBitFlipIsDetected) {
  const std::string data = EncodeSilencesSnapshot(Sample());
  for (size_t i = 0; i < data.size(); ++i) {
    std::string bad = data;
    bad[i] = static_cast<char>(bad[i] ^ 0x10);
    EXPECT_FALSE(DecodeSilencesSnapshot(bad).ok()) << i;
  }
}

TEST(SilencesSnapshotTest, ErrorsSayWhatIsWrong) {
  EXPECT_THAT(DecodeSilencesSnapshot("{\"silences\": []}").status().message(),
              HasSubstr("not a silences snapshot"));
  std::string v2 = EncodeSilencesSnapshot({});
  v2[4] = 2;
  EXPECT_THAT(DecodeSilencesSnapshot(v2).status().message(), HasSubstr("unsupported version 2"));
  std::string flipped = EncodeSilencesSnapshot(Sample());
  flipped[20] ^= 1;
  EXPECT_THAT(DecodeSilencesSnapshot(flipped).status().message(), HasSubstr("checksum mismatch"));
}

}  // namespace
}  // namespace osprey::alerting
