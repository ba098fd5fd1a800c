// Test helpers for blocks: a node_exporter-like series generator and a brute-force
// matcher reference. Header-only, used by the block tests and benchmarks.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "model/labels.h"
#include "model/matcher.h"
#include "model/sample.h"

namespace osprey::tsdb::block_testing {

struct GeneratedSeries {
  model::Labels labels;
  std::vector<int64_t> ts;
  std::vector<double> vs;
};

struct GeneratorOptions {
  size_t num_series = 1000;
  size_t samples_per_series = 480;
  int64_t start_ms = 1'700'000'000'000;
  int64_t step_ms = 15'000;
  uint64_t seed = 1;
  // Puts NaNs and staleness markers into some series.
  bool special_values = false;
};

// What a series' values look like (shares of the benchmark workload, see the brief in
// docs/format/block.md): kinds are assigned by metric slot so that neighbours in label
// order (same metric, other hosts) are alike.
enum class SeriesKind { kConstant, kFloatCounter, kIntCounter, kWalkGauge, kLoad, kNoisy, kFlag };

inline SeriesKind KindOfSlot(size_t slot) {  // slot in [0, 1000)
  if (slot < 227) return SeriesKind::kConstant;
  if (slot < 476) return SeriesKind::kFloatCounter;
  if (slot < 654) return SeriesKind::kIntCounter;
  if (slot < 849) return SeriesKind::kWalkGauge;
  if (slot < 866) return SeriesKind::kLoad;
  if (slot < 905) return SeriesKind::kNoisy;
  return SeriesKind::kFlag;
}

// Series sorted by labels: 100 series per host ({__name__, cpu, instance, job}), one
// timestamp vector per host (every series of a scrape shares its timestamp), 10 % of
// scrapes 3-30 ms late.
inline std::vector<GeneratedSeries> Generate(const GeneratorOptions& o) {
  constexpr size_t kSeriesPerHost = 100;
  const size_t hosts = std::max<size_t>(1, (o.num_series + kSeriesPerHost - 1) / kSeriesPerHost);
  std::mt19937_64 rng(o.seed);
  std::vector<std::vector<int64_t>> host_ts(hosts);
  for (size_t h = 0; h < hosts; ++h) {
    const int64_t offset = static_cast<int64_t>(rng() % static_cast<uint64_t>(o.step_ms));
    for (size_t i = 0; i < o.samples_per_series; ++i) {
      int64_t t = o.start_ms + offset + static_cast<int64_t>(i) * o.step_ms;
      if (rng() % 10 == 0) t += 3 + static_cast<int64_t>(rng() % 28);
      host_ts[h].push_back(t);
    }
  }
  std::vector<GeneratedSeries> out;
  out.reserve(o.num_series);
  std::uniform_real_distribution<double> unit(0, 1);
  std::normal_distribution<double> normal(0, 1);
  for (size_t n = 0; n < o.num_series; ++n) {
    const size_t host = n / kSeriesPerHost;
    const size_t slot = (n % kSeriesPerHost) * 10 + 5;
    const size_t metric = slot / 40;
    GeneratedSeries s;
    s.labels = model::Labels::FromStrings(
        {"__name__", "node_metric_" + std::to_string(metric) + "_total", "cpu",
         std::to_string((slot / 10) % 4), "instance",
         "host-" + std::to_string(host) + ".example.com:9100", "job", "node"});
    s.ts = host_ts[host];
    const size_t len = s.ts.size();
    s.vs.resize(len);
    const SeriesKind kind = KindOfSlot(slot);
    double x = 0;
    int64_t k = static_cast<int64_t>(rng() % 1000000);
    switch (kind) {
      case SeriesKind::kConstant: {
        const double c = static_cast<double>(rng() % 64) * 1073741824.0;
        std::fill(s.vs.begin(), s.vs.end(), c);
        break;
      }
      case SeriesKind::kFloatCounter:  // e.g. cpu seconds, 0.01 resolution
        for (size_t i = 0; i < len; ++i) {
          k += static_cast<int64_t>(rng() % 1500);
          s.vs[i] = static_cast<double>(k) / 100;
        }
        break;
      case SeriesKind::kIntCounter:
        for (size_t i = 0; i < len; ++i) {
          k += static_cast<int64_t>(rng() % 100000);
          s.vs[i] = static_cast<double>(k);
        }
        break;
      case SeriesKind::kWalkGauge:
        for (size_t i = 0; i < len; ++i) {
          k += static_cast<int64_t>(rng() % 11) - 5;
          s.vs[i] = static_cast<double>(k) * 4096;
        }
        break;
      case SeriesKind::kLoad:
        x = unit(rng) * 4;
        for (size_t i = 0; i < len; ++i) {
          x = std::max(0.0, x + normal(rng) * 0.05);
          s.vs[i] = std::round(x * 100) / 100;
        }
        break;
      case SeriesKind::kNoisy:
        for (size_t i = 0; i < len; ++i) s.vs[i] = 45 + normal(rng) * 3;
        break;
      case SeriesKind::kFlag:
        x = static_cast<double>(rng() % 2);
        for (size_t i = 0; i < len; ++i) {
          if (rng() % 200 == 0) x = 1 - x;
          s.vs[i] = x;
        }
        break;
    }
    if (o.special_values && n % 7 == 3 && len > 2) {
      s.vs[len / 2] = std::nan("");
      s.vs[len - 1] = model::StaleNaN();
      s.vs[len / 3] = -0.0;
    }
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(),
            [](const GeneratedSeries& a, const GeneratedSeries& b) { return a.labels < b.labels; });
  return out;
}

// Prometheus's matcher semantics, by brute force: a missing label has the value "".
inline bool MatchesAll(const model::Labels& labels, const std::vector<model::Matcher>& ms) {
  if (ms.empty()) return false;
  for (const model::Matcher& m : ms) {
    if (!m.Matches(labels.Get(m.name()))) return false;
  }
  return true;
}

inline bool SameBits(double a, double b) {
  return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b);
}

}  // namespace osprey::tsdb::block_testing
