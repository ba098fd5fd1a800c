#include "tsdb/wal/records.h"

#include <bit>
#include <cmath>
#include <limits>
#include <random>

#include "gtest/gtest.h"

namespace osprey::tsdb {
namespace {

using model::Labels;

uint64_t Bits(double v) { return std::bit_cast<uint64_t>(v); }

std::vector<RefSample> RoundTrip(const std::vector<RefSample>& in) {
  std::string rec;
  EncodeSamples(in, rec);
  std::vector<RefSample> out;
  EXPECT_TRUE(DecodeSamples(rec, &out).ok());
  return out;
}

TEST(WalRecordsTest, SeriesRoundTrip) {
  std::vector<RefSeries> in = {
      {1, Labels::FromStrings({"__name__", "up", "job", "api", "instance", "a:9100"})},
      {std::numeric_limits<uint64_t>::max(), Labels::FromStrings({"__name__", "x"})},
      {7, Labels()},
      {42, Labels::FromStrings({"__name__", "utf8", "v", "h\xC3\xA9llo \"quoted\"\n"})},
  };
  std::string rec;
  EncodeSeries(in, rec);
  EXPECT_EQ(GetRecordType(rec), RecordType::kSeries);
  std::vector<RefSeries> out = {{99, Labels::FromStrings({"stale", "entry"})}};
  ASSERT_TRUE(DecodeSeries(rec, &out).ok());
  EXPECT_EQ(out, in);
}

TEST(WalRecordsTest, EmptyRecordsRoundTrip) {
  std::string rec;
  EncodeSeries({}, rec);
  std::vector<RefSeries> series = {{1, Labels()}};
  ASSERT_TRUE(DecodeSeries(rec, &series).ok());
  EXPECT_TRUE(series.empty());

  rec.clear();
  EncodeSamples({}, rec);
  std::vector<RefSample> samples(3);
  ASSERT_TRUE(DecodeSamples(rec, &samples).ok());
  EXPECT_TRUE(samples.empty());

  rec.clear();
  EncodeTombstones({}, rec);
  std::vector<Tombstone> tombstones(2);
  ASSERT_TRUE(DecodeTombstones(rec, &tombstones).ok());
  EXPECT_TRUE(tombstones.empty());
}

TEST(WalRecordsTest, SamplesRoundTripKeepExactValueBits) {
  const double values[] = {0.0,
                           -0.0,
                           1.0,
                           -1.0,
                           0.07,
                           12345.67,
                           -98765.43,
                           0.1 + 0.2,
                           1e300,
                           -1e-300,
                           4.9e-324,
                           std::numeric_limits<double>::infinity(),
                           -std::numeric_limits<double>::infinity(),
                           std::numeric_limits<double>::quiet_NaN(),
                           std::bit_cast<double>(uint64_t{0x7ff8000000001234}),
                           model::StaleNaN(),
                           2305843009213693952.0,   // 2^61: just past the integer form
                           -2305843009213693952.0,  // -2^61: the last integer form
                           2305843009213693951.0,
                           9007199254740993.0,
                           90071992547409.92,
                           8589934592.0,
                           1.5,
                           0.005,
                           std::numeric_limits<double>::max(),
                           std::numeric_limits<double>::lowest()};
  std::vector<RefSample> in;
  uint64_t ref = 1000;
  int64_t t = 1'700'000'000'000;
  for (double v : values) {
    in.push_back({ref, t, v});
    ref = ref * 3 % 100'003;  // not monotonic
    t += (ref % 2 == 0) ? 15'000 : -7;
  }
  in.push_back({0, std::numeric_limits<int64_t>::min(), 1});
  in.push_back({std::numeric_limits<uint64_t>::max(), std::numeric_limits<int64_t>::max(), 2});
  in.push_back({1, std::numeric_limits<int64_t>::min(), 3});

  std::vector<RefSample> out = RoundTrip(in);
  ASSERT_EQ(out.size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(out[i].ref, in[i].ref);
    EXPECT_EQ(out[i].t, in[i].t);
    EXPECT_EQ(Bits(out[i].v), Bits(in[i].v)) << in[i].v;
  }
}

TEST(WalRecordsTest, RandomSamplesRoundTrip) {
  std::mt19937_64 rng(7);
  std::vector<RefSample> in(5000);
  for (RefSample& s : in) {
    s.ref = rng();
    s.t = static_cast<int64_t>(rng());
    switch (rng() % 4) {
      case 0:
        s.v = std::bit_cast<double>(rng());
        break;
      case 1:
        s.v = static_cast<double>(static_cast<int64_t>(rng()) >> (rng() % 64));
        break;
      case 2:
        s.v = static_cast<double>(static_cast<int64_t>(rng() >> 20)) / 100;
        break;
      default:
        s.v = static_cast<double>(rng() % 1000) / 1000;
        break;
    }
  }
  std::vector<RefSample> out = RoundTrip(in);
  ASSERT_EQ(out.size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    ASSERT_EQ(out[i].ref, in[i].ref) << i;
    ASSERT_EQ(out[i].t, in[i].t) << i;
    ASSERT_EQ(Bits(out[i].v), Bits(in[i].v)) << i;
  }
}

// One scrape of the benchmark's node_exporter-like mix: ascending refs, one timestamp;
// 22.7% constants, 24.9% float counters at 0.01 resolution, 17.8% integer counters, 19.5%
// gauges in 4 KiB steps, 1.7% load averages, 3.9% noisy floats (and 10% filler constants).
TEST(WalRecordsTest, ScrapeLikeSamplesTakeUnderSevenBytesEach) {
  std::mt19937_64 rng(1);
  std::vector<RefSample> in;
  for (uint64_t ref = 1; ref <= 2000; ++ref) {
    const uint64_t bucket = ref * 7919 % 1000;
    double v = 0;
    if (bucket < 227) {
      v = static_cast<double>(rng() % 2);
    } else if (bucket < 476) {
      v = static_cast<double>(rng() % 100'000'000) / 100;
    } else if (bucket < 654) {
      v = static_cast<double>(rng() % 10'000'000'000);
    } else if (bucket < 849) {
      v = static_cast<double>(4096 * (rng() % 4'000'000));
    } else if (bucket < 866) {
      v = static_cast<double>(rng() % 800) / 100;
    } else if (bucket < 905) {
      v = static_cast<double>(rng() % 1'000'000) / 3;
    } else {
      v = 1;
    }
    in.push_back({ref, 1'700'000'015'000, v});
  }
  std::string rec;
  EncodeSamples(in, rec);
  EXPECT_LT(static_cast<double>(rec.size()) / static_cast<double>(in.size()), 7.0);
  EXPECT_EQ(RoundTrip(in).size(), in.size());
}

TEST(WalRecordsTest, TombstonesRoundTrip) {
  std::vector<Tombstone> in = {
      {1, 0, 100},
      {5, -1000, -10},
      {std::numeric_limits<uint64_t>::max(), std::numeric_limits<int64_t>::min(),
       std::numeric_limits<int64_t>::max()},
      {3, 100, 50},  // reversed intervals are kept as given
  };
  std::string rec;
  EncodeTombstones(in, rec);
  EXPECT_EQ(GetRecordType(rec), RecordType::kTombstones);
  std::vector<Tombstone> out;
  ASSERT_TRUE(DecodeTombstones(rec, &out).ok());
  EXPECT_EQ(out, in);
}

TEST(WalRecordsTest, EncodersAppendToExistingBytes) {
  std::string rec = "prefix";
  EncodeSamples(std::vector<RefSample>{{1, 2, 3}}, rec);
  ASSERT_EQ(rec.substr(0, 6), "prefix");
  std::vector<RefSample> out;
  ASSERT_TRUE(DecodeSamples(std::string_view(rec).substr(6), &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].v, 3);
}

TEST(WalRecordsTest, GetRecordTypeOfUnknownAndEmpty) {
  EXPECT_EQ(GetRecordType(""), RecordType::kUnknown);
  EXPECT_EQ(GetRecordType(std::string(1, '\0')), RecordType::kUnknown);
  EXPECT_EQ(GetRecordType("\x09rest"), RecordType::kUnknown);
}

TEST(WalRecordsTest, DecodingTheWrongTypeIsDataLoss) {
  std::string rec;
  EncodeSamples(std::vector<RefSample>{{1, 2, 3}}, rec);
  std::vector<RefSeries> series;
  EXPECT_EQ(DecodeSeries(rec, &series).code(), StatusCode::kDataLoss);
  std::vector<Tombstone> tombstones;
  EXPECT_EQ(DecodeTombstones(rec, &tombstones).code(), StatusCode::kDataLoss);
}

TEST(WalRecordsTest, EveryTruncationOrExtensionIsDataLoss) {
  std::string series_rec;
  EncodeSeries(std::vector<RefSeries>{{1, Labels::FromStrings({"__name__", "a", "b", "c"})},
                                      {2, Labels::FromStrings({"__name__", "d"})}},
               series_rec);
  std::string samples_rec;
  EncodeSamples(std::vector<RefSample>{{1, 1000, 1.5}, {2, 1000, 0.1 + 0.2}, {3, 1015, 7}},
                samples_rec);
  std::string tomb_rec;
  EncodeTombstones(std::vector<Tombstone>{{1, 5, 10}, {2, 6, 11}}, tomb_rec);

  std::vector<RefSeries> series;
  std::vector<RefSample> samples;
  std::vector<Tombstone> tombstones;
  for (size_t n = 0; n < series_rec.size(); ++n) {
    EXPECT_EQ(DecodeSeries(series_rec.substr(0, n), &series).code(), StatusCode::kDataLoss) << n;
    EXPECT_TRUE(series.empty());
  }
  for (size_t n = 0; n < samples_rec.size(); ++n) {
    EXPECT_EQ(DecodeSamples(samples_rec.substr(0, n), &samples).code(), StatusCode::kDataLoss) << n;
    EXPECT_TRUE(samples.empty());
  }
  for (size_t n = 0; n < tomb_rec.size(); ++n) {
    EXPECT_EQ(DecodeTombstones(tomb_rec.substr(0, n), &tombstones).code(), StatusCode::kDataLoss)
        << n;
  }
  EXPECT_EQ(DecodeSeries(series_rec + "x", &series).code(), StatusCode::kDataLoss);
  EXPECT_EQ(DecodeSamples(samples_rec + "x", &samples).code(), StatusCode::kDataLoss);
  EXPECT_EQ(DecodeTombstones(tomb_rec + "x", &tombstones).code(), StatusCode::kDataLoss);
}

TEST(WalRecordsTest, HugeCountsAreRejectedWithoutAllocating) {
  // Type byte, then a count of 2^63 encoded as a varint.
  std::string rec = "\x02\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01";
  std::vector<RefSample> samples;
  EXPECT_EQ(DecodeSamples(rec, &samples).code(), StatusCode::kDataLoss);
  rec[0] = static_cast<char>(RecordType::kSeries);
  std::vector<RefSeries> series;
  EXPECT_EQ(DecodeSeries(rec, &series).code(), StatusCode::kDataLoss);
  // An overlong varint (11 bytes).
  std::string overlong = "\x02\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01";
  EXPECT_EQ(DecodeSamples(overlong, &samples).code(), StatusCode::kDataLoss);
}

TEST(WalRecordsTest, RandomBytesNeverCrashTheDecoders) {
  std::mt19937_64 rng(3);
  std::vector<RefSeries> series;
  std::vector<RefSample> samples;
  std::vector<Tombstone> tombstones;
  for (int i = 0; i < 20000; ++i) {
    std::string rec(rng() % 64, '\0');
    for (char& c : rec) c = static_cast<char>(rng());
    if (!rec.empty()) rec[0] = static_cast<char>(1 + rng() % 3);
    DecodeSeries(rec, &series).IgnoreError();
    DecodeSamples(rec, &samples).IgnoreError();
    DecodeTombstones(rec, &tombstones).IgnoreError();
  }
}

}  // namespace
}  // namespace osprey::tsdb
