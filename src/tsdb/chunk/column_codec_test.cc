#include "tsdb/chunk/column_codec.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "model/sample.h"

namespace osprey::tsdb {
namespace {

std::vector<uint64_t> Bits(const std::vector<double>& v) {
  std::vector<uint64_t> out;
  for (double d : v) out.push_back(std::bit_cast<uint64_t>(d));
  return out;
}

ColumnEncoding EncodingOf(const std::string& column) {
  auto h = ReadColumnHeader(column);
  EXPECT_TRUE(h.ok()) << h.status().ToString();
  return h.ok() ? h->encoding : ColumnEncoding::kEmpty;
}

// Encodes, decodes and compares bit for bit; returns the encoded column.
std::string ExpectValuesRoundTrip(const std::vector<double>& values) {
  std::string enc = EncodeValues(values);
  std::vector<double> got = {123.0};  // Replaced, not appended to.
  Status s = DecodeValues(enc, &got);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Bits(got), Bits(values));
  auto h = ReadColumnHeader(enc);
  EXPECT_TRUE(h.ok());
  if (h.ok()) {
    EXPECT_EQ(h->num_samples, values.size());
  }
  return enc;
}

std::string ExpectTimestampsRoundTrip(const std::vector<int64_t>& ts) {
  std::string enc = EncodeTimestamps(ts);
  std::vector<int64_t> got = {5};
  Status s = DecodeTimestamps(enc, &got);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(got, ts);
  return enc;
}

TEST(ColumnCodecTest, EmptyColumnsRoundTrip) {
  EXPECT_EQ(ExpectValuesRoundTrip({}).size(), 1u);
  EXPECT_EQ(ExpectTimestampsRoundTrip({}).size(), 1u);
}

TEST(ColumnCodecTest, RegularTimestampsCostAFewBytesInTotal) {
  std::vector<int64_t> ts;
  for (int i = 0; i < 480; ++i) ts.push_back(1'795'263'810'000 + i * 15'000LL);
  const std::string enc = ExpectTimestampsRoundTrip(ts);
  EXPECT_EQ(EncodingOf(enc), ColumnEncoding::kTimestampsRegular);
  EXPECT_LE(enc.size(), 12u);
  EXPECT_EQ(EncodingOf(ExpectTimestampsRoundTrip({77})), ColumnEncoding::kTimestampsRegular);
}

TEST(ColumnCodecTest, JitteredTimestampsCostAboutOneBytePerSample) {
  std::mt19937_64 rng(5);
  std::vector<int64_t> ts;
  for (int i = 0; i < 480; ++i) {
    const int64_t late = rng() % 10 == 0 ? 3 + static_cast<int64_t>(rng() % 28) : 0;
    ts.push_back(1'795'263'810'000 + i * 15'000LL + late);
  }
  const std::string enc = ExpectTimestampsRoundTrip(ts);
  EXPECT_LE(enc.size(), ts.size() + 16);
  EXPECT_LT(ZstdCompress(enc, 3).size(), ts.size() / 2);
}

TEST(ColumnCodecTest, ArbitraryTimestampSequencesRoundTrip) {
  const int64_t min = std::numeric_limits<int64_t>::min();
  const int64_t max = std::numeric_limits<int64_t>::max();
  ExpectTimestampsRoundTrip({min, max, min, 0, max, -1});
  ExpectTimestampsRoundTrip({5, 3, 1, -1});  // Decreasing: regular with a negative step.
  ExpectTimestampsRoundTrip({0, 0, 0});
  std::mt19937_64 rng(11);
  for (int round = 0; round < 100; ++round) {
    std::vector<int64_t> ts(1 + rng() % 300);
    uint64_t t = rng();  // Wraps around freely.
    for (auto& x : ts) {
      t += round % 2 == 0 ? rng() % 100000 : rng();
      x = static_cast<int64_t>(t);
    }
    ExpectTimestampsRoundTrip(ts);
  }
}

TEST(ColumnCodecTest, ConstantValuesCostNineBytesPlusHeader) {
  const std::string enc = ExpectValuesRoundTrip(std::vector<double>(480, 3.25));
  EXPECT_EQ(EncodingOf(enc), ColumnEncoding::kValuesConstant);
  EXPECT_LE(enc.size(), 11u);
  EXPECT_EQ(EncodingOf(ExpectValuesRoundTrip(std::vector<double>(7, model::StaleNaN()))),
            ColumnEncoding::kValuesConstant);
  EXPECT_EQ(EncodingOf(ExpectValuesRoundTrip({-0.0})), ColumnEncoding::kValuesConstant);
}

TEST(ColumnCodecTest, CentCountersBecomeDecimals) {
  // Computed as a load generator does (round(x / 0.01) * 0.01) and as parsed from text.
  std::mt19937_64 rng(3);
  std::vector<double> multiplied, parsed;
  double v = 123456.78;
  int64_t cents = 12345678;
  for (int i = 0; i < 480; ++i) {
    v = std::round((v + 10 + static_cast<double>(rng() % 100) / 37) / 0.01) * 0.01;
    multiplied.push_back(v);
    cents += 1000 + static_cast<int64_t>(rng() % 50);
    parsed.push_back(static_cast<double>(cents) / 100);
  }
  for (const auto* values : {&multiplied, &parsed}) {
    const std::string enc = ExpectValuesRoundTrip(*values);
    EXPECT_EQ(EncodingOf(enc), ColumnEncoding::kValuesDecimal);
    EXPECT_LT(enc.size(), values->size() * 2 + 16);
  }
}

TEST(ColumnCodecTest, StepGaugesUseTheirCommonFactor) {
  std::mt19937_64 rng(8);
  std::vector<double> values;
  double v = 8589934592.0;
  for (int i = 0; i < 480; ++i) {
    v += 4096.0 * (static_cast<double>(rng() % 200) - 100);
    values.push_back(v);
  }
  const std::string enc = ExpectValuesRoundTrip(values);
  EXPECT_EQ(EncodingOf(enc), ColumnEncoding::kValuesDecimal);
  // Steps of up to 100 units of 4096: at most 2 varint bytes each.
  EXPECT_LT(enc.size(), values.size() * 2 + 16);
}

TEST(ColumnCodecTest, NonDecimalFloatsAndSpecialValuesRoundTrip) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<std::vector<double>> cases = {
      {1.0, 2.0, model::StaleNaN()},
      {-0.0, 0.0, -0.0},
      {inf, -inf, 1.0},
      {std::numeric_limits<double>::quiet_NaN(), 1.5},
      {std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::max(),
       std::numeric_limits<double>::lowest()},
      {0.1 + 0.2, 0.3, 1.0 / 3},
      {1e300, -1e-300, 5e18, -9.2e18},
      {-5, -10, -3, -100, 7, -7},  // Negative decimal deltas.
  };
  for (const auto& values : cases) {
    SCOPED_TRACE(values.size());
    ExpectValuesRoundTrip(values);
  }
  std::mt19937_64 rng(99);
  std::vector<double> noise;
  for (int i = 0; i < 480; ++i) noise.push_back(0.05 * (1 + 0.25 * (rng() % 1000) / 997.0));
  const std::string enc = ExpectValuesRoundTrip(noise);
  EXPECT_NE(EncodingOf(enc), ColumnEncoding::kValuesDecimal);
}

TEST(ColumnCodecTest, RandomColumnsRoundTrip) {
  std::mt19937_64 rng(1234);
  for (int round = 0; round < 300; ++round) {
    std::vector<double> values(1 + rng() % 600);
    const int kind = round % 5;
    double v = static_cast<double>(rng() % 100000);
    for (auto& x : values) {
      switch (kind) {
        case 0:
          x = std::bit_cast<double>(rng());
          break;
        case 1:
          v += static_cast<double>(rng() % 1000) / 100;
          x = v;
          break;
        case 2:
          x = static_cast<double>(static_cast<int64_t>(rng() % 2001) - 1000) * 0.001;
          break;
        case 3:
          x = rng() % 50 == 0 ? model::StaleNaN() : static_cast<double>(rng() % 3);
          break;
        default:
          v *= 1.0 + static_cast<double>(rng() % 100) / 1e6;
          x = v;
      }
    }
    ExpectValuesRoundTrip(values);
  }
}

TEST(ColumnCodecTest, LargeMantissasStayExact) {
  std::vector<double> values;
  for (int64_t i = 0; i < 100; ++i) {
    values.push_back(static_cast<double>((int64_t{1} << 53) - i * 977));
    values.push_back(static_cast<double>(int64_t{1} << 60) * (i % 2 == 0 ? 1 : -1));
  }
  ExpectValuesRoundTrip(values);
}

TEST(ColumnCodecTest, CorruptedColumnsGiveDataLossNotACrash) {
  std::mt19937_64 rng(77);
  std::vector<double> values;
  std::vector<int64_t> ts;
  double v = 100;
  for (int i = 0; i < 200; ++i) {
    v += static_cast<double>(rng() % 500) / 100;
    values.push_back(i % 3 == 0 ? v : v * 1.0000001);
    ts.push_back(i * 15000 + static_cast<int64_t>(rng() % 4));
  }
  std::vector<std::string> columns = {EncodeValues(values), EncodeTimestamps(ts)};
  std::vector<double> cents;
  for (int i = 0; i < 200; ++i) cents.push_back(static_cast<double>(i * 37 % 1000) / 100);
  columns.push_back(EncodeValues(cents));
  std::vector<double> noise;
  for (int i = 0; i < 200; ++i) noise.push_back(std::bit_cast<double>(rng() >> 2));
  columns.push_back(EncodeValues(noise));
  for (const std::string& good : columns) {
    // Truncations are all detected.
    for (size_t len = 0; len < good.size(); ++len) {
      std::vector<double> dv;
      std::vector<int64_t> dt;
      const std::string_view cut(good.data(), len);
      EXPECT_FALSE(DecodeValues(cut, &dv).ok() && DecodeTimestamps(cut, &dt).ok()) << len;
      EXPECT_TRUE(DecodeValues(cut, &dv).code() == StatusCode::kDataLoss);
      EXPECT_TRUE(dv.empty());
    }
    for (int round = 0; round < 1000; ++round) {
      std::string bad = good;
      bad[rng() % bad.size()] ^= static_cast<char>(1 + rng() % 255);
      std::vector<double> dv;
      std::vector<int64_t> dt;
      Status s = DecodeValues(bad, &dv, 1 << 16);
      if (!s.ok()) {
        EXPECT_EQ(s.code(), StatusCode::kDataLoss);
      }
      s = DecodeTimestamps(bad, &dt, 1 << 16);
      if (!s.ok()) {
        EXPECT_EQ(s.code(), StatusCode::kDataLoss);
      }
    }
  }
}

TEST(ColumnCodecTest, DecodersRefuseMoreSamplesThanTheLimit) {
  std::vector<int64_t> ts(1000);
  for (size_t i = 0; i < ts.size(); ++i) ts[i] = static_cast<int64_t>(i);
  std::vector<int64_t> got;
  EXPECT_EQ(DecodeTimestamps(EncodeTimestamps(ts), &got, 999).code(), StatusCode::kDataLoss);
  EXPECT_TRUE(DecodeTimestamps(EncodeTimestamps(ts), &got, 1000).ok());
  std::vector<double> vals;
  EXPECT_EQ(DecodeValues(EncodeValues(std::vector<double>(1000, 1.0)), &vals, 10).code(),
            StatusCode::kDataLoss);
  // Wrong column kind.
  EXPECT_EQ(DecodeValues(EncodeTimestamps(ts), &vals).code(), StatusCode::kDataLoss);
  EXPECT_EQ(DecodeTimestamps(EncodeValues(std::vector<double>(3, 1.0)), &got).code(),
            StatusCode::kDataLoss);
}

TEST(ZstdTest, RoundTripsAndEnforcesTheSizeLimit) {
  std::string data;
  for (int i = 0; i < 10000; ++i) data += std::to_string(i * 7919 % 1000);
  for (int level : {1, 3, 9, 19, 100}) {
    const std::string c = ZstdCompress(data, level);
    EXPECT_LT(c.size(), data.size() / 2);
    auto d = ZstdDecompress(c, data.size());
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    EXPECT_EQ(*d, data);
    EXPECT_EQ(ZstdDecompress(c, data.size() - 1).status().code(), StatusCode::kResourceExhausted);
  }
  auto empty = ZstdDecompress(ZstdCompress("", 3), 0);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  // Concatenated frames decode as one stream.
  auto both = ZstdDecompress(ZstdCompress("ab", 3) + ZstdCompress("cd", 3), 10);
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(*both, "abcd");
}

TEST(ZstdTest, CorruptedInputIsDataLoss) {
  const std::string c = ZstdCompress(std::string(5000, 'x') + "tail", 3);
  EXPECT_EQ(ZstdDecompress("", 100).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(ZstdDecompress("not zstd at all", 100).status().code(), StatusCode::kDataLoss);
  EXPECT_FALSE(ZstdDecompress(c.substr(0, c.size() - 3), 10000).ok());
  std::mt19937 rng(2);
  for (int i = 0; i < 500; ++i) {
    std::string bad = c;
    bad[rng() % bad.size()] ^= static_cast<char>(1 + rng() % 255);
    auto d = ZstdDecompress(bad, 10000);
    if (!d.ok()) {
      EXPECT_TRUE(d.status().code() == StatusCode::kDataLoss ||
                  d.status().code() == StatusCode::kResourceExhausted);
    }
  }
}

}  // namespace
}  // namespace osprey::tsdb
