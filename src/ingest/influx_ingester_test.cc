#include "ingest/influx_ingester.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "ingest/internal/fake_appendable.h"
#include "metrics/registry.h"

namespace osprey::ingest {
namespace {

using internal::FakeAppendable;
using model::Labels;
using ::testing::HasSubstr;

class InfluxIngesterTest : public ::testing::Test {
 protected:
  InfluxWriteResult Write(std::string_view body, InfluxWriteRequest request = {.now_ms = 5000}) {
    return ingester_.Write(body, request);
  }

  // The committed samples of `labels` as (t, v) pairs.
  std::vector<std::pair<int64_t, double>> Stored(const Labels& labels) const {
    std::vector<std::pair<int64_t, double>> out;
    const auto committed = storage_.Committed();
    auto it = committed.find(labels);
    if (it == committed.end()) return out;
    for (const model::Sample& s : it->second) out.emplace_back(s.t, s.v);
    return out;
  }

  bool MetricsContain(std::string_view line) const {
    return registry_.ExpositionText().find(line) != std::string::npos;
  }

  metrics::Registry registry_;
  IngestMetrics metrics_{registry_};
  FakeAppendable storage_;
  InfluxIngester ingester_{storage_, metrics_, registry_};
};

using Samples = std::vector<std::pair<int64_t, double>>;

TEST_F(InfluxIngesterTest, EachNumericFieldIsASeries) {
  InfluxWriteResult r = Write(
      "weather,location=us-west,station=7 temp=21.5,humidity=40i,count=3u,ok=true,off=F,"
      "note=\"skipped\" 1465839830100400200\n");
  EXPECT_EQ(r.Classify(), RequestOutcome::kSuccess) << r.Message();
  EXPECT_EQ(r.outcome.samples_accepted, 5);
  EXPECT_EQ(r.lines_accepted, 1);
  EXPECT_TRUE(r.Message().empty());
  const int64_t t = 1465839830100;
  auto series = [](std::string_view name) {
    return Labels::FromStrings({"__name__", name, "location", "us-west", "station", "7"});
  };
  EXPECT_EQ(Stored(series("weather_temp")), (Samples{{t, 21.5}}));
  EXPECT_EQ(Stored(series("weather_humidity")), (Samples{{t, 40}}));
  EXPECT_EQ(Stored(series("weather_count")), (Samples{{t, 3}}));
  EXPECT_EQ(Stored(series("weather_ok")), (Samples{{t, 1}}));
  EXPECT_EQ(Stored(series("weather_off")), (Samples{{t, 0}}));
  EXPECT_EQ(storage_.Committed().size(), 5u);
  EXPECT_EQ(storage_.stats().commits, 1);
}

TEST_F(InfluxIngesterTest, FieldNamedValueKeepsItsSuffix) {
  ASSERT_EQ(Write("cpu value=1 1000000000\n").Classify(), RequestOutcome::kSuccess);
  EXPECT_EQ(Stored(Labels::FromStrings({"__name__", "cpu_value"})), (Samples{{1000, 1}}));
}

TEST_F(InfluxIngesterTest, PointsWithoutTimestampGetNow) {
  ASSERT_EQ(Write("m x=1\n", {.now_ms = 777}).Classify(), RequestOutcome::kSuccess);
  EXPECT_EQ(Stored(Labels::FromStrings({"__name__", "m_x"})), (Samples{{777, 1}}));
}

TEST_F(InfluxIngesterTest, PrecisionScalesTimestamps) {
  InfluxWriteResult r = Write("m x=1 1700000000\n", {.precision = InfluxPrecision::kSecond});
  ASSERT_EQ(r.Classify(), RequestOutcome::kSuccess);
  EXPECT_EQ(Stored(Labels::FromStrings({"__name__", "m_x"})), (Samples{{1700000000000, 1}}));
}

TEST_F(InfluxIngesterTest, NamesAreSanitised) {
  ASSERT_EQ(Write("disk-io,dev.name=sda,9k=v rx.bytes=1,temp\xc3\xa9=2 1000000\n").Classify(),
            RequestOutcome::kSuccess);
  EXPECT_EQ(
      Stored(Labels::FromStrings({"__name__", "disk_io_rx_bytes", "_9k", "v", "dev_name", "sda"})),
      (Samples{{1, 1}}));
  // é is one character: one underscore.
  EXPECT_EQ(
      Stored(Labels::FromStrings({"__name__", "disk_io_temp_", "_9k", "v", "dev_name", "sda"})),
      (Samples{{1, 2}}));
  EXPECT_EQ(InfluxMetricName("1m", "a:b"), "_1m_a:b");
  EXPECT_EQ(InfluxLabelName("a:b"), "a_b");
  EXPECT_EQ(InfluxLabelName("\xff\xfex"), "__x");
}

TEST_F(InfluxIngesterTest, DbParameterBecomesLabelUnlessTagged) {
  InfluxWriteResult r =
      Write("m x=1 1000000\nm,db=other y=2 1000000\n", {.db = "telegraf", .now_ms = 0});
  ASSERT_EQ(r.Classify(), RequestOutcome::kSuccess) << r.Message();
  EXPECT_EQ(Stored(Labels::FromStrings({"__name__", "m_x", "db", "telegraf"})), (Samples{{1, 1}}));
  EXPECT_EQ(Stored(Labels::FromStrings({"__name__", "m_y", "db", "other"})), (Samples{{1, 2}}));
}

TEST_F(InfluxIngesterTest, BadLinesAreReportedAndGoodOnesWritten) {
  InfluxWriteResult r = Write(
      "m x=1 1000000\n"
      "m x=oops 2000000\n"
      "m,host=a\n"
      "m x=3 3000000\n");
  EXPECT_EQ(r.Classify(), RequestOutcome::kRejected);
  EXPECT_EQ(r.lines_accepted, 2);
  EXPECT_EQ(r.lines_rejected, 2);
  EXPECT_EQ(r.outcome.samples_accepted, 2);
  EXPECT_EQ(r.outcome.rejected_by_reason.at("invalid_line"), 2);
  EXPECT_EQ(r.first_line_error, "line 2, column 5: invalid value \"oops\" for field \"x\"");
  EXPECT_EQ(r.Message(),
            "partial write: line 2, column 5: invalid value \"oops\" for field \"x\" (2 of 4 lines "
            "rejected; 2 samples written)");
  EXPECT_EQ(Stored(Labels::FromStrings({"__name__", "m_x"})), (Samples{{1, 1}, {3, 3}}));
  EXPECT_TRUE(MetricsContain(R"(osprey_ingest_influx_lines_total{outcome="accepted"} 2)"));
  EXPECT_TRUE(MetricsContain(R"(osprey_ingest_influx_lines_total{outcome="rejected"} 2)"));
  EXPECT_TRUE(MetricsContain(
      R"(osprey_ingest_samples_rejected_total{protocol="influx",reason="invalid_line"} 2)"));
  EXPECT_TRUE(
      MetricsContain(R"(osprey_ingest_requests_total{protocol="influx",outcome="rejected"} 1)"));
}

TEST_F(InfluxIngesterTest, InvalidSeriesAndStorageRejectionsAreCounted) {
  ASSERT_EQ(Write("m x=5 2000000\n").Classify(), RequestOutcome::kSuccess);
  // A duplicate label after sanitising, and an out-of-order sample.
  InfluxWriteResult r = Write("m,a-b=1,a_b=2 y=1 1000000\nm x=4 1000000\nm z=1 1000000\n");
  EXPECT_EQ(r.Classify(), RequestOutcome::kRejected);
  EXPECT_EQ(r.lines_rejected, 0);
  EXPECT_EQ(r.outcome.samples_accepted, 1);
  EXPECT_EQ(r.outcome.samples_rejected, 2);
  EXPECT_EQ(r.outcome.rejected_by_reason.at("invalid_labels"), 1);
  EXPECT_EQ(r.outcome.rejected_by_reason.at("out_of_bounds"), 1);
  EXPECT_THAT(r.Message(), HasSubstr("partial write: series {__name__=\"m_y\""));
  EXPECT_THAT(r.Message(), HasSubstr("(2 samples rejected; 1 samples written)"));
}

TEST_F(InfluxIngesterTest, SecondRequestUsesCachedRefs) {
  const std::string body = "cpu,host=a,cpu=cpu0 usage_user=1,usage_system=2 1000000\n";
  ASSERT_EQ(Write(body).Classify(), RequestOutcome::kSuccess);
  EXPECT_EQ(storage_.stats().appends_with_labels, 2);
  InfluxWriteResult r = Write("cpu,host=a,cpu=cpu0 usage_user=3,usage_system=4 2000000\n");
  ASSERT_EQ(r.Classify(), RequestOutcome::kSuccess);
  EXPECT_EQ(storage_.stats().appends_with_hint_only, 2);
  EXPECT_EQ(storage_.stats().appends_with_labels, 2);
  EXPECT_EQ(Stored(Labels::FromStrings({"__name__", "cpu_usage_user", "cpu", "cpu0", "host", "a"})),
            (Samples{{1, 1}, {2, 3}}));
  // The db parameter is part of the key: the same text with a db is another series.
  ASSERT_EQ(Write(body, {.db = "x"}).Classify(), RequestOutcome::kSuccess);
  EXPECT_EQ(storage_.stats().appends_with_labels, 4);
}

TEST_F(InfluxIngesterTest, StaleHintFallsBackToFullLabels) {
  ASSERT_EQ(Write("m x=1 1000000\n").Classify(), RequestOutcome::kSuccess);
  const Labels labels = Labels::FromStrings({"__name__", "m_x"});
  storage_.DropSeries(labels);
  ASSERT_EQ(Write("m x=2 2000000\n").Classify(), RequestOutcome::kSuccess);
  EXPECT_EQ(Stored(labels), (Samples{{2, 2}}));
}

TEST_F(InfluxIngesterTest, CommitFailureWritesNothing) {
  storage_.FailCommits(UnavailableError("disk full"));
  InfluxWriteResult r = Write("m x=1\n");
  EXPECT_EQ(r.Classify(), RequestOutcome::kCommitFailed);
  EXPECT_EQ(r.outcome.samples_accepted, 0);
  EXPECT_EQ(r.Message(), "storage unavailable: disk full");
}

TEST_F(InfluxIngesterTest, EmptyAndStringOnlyBodiesSucceed) {
  EXPECT_EQ(Write("").Classify(), RequestOutcome::kSuccess);
  InfluxWriteResult r = Write("# only a comment\nlog msg=\"hello\"\n");
  EXPECT_EQ(r.Classify(), RequestOutcome::kSuccess);
  EXPECT_EQ(r.lines_accepted, 1);
  EXPECT_EQ(r.outcome.samples_accepted, 0);
  EXPECT_TRUE(storage_.Committed().empty());
}

TEST_F(InfluxIngesterTest, ConcurrentWritersEachCommitTheirPoints) {
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([this, w] {
      for (int i = 0; i < 50; ++i) {
        std::string body("m,writer=");
        body.append(std::to_string(w)).append(" x=").append(std::to_string(i)).append(" ");
        body.append(std::to_string((i + 1) * 1'000'000)).append("\n");
        EXPECT_EQ(ingester_.Write(body, {}).Classify(), RequestOutcome::kSuccess);
      }
    });
  }
  for (auto& t : threads) t.join();
  const auto committed = storage_.Committed();
  ASSERT_EQ(committed.size(), 4u);
  for (const auto& [labels, samples] : committed) EXPECT_EQ(samples.size(), 50u);
}

}  // namespace
}  // namespace osprey::ingest
