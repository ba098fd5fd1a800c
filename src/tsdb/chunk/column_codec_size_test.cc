// Bytes per sample of the column codecs on data shaped like the benchmark workload
// (node_exporter-like series, 15 s scrapes, 10 % of scrapes 3-30 ms late), compressed with
// zstd as the block writer does. Prints a table and checks generous upper bounds so that a
// regression in the encoders shows up as a failure.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "tsdb/chunk/column_codec.h"

namespace osprey::tsdb {
namespace {

constexpr int kSamples = 480;  // Two hours at 15 s.
constexpr int kSeriesPerModel = 300;

enum class Model {
  kConstant,
  kCentCounter,
  kIntCounter,
  kRareCounter,
  kStepGauge,
  kLoadAverage,
  kSmallGauge,
  kNoisyGauge,
  kTimeSeconds,
};

struct ModelInfo {
  Model model;
  const char* name;
  double share;                 // Of the workload's series.
  double max_bytes_per_sample;  // Upper bound checked at zstd level 3.
};

// Bounds are the measured figures plus about 10 %. This generator is harsher than the
// benchmark's (wider noise, 20 % of cent counters at 0.001 resolution): on the benchmark's
// own workload, all columns of 100k series come to about 1.17 bytes per sample.
constexpr ModelInfo kModels[] = {
    {Model::kConstant, "constant", 0.227, 0.02},
    {Model::kCentCounter, "float counter 0.01", 0.249, 1.4},
    {Model::kIntCounter, "integer counter", 0.178, 2.3},
    {Model::kRareCounter, "rare counter", 0.059, 0.21},
    {Model::kStepGauge, "4 KiB random walk gauge", 0.195, 2.5},
    {Model::kLoadAverage, "load average", 0.017, 0.85},
    {Model::kSmallGauge, "small integer gauge", 0.032, 0.3},
    {Model::kNoisyGauge, "noisy float gauge", 0.039, 7.3},
    {Model::kTimeSeconds, "time seconds", 0.006, 2.4},
};

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}
  double Uniform() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  double Range(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  double Gauss() { return std::normal_distribution<double>(0, 1)(rng_); }
  static double RoundTo(double v, double step) { return std::round(v / step) * step; }

  std::vector<double> Values(Model model, const std::vector<int64_t>& ts) {
    std::vector<double> out;
    out.reserve(ts.size());
    const double a = Range(0, 1), b = Range(0, 1);
    double v;
    switch (model) {
      case Model::kConstant:
        v = std::round(Range(1e3, 2e9));
        for (size_t i = 0; i < ts.size(); ++i) out.push_back(v);
        break;
      case Model::kCentCounter: {
        const double rate = 15 * Range(0.0005, 0.95), noise = Range(0.05, 0.6);
        const double step = Uniform() < 0.2 ? 0.001 : 0.01;
        v = RoundTo(Range(1e3, 1e7), step);
        for (size_t i = 0; i < ts.size(); ++i) {
          v = RoundTo(v + std::max(0.0, rate * (1 + noise * Gauss())), step);
          out.push_back(v);
        }
        break;
      }
      case Model::kIntCounter: {
        const double rate = std::exp(Range(std::log(5.0), std::log(7e8)));
        const double noise = Range(0.3, 0.8), idle = a < 0.4 ? b * 0.8 : 0;
        v = std::round(rate * Range(1e3, 1e6));
        for (size_t i = 0; i < ts.size(); ++i) {
          if (Uniform() >= idle) v += std::max(0.0, std::round(rate * std::exp(noise * Gauss())));
          out.push_back(v);
        }
        break;
      }
      case Model::kRareCounter: {
        const double p = Range(0.01, 0.35);
        v = std::round(Range(0, 1e5));
        for (size_t i = 0; i < ts.size(); ++i) {
          if (Uniform() < p) v += 1 + std::floor(Uniform() * 5);
          out.push_back(v);
        }
        break;
      }
      case Model::kStepGauge: {
        const double range = std::round(Range(8, 128)) * 1073741824.0, sd = Range(0.0005, 0.01);
        v = RoundTo(range * Range(0.1, 0.9), 4096);
        for (size_t i = 0; i < ts.size(); ++i) {
          const double step = RoundTo(Gauss() * sd * range, 4096);
          v = (v + step < 0 || v + step > range) ? v - step : v + step;
          out.push_back(v);
        }
        break;
      }
      case Model::kLoadAverage: {
        const double mean = Range(0.1, 8), sd = Range(0.01, 0.3);
        v = RoundTo(mean, 0.01);
        for (size_t i = 0; i < ts.size(); ++i) {
          v = RoundTo(std::max(0.0, v + 0.1 * (mean - v) + sd * Gauss()), 0.01);
          out.push_back(v);
        }
        break;
      }
      case Model::kSmallGauge: {
        const double mean = std::round(Range(1, 20)), sd = Range(0.2, 2);
        for (size_t i = 0; i < ts.size(); ++i)
          out.push_back(std::round(mean + sd * std::fabs(Gauss())));
        break;
      }
      case Model::kNoisyGauge: {
        const double mean = Range(0.001, 0.1);
        for (size_t i = 0; i < ts.size(); ++i) {
          out.push_back(std::max(mean * 0.1, mean * (1 + 0.25 * Gauss())));
        }
        break;
      }
      case Model::kTimeSeconds:
        for (int64_t t : ts) {
          out.push_back(static_cast<double>(t) / 1000 + std::floor(Uniform() * 2e6) * 1e-9);
        }
        break;
    }
    return out;
  }

  // One host's scrape times: a fixed offset in the interval, 10 % of scrapes 3-30 ms late.
  std::vector<int64_t> Timestamps() {
    const int64_t start = 1'795'263'810'000 - static_cast<int64_t>(Uniform() * 15000);
    std::vector<int64_t> ts;
    for (int i = 0; i < kSamples; ++i) {
      const int64_t late = Uniform() < 0.1 ? 3 + static_cast<int64_t>(Uniform() * 28) : 0;
      ts.push_back(start + i * 15'000LL + late);
    }
    return ts;
  }

 private:
  std::mt19937_64 rng_;
};

struct Sizes {
  size_t raw = 0, zstd3 = 0, zstd9 = 0;
};

Sizes Measure(const std::string& all) {
  return {all.size(), ZstdCompress(all, 3).size(), ZstdCompress(all, 9).size()};
}

TEST(ColumnCodecSizeTest, WorkloadBytesPerSample) {
  Generator gen(1);
  std::printf("%-26s %10s %10s %10s\n", "model (values only)", "encoded", "zstd -3", "zstd -9");
  double weighted3 = 0, weighted9 = 0;
  std::string all_ts;
  for (const ModelInfo& m : kModels) {
    std::string columns;
    std::vector<double> decoded;
    for (int s = 0; s < kSeriesPerModel; ++s) {
      const std::vector<int64_t> ts = gen.Timestamps();
      const std::vector<double> values = gen.Values(m.model, ts);
      const std::string enc = EncodeValues(values);
      ASSERT_TRUE(DecodeValues(enc, &decoded).ok());
      ASSERT_EQ(decoded.size(), values.size());
      ASSERT_EQ(0, std::memcmp(decoded.data(), values.data(), values.size() * sizeof(double)));
      columns += enc;
      if (m.model == Model::kConstant) all_ts += EncodeTimestamps(ts);
    }
    const Sizes sz = Measure(columns);
    const double samples = static_cast<double>(kSeriesPerModel) * kSamples;
    std::printf("%-26s %10.3f %10.3f %10.3f\n", m.name, sz.raw / samples, sz.zstd3 / samples,
                sz.zstd9 / samples);
    weighted3 += m.share * sz.zstd3 / samples;
    weighted9 += m.share * sz.zstd9 / samples;
    EXPECT_LE(sz.zstd3 / samples, m.max_bytes_per_sample) << m.name;
  }
  const Sizes ts = Measure(all_ts);
  const double ts_samples = static_cast<double>(kSeriesPerModel) * kSamples;
  std::printf("%-26s %10.3f %10.3f %10.3f\n", "timestamps (one per host)", ts.raw / ts_samples,
              ts.zstd3 / ts_samples, ts.zstd9 / ts_samples);
  std::printf("%-26s %10s %10.3f %10.3f\n", "values, workload mix", "", weighted3, weighted9);
  std::printf("%-26s %10s %10.3f %10.3f\n", "+ timestamps", "", weighted3 + ts.zstd3 / ts_samples,
              weighted9 + ts.zstd9 / ts_samples);
  EXPECT_LE(ts.zstd3 / ts_samples, 0.18);
  EXPECT_LE(weighted3, 1.6);
}

}  // namespace
}  // namespace osprey::tsdb
