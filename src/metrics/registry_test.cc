#include "metrics/registry.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <thread>
#include <vector>

namespace osprey::metrics {
namespace {

TEST(CounterTest, IncAddsOneByDefaultAndGivenAmounts) {
  Registry registry;
  Counter& counter = registry.NewCounter("requests_total", "Requests.");
  EXPECT_EQ(counter.Value(), 0);
  counter.Inc();
  counter.Inc(2.5);
  EXPECT_EQ(counter.Value(), 3.5);
}

TEST(GaugeTest, SetIncDecAddChangeTheValue) {
  Registry registry;
  Gauge& gauge = registry.NewGauge("queue_length", "Items queued.");
  gauge.Set(10);
  gauge.Inc();
  gauge.Inc(4);
  gauge.Dec();
  gauge.Dec(2);
  gauge.Add(-20);
  EXPECT_EQ(gauge.Value(), -8);
}

TEST(HistogramTest, CountsObservationsIntoInclusiveUpperBoundBuckets) {
  Histogram histogram({1, 2, 5});
  for (double v : {0.5, 1.0, 1.5, 2.0, 4.0, 7.0, -3.0}) histogram.Observe(v);
  EXPECT_EQ(histogram.CumulativeCounts(), (std::vector<uint64_t>{3, 5, 6, 7}));
  EXPECT_EQ(histogram.Count(), 7u);
  EXPECT_DOUBLE_EQ(histogram.Sum(), 13.0);
}

TEST(HistogramTest, NaNGoesToInfBucketOnly) {
  Histogram histogram({1});
  histogram.Observe(std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(histogram.CumulativeCounts(), (std::vector<uint64_t>{0, 1}));
  EXPECT_TRUE(std::isnan(histogram.Sum()));
}

TEST(HistogramTest, TrailingInfBoundIsDroppedAsItIsImplicit) {
  Histogram histogram({1, std::numeric_limits<double>::infinity()});
  EXPECT_EQ(histogram.bounds(), (std::vector<double>{1}));
  histogram.Observe(100);
  EXPECT_EQ(histogram.CumulativeCounts(), (std::vector<uint64_t>{0, 1}));
}

TEST(HistogramTest, EmptyBoundsKeepOnlyTheInfBucket) {
  Histogram histogram({});
  histogram.Observe(3);
  EXPECT_EQ(histogram.CumulativeCounts(), (std::vector<uint64_t>{1}));
}

TEST(FamilyTest, SameLabelValuesReturnTheSameChild) {
  Registry registry;
  Family<Counter>& family = registry.NewCounterFamily("responses_total", "Responses.", {"code"});
  Counter& ok = family.WithLabels({"200"});
  Counter& not_found = family.WithLabels({"404"});
  EXPECT_NE(&ok, &not_found);
  const std::vector<std::string> values = {"200"};
  EXPECT_EQ(&family.WithLabels(values), &ok);
  EXPECT_EQ(&family.WithLabels({std::string_view("200")}), &ok);
}

TEST(FamilyTest, ChildrenAreVisitedInLabelValueOrder) {
  Registry registry;
  Family<Gauge>& family = registry.NewGaugeFamily("temperature", "Degrees.", {"room", "floor"});
  family.WithLabels({"kitchen", "1"}).Set(1);
  family.WithLabels({"attic", "3"}).Set(2);
  family.WithLabels({"kitchen", "0"}).Set(3);
  std::vector<std::vector<std::string>> seen;
  family.ForEachChild(
      [&](const std::vector<std::string>& values, const Gauge&) { seen.push_back(values); });
  EXPECT_EQ(seen, (std::vector<std::vector<std::string>>{
                      {"attic", "3"}, {"kitchen", "0"}, {"kitchen", "1"}}));
  EXPECT_EQ(family.label_names(), (std::vector<std::string>{"room", "floor"}));
}

TEST(FamilyTest, HistogramChildrenUseTheFamilyBuckets) {
  Registry registry;
  Family<Histogram>& family =
      registry.NewHistogramFamily("latency_seconds", "Latency.", {"path"}, {0.1, 1});
  EXPECT_EQ(family.WithLabels({"/a"}).bounds(), (std::vector<double>{0.1, 1}));
}

TEST(RegistryTest, ConcurrentIncFromSeveralThreadsSumsExactly) {
  Registry registry;
  Counter& counter = registry.NewCounter("events_total", "Events.");
  Family<Counter>& family = registry.NewCounterFamily("by_worker_total", "Events.", {"kind"});
  Histogram& histogram = registry.NewHistogram("sizes", "Sizes.", {10});
  Gauge& gauge = registry.NewGauge("in_flight", "In flight.");
  constexpr int kThreads = 4;
  constexpr int kIterations = 20000;
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        Counter& mine = family.WithLabels({t % 2 == 0 ? "even" : "odd"});
        for (int i = 0; i < kIterations; ++i) {
          counter.Inc();
          mine.Inc(0.5);
          histogram.Observe(i % 20);
          gauge.Inc();
          gauge.Dec(2);
        }
      });
    }
  }
  EXPECT_EQ(counter.Value(), kThreads * kIterations);
  EXPECT_EQ(family.WithLabels({"even"}).Value(), kThreads / 2 * kIterations * 0.5);
  EXPECT_EQ(family.WithLabels({"odd"}).Value(), kThreads / 2 * kIterations * 0.5);
  EXPECT_EQ(histogram.Count(), static_cast<uint64_t>(kThreads * kIterations));
  EXPECT_EQ(histogram.CumulativeCounts()[0],
            static_cast<uint64_t>(kThreads * kIterations * 11 / 20));
  EXPECT_EQ(gauge.Value(), -kThreads * kIterations);
}

TEST(RegistryTest, ConcurrentWithLabelsCreatesEachChildOnce) {
  Registry registry;
  Family<Counter>& family = registry.NewCounterFamily("hits_total", "Hits.", {"key"});
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 1000; ++i) family.WithLabels({std::to_string(i % 50)}).Inc();
      });
    }
  }
  int children = 0;
  double total = 0;
  family.ForEachChild([&](const std::vector<std::string>&, const Counter& c) {
    ++children;
    total += c.Value();
  });
  EXPECT_EQ(children, 50);
  EXPECT_EQ(total, 4000);
}

TEST(BucketsTest, DefaultBucketsMatchPrometheusClients) {
  EXPECT_EQ(DefaultBuckets(),
            (std::vector<double>{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}));
}

TEST(BucketsTest, ExponentialBucketsMultiplyByFactor) {
  EXPECT_EQ(ExponentialBuckets(1, 2, 4), (std::vector<double>{1, 2, 4, 8}));
  EXPECT_EQ(ExponentialBuckets(0.5, 10, 1), (std::vector<double>{0.5}));
}

TEST(BucketsTest, LinearBucketsAddWidth) {
  EXPECT_EQ(LinearBuckets(-1, 1.5, 3), (std::vector<double>{-1, 0.5, 2}));
}

using RegistryDeathTest = ::testing::Test;

TEST(RegistryDeathTest, RegisteringANameTwiceAborts) {
  Registry registry;
  registry.NewCounter("dup_total", "First.");
  EXPECT_DEATH(registry.NewGauge("dup_total", "Second."), "registered twice");
}

TEST(RegistryDeathTest, InvalidMetricNameAborts) {
  Registry registry;
  EXPECT_DEATH(registry.NewCounter("1bad", "Help."), "invalid metric name");
  EXPECT_DEATH(registry.NewCounter("bad-name", "Help."), "invalid metric name");
  EXPECT_DEATH(registry.NewCounter("", "Help."), "invalid metric name");
}

TEST(RegistryDeathTest, InvalidLabelNameAborts) {
  Registry registry;
  EXPECT_DEATH(registry.NewCounterFamily("a_total", "Help.", {"ok", "no:colon"}),
               "invalid label name");
  EXPECT_DEATH(registry.NewCounterFamily("b_total", "Help.", {"__reserved"}), "invalid label name");
  EXPECT_DEATH(registry.NewCounterFamily("c_total", "Help.", {"x", "x"}), "duplicate label");
  EXPECT_DEATH(registry.NewHistogramFamily("d", "Help.", {"le"}, {1}), "'le'");
}

TEST(RegistryDeathTest, HistogramSuffixClashAborts) {
  Registry registry;
  registry.NewHistogram("req_seconds", "Help.", {1});
  EXPECT_DEATH(registry.NewCounter("req_seconds_count", "Help."), "clashes");
  registry.NewGauge("size_sum", "Help.");
  EXPECT_DEATH(registry.NewHistogram("size", "Help.", {1}), "clashes");
}

TEST(RegistryDeathTest, WrongNumberOfLabelValuesAborts) {
  Registry registry;
  Family<Counter>& family = registry.NewCounterFamily("e_total", "Help.", {"a", "b"});
  EXPECT_DEATH(family.WithLabels({"only_one"}), "expects 2 label values, got 1");
}

TEST(RegistryDeathTest, UnsortedHistogramBoundsAbort) {
  EXPECT_DEATH(Histogram({1, 1}), "strictly increasing");
  Registry registry;
  EXPECT_DEATH(registry.NewHistogramFamily("f", "Help.", {}, {2, 1}), "strictly increasing");
}

TEST(RegistryDeathTest, InvalidBucketParametersAbort) {
  EXPECT_DEATH(ExponentialBuckets(0, 2, 3), "start > 0");
  EXPECT_DEATH(ExponentialBuckets(1, 1, 3), "factor > 1");
  EXPECT_DEATH(LinearBuckets(0, 1, 0), "count >= 1");
}

}  // namespace
}  // namespace osprey::metrics
