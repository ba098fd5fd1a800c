#include "tsdb/chunk/xor_chunk.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "model/sample.h"

namespace osprey::tsdb {
namespace {

struct Point {
  int64_t t;
  uint64_t bits;
};

std::vector<Point> Decode(std::span<const uint8_t> bytes) {
  std::vector<Point> out;
  XorIterator it(bytes);
  while (it.Next()) out.push_back({it.t(), it.value_bits()});
  EXPECT_TRUE(it.status().ok()) << it.status().ToString();
  return out;
}

// Appends every point, then checks the chunk decodes to exactly the same bits, validates and
// reloads to an appendable copy that encodes identically.
void ExpectRoundTrip(const std::vector<Point>& points) {
  XorChunk chunk;
  for (const Point& p : points) chunk.Append(p.t, std::bit_cast<double>(p.bits));
  ASSERT_EQ(chunk.num_samples(), points.size());
  const std::vector<Point> got = Decode(chunk.bytes());
  ASSERT_EQ(got.size(), points.size());
  for (size_t i = 0; i < points.size(); ++i) {
    ASSERT_EQ(got[i].t, points[i].t) << i;
    ASSERT_EQ(got[i].bits, points[i].bits) << i;
  }
  auto info = XorChunk::Validate(chunk.bytes());
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->num_samples, points.size());
  if (!points.empty()) {
    EXPECT_EQ(chunk.MinTime(), points.front().t);
    EXPECT_EQ(chunk.MaxTime(), points.back().t);
    EXPECT_EQ(info->min_time, points.front().t);
    EXPECT_EQ(info->max_time, points.back().t);
    EXPECT_EQ(std::bit_cast<uint64_t>(chunk.LastValue()), points.back().bits);
  }
}

uint64_t Bits(double v) { return std::bit_cast<uint64_t>(v); }

TEST(XorChunkTest, EmptyChunkHasHeaderOnlyAndNoSamples) {
  XorChunk chunk;
  EXPECT_TRUE(chunk.empty());
  EXPECT_EQ(chunk.bytes().size(), 2u);
  XorIterator it = chunk.Iterator();
  EXPECT_FALSE(it.Next());
  EXPECT_TRUE(it.status().ok());
  EXPECT_FALSE(it.Seek(0));
  auto info = XorChunk::Validate(chunk.bytes());
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->num_samples, 0);
}

TEST(XorChunkTest, RoundTripsOneSample) { ExpectRoundTrip({{1'700'000'000'000, Bits(42.5)}}); }

TEST(XorChunkTest, RoundTripsSpecialValuesBitExactly) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> values = {0.0,
                                -0.0,
                                std::numeric_limits<double>::quiet_NaN(),
                                model::StaleNaN(),
                                inf,
                                -inf,
                                std::numeric_limits<double>::denorm_min(),
                                std::numeric_limits<double>::max(),
                                std::numeric_limits<double>::lowest(),
                                1.0,
                                model::StaleNaN(),
                                model::StaleNaN(),
                                -1.0,
                                std::bit_cast<double>(uint64_t{0x7ff8dead0000beefULL}),
                                0.0};
  std::vector<Point> points;
  for (size_t i = 0; i < values.size(); ++i) {
    points.push_back({static_cast<int64_t>(i) * 15000, Bits(values[i])});
  }
  ExpectRoundTrip(points);
  XorChunk chunk;
  chunk.Append(1, model::StaleNaN());
  XorIterator it = chunk.Iterator();
  ASSERT_TRUE(it.Next());
  EXPECT_TRUE(model::IsStaleNaN(it.v()));
}

TEST(XorChunkTest, RoundTripsExtremeTimestampJumps) {
  const int64_t min = std::numeric_limits<int64_t>::min();
  const int64_t max = std::numeric_limits<int64_t>::max();
  ExpectRoundTrip({{min, Bits(1)}, {max, Bits(2)}});
  ExpectRoundTrip({{min, Bits(1)}, {min + 1, Bits(2)}, {max - 1, Bits(3)}, {max, Bits(4)}});
  ExpectRoundTrip({{-5, Bits(1)},
                   {0, Bits(1)},
                   {1, Bits(1)},
                   {1'000'000'000'000, Bits(1)},
                   {1'000'000'000'001, Bits(1)},
                   {1'000'000'015'001, Bits(2)}});
}

TEST(XorChunkTest, RoundTripsEveryDeltaOfDeltaBucketBoundary) {
  // Deltas chosen so the delta-of-deltas hit each side of every bucket's limits.
  const std::vector<int64_t> dods = {0,       63,      64,         -64,    -65,    8191,
                                     8192,    -8192,   -8193,      524287, 524288, -524288,
                                     -524289, 1 << 30, -(1 << 30), 1,      -1,     0};
  std::vector<Point> points = {{0, Bits(0)}, {1'000'000, Bits(0)}};
  int64_t delta = 1'000'000;
  for (int64_t dod : dods) {
    delta += dod;
    ASSERT_GT(delta, 0);
    points.push_back({points.back().t + delta, Bits(static_cast<double>(points.size()))});
  }
  ExpectRoundTrip(points);
}

TEST(XorChunkTest, RoundTripsNegativeValueSteps) {
  std::vector<Point> points;
  double v = 1e6;
  for (int i = 0; i < 200; ++i) {
    v -= (i % 7) * 4096.0;
    points.push_back({i * 15'000LL, Bits(v)});
  }
  ExpectRoundTrip(points);
}

TEST(XorChunkTest, RoundTripsRandomSamples) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 50; ++round) {
    std::vector<Point> points;
    int64_t t = static_cast<int64_t>(rng()) >> 2;
    const int n = 1 + static_cast<int>(rng() % 500);
    for (int i = 0; i < n; ++i) {
      t += 1 + static_cast<int64_t>(rng() % (round % 3 == 0 ? 3 : 1'000'000));
      uint64_t bits;
      switch (rng() % 4) {
        case 0:
          bits = rng();  // Any bit pattern, including NaNs.
          break;
        case 1:
          bits = points.empty() ? 0 : points.back().bits;
          break;
        case 2:
          bits = Bits(static_cast<double>(rng() % 1000) / 100);
          break;
        default:
          bits = (points.empty() ? 0 : points.back().bits) ^ (uint64_t{1} << (rng() % 64));
      }
      points.push_back({t, bits});
    }
    ExpectRoundTrip(points);
  }
}

TEST(XorChunkTest, HoldsTheMaximumSampleCount) {
  XorChunk chunk;
  for (int i = 0; i < kXorChunkMaxSamples; ++i) chunk.Append(i * 15'000LL, i % 10);
  EXPECT_EQ(chunk.num_samples(), kXorChunkMaxSamples);
  XorIterator it = chunk.Iterator();
  int n = 0;
  while (it.Next()) {
    ASSERT_EQ(it.t(), n * 15'000LL);
    ASSERT_EQ(it.v(), n % 10);
    ++n;
  }
  EXPECT_EQ(n, kXorChunkMaxSamples);
  EXPECT_TRUE(it.status().ok());
}

TEST(XorChunkTest, RegularScrapesCostAboutOneBitPerTimestamp) {
  XorChunk chunk;
  for (int i = 0; i < 120; ++i) chunk.Append(1'700'000'000'000 + i * 15'000LL, 5.0);
  // 2 header + 6 first timestamp + 8 first value + 2 delta; then 2 bits per sample.
  EXPECT_LE(chunk.bytes().size(), 2u + 6 + 8 + 2 + (118 * 2 + 7) / 8 + 1);
}

TEST(XorChunkTest, MemoryStaysCloseToEncodedSize) {
  XorChunk chunk;
  std::mt19937_64 rng(1);
  double v = 1e9;
  for (int i = 0; i < 120; ++i) {
    v += static_cast<double>(rng() % 100000);
    chunk.Append(i * 15'000LL + static_cast<int64_t>(rng() % 30), v);
  }
  EXPECT_LE(chunk.MemoryBytes(), sizeof(XorChunk) + chunk.bytes().size() + 120);
  chunk.ShrinkToFit();
  EXPECT_EQ(chunk.MemoryBytes(), sizeof(XorChunk) + chunk.bytes().size());
  // Still appendable after shrinking.
  chunk.Append(10'000'000, 1.0);
  const std::vector<Point> got = Decode(chunk.bytes());
  ASSERT_EQ(got.size(), 121u);
  EXPECT_EQ(got.back().t, 10'000'000);
  EXPECT_EQ(got.back().bits, Bits(1.0));
}

TEST(XorChunkTest, SeekFindsFirstSampleAtOrAfter) {
  XorChunk chunk;
  for (int i = 1; i <= 10; ++i) chunk.Append(i * 10, i);
  XorIterator it = chunk.Iterator();
  ASSERT_TRUE(it.Seek(35));
  EXPECT_EQ(it.t(), 40);
  // Seeking backwards or to the current time does not move.
  ASSERT_TRUE(it.Seek(10));
  EXPECT_EQ(it.t(), 40);
  ASSERT_TRUE(it.Seek(40));
  EXPECT_EQ(it.t(), 40);
  ASSERT_TRUE(it.Next());
  EXPECT_EQ(it.t(), 50);
  ASSERT_TRUE(it.Seek(100));
  EXPECT_EQ(it.t(), 100);
  EXPECT_EQ(it.v(), 10);
  EXPECT_FALSE(it.Seek(101));
  // Once exhausted, even an earlier time finds nothing.
  EXPECT_FALSE(it.Seek(0));
  EXPECT_TRUE(it.status().ok());

  XorIterator fresh = chunk.Iterator();
  ASSERT_TRUE(fresh.Seek(-5));
  EXPECT_EQ(fresh.t(), 10);
}

TEST(XorChunkTest, FromBytesContinuesAppendingIdentically) {
  XorChunk original;
  std::mt19937_64 rng(3);
  std::vector<Point> points;
  for (int i = 0; i < 300; ++i) {
    points.push_back({i * 15'000LL + static_cast<int64_t>(rng() % 20),
                      Bits(static_cast<double>(rng() % 1000) * 0.25)});
  }
  for (size_t split : {0, 1, 2, 3, 150, 299}) {
    SCOPED_TRACE(split);
    XorChunk a;
    for (size_t i = 0; i < split; ++i) a.Append(points[i].t, std::bit_cast<double>(points[i].bits));
    auto b = XorChunk::FromBytes(a.bytes());
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    for (size_t i = split; i < points.size(); ++i) {
      a.Append(points[i].t, std::bit_cast<double>(points[i].bits));
      b->Append(points[i].t, std::bit_cast<double>(points[i].bits));
    }
    ASSERT_EQ(std::vector<uint8_t>(a.bytes().begin(), a.bytes().end()),
              std::vector<uint8_t>(b->bytes().begin(), b->bytes().end()));
  }
}

TEST(XorChunkTest, MovedFromChunkIsEmpty) {
  XorChunk a;
  a.Append(1, 1);
  XorChunk b = std::move(a);
  EXPECT_EQ(b.num_samples(), 1);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): documented state.
  EXPECT_EQ(a.bytes().size(), 2u);
  a.Append(5, 2);
  EXPECT_EQ(Decode(a.bytes()).size(), 1u);
}

TEST(XorChunkTest, CorruptedBytesGiveDataLossNotACrash) {
  XorChunk chunk;
  std::mt19937_64 rng(9);
  for (int i = 0; i < 100; ++i)
    chunk.Append(i * 15'000LL + static_cast<int64_t>(rng() % 40), rng() % 77);
  const std::vector<uint8_t> good(chunk.bytes().begin(), chunk.bytes().end());

  // Every truncation is detected.
  for (size_t len = 0; len < good.size(); ++len) {
    std::span<const uint8_t> cut(good.data(), len);
    EXPECT_FALSE(XorChunk::Validate(cut).ok()) << len;
    XorIterator it(cut);
    while (it.Next()) {
    }
    EXPECT_EQ(it.status().code(), StatusCode::kDataLoss) << len;
  }
  // Trailing garbage is rejected by Validate.
  std::vector<uint8_t> longer = good;
  longer.push_back(0);
  EXPECT_EQ(XorChunk::Validate(longer).status().code(), StatusCode::kDataLoss);
  // Random byte flips never crash and either decode or report data loss.
  for (int round = 0; round < 2000; ++round) {
    std::vector<uint8_t> bad = good;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f)
      bad[rng() % bad.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
    XorIterator it(bad);
    int64_t prev = std::numeric_limits<int64_t>::min();
    int n = 0;
    while (it.Next()) {
      ASSERT_GT(it.t(), prev);
      prev = it.t();
      ++n;
    }
    ASSERT_LE(n, it.num_samples());
    if (n < it.num_samples()) {
      ASSERT_EQ(it.status().code(), StatusCode::kDataLoss);
    }
    (void)XorChunk::Validate(bad);
    (void)XorChunk::FromBytes(bad);
  }
}

TEST(XorChunkTest, DefaultIteratorHasNoSamples) {
  XorIterator it;
  EXPECT_FALSE(it.Next());
  EXPECT_TRUE(it.status().ok());
}

}  // namespace
}  // namespace osprey::tsdb
