#include "metrics/exposition.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "metrics/build_info.h"
#include "metrics/registry.h"

namespace osprey::metrics {
namespace {

TEST(FormatValueTest, FormatsLikePrometheus) {
  struct Case {
    double value;
    const char* text;
  };
  const Case cases[] = {
      {0, "0"},
      {-0.0, "0"},
      {1, "1"},
      {-1, "-1"},
      {1e6, "1000000"},
      {123456789012, "123456789012"},
      {9007199254740993.0, "9007199254740992"},
      {0.1, "0.1"},
      {0.005, "0.005"},
      {2.5, "2.5"},
      {-3.25, "-3.25"},
      {1e-7, "1e-07"},
      {0.00001, "1e-05"},
      {0.0001, "0.0001"},
      {-0.000123, "-0.000123"},
      {123456.5, "123456.5"},
      {1234567.5, "1.2345675e+06"},
      {-1234567.5, "-1.2345675e+06"},
      {1e20, "1e+20"},
      {-1e300, "-1e+300"},
      {5e-324, "5e-324"},
      {1.0 / 3, "0.3333333333333333"},
      {1.8446744073709552e19, "1.8446744073709552e+19"},
      {std::numeric_limits<double>::quiet_NaN(), "NaN"},
      {std::numeric_limits<double>::infinity(), "+Inf"},
      {-std::numeric_limits<double>::infinity(), "-Inf"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(FormatValue(c.value), c.text);
  }
}

TEST(ExpositionTest, EmptyRegistryWritesNothing) {
  Registry registry;
  EXPECT_EQ(registry.ExpositionText(), "");
}

TEST(ExpositionTest, WritesCountersAndGaugesSortedByName) {
  Registry registry;
  registry.NewGauge("zeta_bytes", "Zeta.").Set(1.5);
  registry.NewCounter("alpha_total", "Alpha.").Inc(3);
  registry.NewGauge("mid", "Mid.").Set(-2);
  EXPECT_EQ(registry.ExpositionText(),
            "# HELP alpha_total Alpha.\n"
            "# TYPE alpha_total counter\n"
            "alpha_total 3\n"
            "# HELP mid Mid.\n"
            "# TYPE mid gauge\n"
            "mid -2\n"
            "# HELP zeta_bytes Zeta.\n"
            "# TYPE zeta_bytes gauge\n"
            "zeta_bytes 1.5\n");
}

TEST(ExpositionTest, SortsSeriesByLabelValuesAndKeepsLabelOrder) {
  Registry registry;
  Family<Counter>& family =
      registry.NewCounterFamily("http_requests_total", "Requests.", {"method", "code"});
  family.WithLabels({"POST", "500"}).Inc(2);
  family.WithLabels({"GET", "404"}).Inc();
  family.WithLabels({"GET", "200"}).Inc(10);
  EXPECT_EQ(registry.ExpositionText(),
            "# HELP http_requests_total Requests.\n"
            "# TYPE http_requests_total counter\n"
            "http_requests_total{method=\"GET\",code=\"200\"} 10\n"
            "http_requests_total{method=\"GET\",code=\"404\"} 1\n"
            "http_requests_total{method=\"POST\",code=\"500\"} 2\n");
}

TEST(ExpositionTest, EscapesLabelValuesAndHelp) {
  Registry registry;
  registry.NewGaugeFamily("escaped", "Back\\slash and\nnewline \"quoted\".", {"path"})
      .WithLabels({"C:\\dir \"x\"\nnext"})
      .Set(1);
  EXPECT_EQ(registry.ExpositionText(),
            "# HELP escaped Back\\\\slash and\\nnewline \"quoted\".\n"
            "# TYPE escaped gauge\n"
            "escaped{path=\"C:\\\\dir \\\"x\\\"\\nnext\"} 1\n");
}

// The text format is UTF-8: label values that are not (a file or device name's raw bytes) get
// U+FFFD for each bad byte, from the registry and from collectors alike.
TEST(ExpositionTest, ReplacesInvalidUtf8InLabelValues) {
  Registry registry;
  registry.NewGaugeFamily("registered", "Help.", {"name"}).WithLabels({"caf\xc3\xa9\xff"}).Set(1);
  registry.AddCollector([](MetricWriter& w) {
    w.Write("written", "Help.", "gauge", {{"name", "a\xe2\x82"}}, 2);
  });
  EXPECT_EQ(registry.ExpositionText(),
            "# HELP registered Help.\n"
            "# TYPE registered gauge\n"
            "registered{name=\"caf\xc3\xa9\xEF\xBF\xBD\"} 1\n"
            "# HELP written Help.\n"
            "# TYPE written gauge\n"
            "written{name=\"a\xEF\xBF\xBD\xEF\xBF\xBD\"} 2\n");
}

TEST(ExpositionTest, EscapersAppend) {
  std::string out = "x";
  AppendEscapedLabelValue(out, "a\\b\"c\nd\te");
  EXPECT_EQ(out, "xa\\\\b\\\"c\\nd\te");
  out.clear();
  AppendFamilyHeader(out, "m", "a\\b\n\"c\"", "counter");
  EXPECT_EQ(out, "# HELP m a\\\\b\\n\"c\"\n# TYPE m counter\n");
}

TEST(ExpositionTest, FamilyWithoutChildrenIsLeftOut) {
  Registry registry;
  registry.NewCounterFamily("unused_total", "Unused.", {"a"});
  EXPECT_EQ(registry.ExpositionText(), "");
}

TEST(ExpositionTest, WritesHistogramBucketsSumAndCount) {
  Registry registry;
  Histogram& histogram = registry.NewHistogram("req_duration_seconds", "Duration.", {0.1, 1, 2.5});
  histogram.Observe(0.0625);
  histogram.Observe(0.5);
  histogram.Observe(0.75);
  histogram.Observe(30);
  EXPECT_EQ(registry.ExpositionText(),
            "# HELP req_duration_seconds Duration.\n"
            "# TYPE req_duration_seconds histogram\n"
            "req_duration_seconds_bucket{le=\"0.1\"} 1\n"
            "req_duration_seconds_bucket{le=\"1\"} 3\n"
            "req_duration_seconds_bucket{le=\"2.5\"} 3\n"
            "req_duration_seconds_bucket{le=\"+Inf\"} 4\n"
            "req_duration_seconds_sum 31.3125\n"
            "req_duration_seconds_count 4\n");
}

TEST(ExpositionTest, WritesLabeledHistogramsWithLeLast) {
  Registry registry;
  Family<Histogram>& family =
      registry.NewHistogramFamily("rpc_seconds", "RPC time.", {"service"}, {1});
  family.WithLabels({"b\"q"}).Observe(2);
  family.WithLabels({"a"}).Observe(0.25);
  EXPECT_EQ(registry.ExpositionText(),
            "# HELP rpc_seconds RPC time.\n"
            "# TYPE rpc_seconds histogram\n"
            "rpc_seconds_bucket{service=\"a\",le=\"1\"} 1\n"
            "rpc_seconds_bucket{service=\"a\",le=\"+Inf\"} 1\n"
            "rpc_seconds_sum{service=\"a\"} 0.25\n"
            "rpc_seconds_count{service=\"a\"} 1\n"
            "rpc_seconds_bucket{service=\"b\\\"q\",le=\"1\"} 0\n"
            "rpc_seconds_bucket{service=\"b\\\"q\",le=\"+Inf\"} 1\n"
            "rpc_seconds_sum{service=\"b\\\"q\"} 2\n"
            "rpc_seconds_count{service=\"b\\\"q\"} 1\n");
}

TEST(ExpositionTest, WritesSpecialValues) {
  Registry registry;
  registry.NewGauge("g_nan", "NaN.").Set(std::numeric_limits<double>::quiet_NaN());
  registry.NewGauge("g_ninf", "-Inf.").Set(-std::numeric_limits<double>::infinity());
  registry.NewGauge("g_pinf", "+Inf.").Set(std::numeric_limits<double>::infinity());
  EXPECT_EQ(registry.ExpositionText(),
            "# HELP g_nan NaN.\n# TYPE g_nan gauge\ng_nan NaN\n"
            "# HELP g_ninf -Inf.\n# TYPE g_ninf gauge\ng_ninf -Inf\n"
            "# HELP g_pinf +Inf.\n# TYPE g_pinf gauge\ng_pinf +Inf\n");
}

TEST(ExpositionTest, CollectorOutputIsMergedInNameOrder) {
  Registry registry;
  registry.NewCounter("b_total", "Registered.").Inc();
  registry.AddCollector([](MetricWriter& writer) {
    writer.Write("queue_items", "Items per queue.", "gauge", {{"queue", "z"}}, 3);
    writer.Write("a_total", "From a collector.", "counter", {}, 7);
    writer.Write("queue_items", "ignored: HELP comes from the first write", "gauge",
                 {{"queue", "a\nb"}}, 1);
  });
  registry.AddCollector([](MetricWriter& writer) {
    writer.Write("queue_items", "Items per queue.", "gauge", {{"queue", "m"}}, 2);
  });
  EXPECT_EQ(registry.ExpositionText(),
            "# HELP a_total From a collector.\n"
            "# TYPE a_total counter\n"
            "a_total 7\n"
            "# HELP b_total Registered.\n"
            "# TYPE b_total counter\n"
            "b_total 1\n"
            "# HELP queue_items Items per queue.\n"
            "# TYPE queue_items gauge\n"
            "queue_items{queue=\"a\\nb\"} 1\n"
            "queue_items{queue=\"m\"} 2\n"
            "queue_items{queue=\"z\"} 3\n");
}

TEST(ExpositionTest, CollectorsRunOnEveryExposition) {
  Registry registry;
  int calls = 0;
  registry.AddCollector([&calls](MetricWriter& writer) {
    ++calls;
    writer.Write("scrapes", "Scrapes.", "counter", {}, calls);
  });
  EXPECT_NE(registry.ExpositionText().find("scrapes 1\n"), std::string::npos);
  EXPECT_NE(registry.ExpositionText().find("scrapes 2\n"), std::string::npos);
  EXPECT_EQ(calls, 2);
}

TEST(ExpositionTest, CollectorMayRegisterMetrics) {
  Registry registry;
  bool registered = false;
  registry.AddCollector([&](MetricWriter&) {
    if (!registered) registry.NewGauge("late", "Registered by a collector.").Set(4);
    registered = true;
  });
  EXPECT_EQ(registry.ExpositionText(), "");
  EXPECT_EQ(registry.ExpositionText(),
            "# HELP late Registered by a collector.\n"
            "# TYPE late gauge\n"
            "late 4\n");
}

TEST(BuildInfoTest, WritesConstantGaugeWithSortedLabels) {
  Registry registry;
  AddBuildInfo(registry, "0.1.0", "abc123", "main", "g++ 12.2.0");
  EXPECT_EQ(registry.ExpositionText(),
            "# HELP osprey_build_info A metric with a constant '1' value labeled by version, "
            "revision, branch and compiler from which osprey was built.\n"
            "# TYPE osprey_build_info gauge\n"
            "osprey_build_info{branch=\"main\",compiler=\"g++ 12.2.0\",revision=\"abc123\","
            "version=\"0.1.0\"} 1\n");
}

using ExpositionDeathTest = ::testing::Test;

TEST(ExpositionDeathTest, CollectorWritingARegisteredNameAborts) {
  Registry registry;
  registry.NewGauge("taken", "Registered.");
  registry.AddCollector(
      [](MetricWriter& writer) { writer.Write("taken", "Collected.", "gauge", {}, 1); });
  EXPECT_DEATH(registry.ExpositionText(), "also registered");
}

TEST(ExpositionDeathTest, CollectorWritingTheSameSeriesTwiceAborts) {
  Registry registry;
  registry.AddCollector([](MetricWriter& writer) {
    writer.Write("twice", "Twice.", "gauge", {{"a", "1"}}, 1);
    writer.Write("twice", "Twice.", "gauge", {{"a", "1"}}, 2);
  });
  EXPECT_DEATH(registry.ExpositionText(), "twice with the same labels");
}

TEST(ExpositionDeathTest, CollectorWritingBadTypeOrNamesAborts) {
  MetricWriter writer;
  EXPECT_DEATH(writer.Write("x", "X.", "histogram", {}, 1), "counter or gauge");
  EXPECT_DEATH(writer.Write("x-y", "X.", "gauge", {}, 1), "invalid metric name");
  EXPECT_DEATH(writer.Write("x", "X.", "gauge", {{"0a", "v"}}, 1), "invalid label name");
  writer.Write("x", "X.", "gauge", {}, 1);
  EXPECT_DEATH(writer.Write("x", "X.", "counter", {{"a", "v"}}, 1), "written as gauge");
}

}  // namespace
}  // namespace osprey::metrics
