#include "scrape/target_writer.h"

#include <gtest/gtest.h>

#include "storage/mem_storage.h"
#include "testing/storage_dump.h"

namespace osprey::scrape {
namespace {

using ingest::ExpositionFormat;
using testing::Dump;

const model::Labels kTarget = model::Labels::FromStrings({"instance", "a:1", "job", "node"});

class TargetWriterTest : public ::testing::Test {
 protected:
  TargetWriter MakeWriter(WriterSettings s = {}) {
    return TargetWriter(kTarget, std::make_shared<const WriterSettings>(std::move(s)), db_);
  }
  Result<ScrapeCounts> Scrape(TargetWriter& w, std::string_view body, model::Timestamp t) {
    return w.AppendBody(parser_, ExpositionFormat::kPrometheusText, body, t);
  }
  std::vector<model::Sample> Samples(const std::string& series) { return Dump(db_)[series]; }

  storage::MemStorage db_;
  ingest::ExpositionParser parser_;
};

TEST_F(TargetWriterTest, AppendsWithTargetLabelsAndReports) {
  TargetWriter w = MakeWriter();
  auto c = Scrape(w,
                  "# HELP reqs_total Requests.\n# TYPE reqs_total counter\n"
                  "reqs_total{code=\"200\"} 7\nreqs_total{code=\"500\"} 1\ntemp 21.5\n",
                  1000);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->samples_scraped, 3);
  EXPECT_EQ(c->samples_post_relabeling, 3);
  EXPECT_EQ(c->series_added, 3);
  ASSERT_TRUE(w.WriteReport(true, 0.25, *c, 1000).ok());
  auto all = Dump(db_);
  ASSERT_EQ(all[R"({__name__="reqs_total", code="200", instance="a:1", job="node"})"].size(), 1u);
  EXPECT_EQ(all[R"({__name__="temp", instance="a:1", job="node"})"][0].v, 21.5);
  EXPECT_EQ(all[R"({__name__="up", instance="a:1", job="node"})"][0].v, 1);
  EXPECT_EQ(all[R"({__name__="scrape_duration_seconds", instance="a:1", job="node"})"][0].v, 0.25);
  EXPECT_EQ(all[R"({__name__="scrape_samples_scraped", instance="a:1", job="node"})"][0].v, 3);
  EXPECT_EQ(all[R"({__name__="scrape_series_added", instance="a:1", job="node"})"][0].v, 3);
  EXPECT_EQ(w.metadata().at("reqs_total").type, "counter");
  EXPECT_EQ(w.metadata().at("reqs_total").help, "Requests.");

  // A second scrape: known series, none added.
  c = Scrape(w, "reqs_total{code=\"200\"} 8\nreqs_total{code=\"500\"} 1\ntemp 22\n", 2000);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->series_added, 0);
  EXPECT_EQ(Samples(R"({__name__="temp", instance="a:1", job="node"})").size(), 2u);
}

TEST_F(TargetWriterTest, SeriesTheStorageForgotAreCreatedAgainFromTheBody) {
  TargetWriter w = MakeWriter();
  auto c = Scrape(w, "a{x=\"1\"} 1\n", 1000);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(w.WriteReport(true, 0.1, *c, 1000).ok());
  db_.Clear();  // every ref the writer holds is now unknown
  c = Scrape(w, "a{x=\"1\"} 2\n", 2000);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->samples_rejected, 0);
  EXPECT_EQ(c->series_added, 0);  // known to the writer's cache, re-created in storage
  ASSERT_TRUE(w.WriteReport(true, 0.1, *c, 2000).ok());
  auto all = Dump(db_);
  ASSERT_EQ(all[R"({__name__="a", instance="a:1", job="node", x="1"})"].size(), 1u);
  EXPECT_EQ(all[R"({__name__="a", instance="a:1", job="node", x="1"})"][0].v, 2);
  EXPECT_EQ(all[R"({__name__="up", instance="a:1", job="node"})"].size(), 1u);
}

TEST_F(TargetWriterTest, VanishedSeriesGetStalenessMarkers) {
  TargetWriter w = MakeWriter();
  ASSERT_TRUE(Scrape(w, "a 1\nb 2\n", 1000).ok());
  ASSERT_TRUE(Scrape(w, "a 1\n", 2000).ok());
  auto b = Samples(R"({__name__="b", instance="a:1", job="node"})");
  ASSERT_EQ(b.size(), 2u);
  EXPECT_TRUE(model::IsStaleNaN(b[1].v));
  EXPECT_EQ(b[1].t, 2000);
  // It comes back later: a normal sample again.
  ASSERT_TRUE(Scrape(w, "a 1\nb 3\n", 3000).ok());
  b = Samples(R"({__name__="b", instance="a:1", job="node"})");
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b[2].v, 3);
}

TEST_F(TargetWriterTest, ExplicitTimestampsAreHonouredAndNotStaledUnlessTracked) {
  TargetWriter w = MakeWriter();
  ASSERT_TRUE(Scrape(w, "a 1 500\n", 1000).ok());
  ASSERT_TRUE(Scrape(w, "\n", 2000).ok());
  auto a = Samples(R"({__name__="a", instance="a:1", job="node"})");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].t, 500);

  TargetWriter ignoring = MakeWriter({.honor_timestamps = false});
  ASSERT_TRUE(Scrape(ignoring, "x 1 500\n", 1000).ok());
  EXPECT_EQ(Samples(R"({__name__="x", instance="a:1", job="node"})")[0].t, 1000);

  TargetWriter tracking = MakeWriter({.track_timestamps_staleness = true});
  ASSERT_TRUE(Scrape(tracking, "y 1 500\n", 1000).ok());
  ASSERT_TRUE(Scrape(tracking, "\n", 2000).ok());
  auto y = Samples(R"({__name__="y", instance="a:1", job="node"})");
  ASSERT_EQ(y.size(), 2u);
  EXPECT_TRUE(model::IsStaleNaN(y[1].v));
}

TEST_F(TargetWriterTest, ConflictingLabelsBecomeExportedUnlessHonored) {
  TargetWriter w = MakeWriter();
  ASSERT_TRUE(Scrape(w, "m{job=\"other\",exported_job=\"x\"} 1\n", 1000).ok());
  auto all = Dump(db_);
  EXPECT_EQ(
      all.count(
          R"({__name__="m", exported_exported_job="other", exported_job="x", instance="a:1", job="node"})"),
      1u)
      << ::testing::PrintToString(all);

  storage::MemStorage other;
  TargetWriter honoring(
      kTarget, std::make_shared<const WriterSettings>(WriterSettings{.honor_labels = true}), other);
  ASSERT_TRUE(
      honoring.AppendBody(parser_, ExpositionFormat::kPrometheusText, "m{job=\"other\"} 1\n", 1000)
          .ok());
  EXPECT_EQ(Dump(other).count(R"({__name__="m", instance="a:1", job="other"})"), 1u);
}

TEST_F(TargetWriterTest, MetricRelabelingDropsAndRewrites) {
  config::RelabelConfig drop;
  drop.action = config::RelabelAction::kDrop;
  drop.source_labels = {"__name__"};
  drop.regex = "go_.*";
  auto relabeler = ingest::Relabeler::Create(std::vector<config::RelabelConfig>{drop});
  ASSERT_TRUE(relabeler.ok());
  TargetWriter w = MakeWriter({.metric_relabeler = std::move(relabeler).value()});
  auto c = Scrape(w, "go_goroutines 5\nkeep_me 1\n", 1000);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->samples_scraped, 2);
  EXPECT_EQ(c->samples_post_relabeling, 1);
  EXPECT_EQ(c->series_added, 1);
  auto all = Dump(db_);
  EXPECT_EQ(all.size(), 1u);
}

TEST_F(TargetWriterTest, SampleLimitFailsTheWholeScrapeAndStalesThePrevious) {
  TargetWriter w = MakeWriter({.sample_limit = 2});
  ASSERT_TRUE(Scrape(w, "a 1\nb 1\n", 1000).ok());
  auto c = Scrape(w, "a 2\nb 2\nc 2\n", 2000);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "sample_limit exceeded (limit 2)");
  auto all = Dump(db_);
  EXPECT_EQ(all.count(R"({__name__="c", instance="a:1", job="node"})"), 0u);  // nothing kept
  auto a = all[R"({__name__="a", instance="a:1", job="node"})"];
  ASSERT_EQ(a.size(), 2u);
  EXPECT_TRUE(model::IsStaleNaN(a[1].v));
}

TEST_F(TargetWriterTest, SyntaxErrorsAndLabelLimitsFailWhole) {
  TargetWriter w = MakeWriter({.label_limit = 4, .label_value_length_limit = 5});
  auto c = Scrape(w, "a 1\nb{x=\"1\"} 2\nbroken{ 3\n", 1000);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("line 3"), std::string::npos) << c.status().message();
  EXPECT_TRUE(Dump(db_).empty());
  c = Scrape(w, "a{x=\"1\",y=\"2\"} 1\n", 1000);
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.status().message().starts_with("label_limit exceeded")) << c.status().message();
  c = Scrape(w, "a{x=\"123456\"} 1\n", 1000);
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.status().message().starts_with("label_value_length_limit exceeded"));
  EXPECT_TRUE(Dump(db_).empty());
}

TEST_F(TargetWriterTest, OpenMetricsExemplarsGoToTheStoreAfterCommit) {
  storage::ExemplarStore exemplars({.max_exemplars = 100});
  TargetWriter w(kTarget, std::make_shared<const WriterSettings>(), db_, &exemplars);
  auto c = w.AppendBody(parser_, ExpositionFormat::kOpenMetrics,
                        "# TYPE req_seconds counter\n# UNIT req_seconds seconds\n"
                        "req_seconds_total 5 # {trace_id=\"abc\"} 1.5 2.25\n"
                        "req_seconds_created 1\n# EOF\n",
                        3000);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->exemplars_added, 1);
  EXPECT_EQ(w.metadata().at("req_seconds").unit, "seconds");
  auto found = exemplars.Select(
      {0, 10000}, std::vector<std::vector<model::Matcher>>{
                      {model::Matcher::MustCreate(model::MatchType::kEqual, "job", "node")}});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].series.ToString(),
            R"({__name__="req_seconds_total", instance="a:1", job="node"})");
  ASSERT_EQ(found[0].exemplars.size(), 1u);
  EXPECT_EQ(found[0].exemplars[0].labels.Get("trace_id"), "abc");
  EXPECT_EQ(found[0].exemplars[0].value, 1.5);
  EXPECT_EQ(found[0].exemplars[0].t, 2250);
  // _created lines are ordinary samples.
  EXPECT_EQ(Samples(R"({__name__="req_seconds_created", instance="a:1", job="node"})").size(), 1u);

  // A failed scrape keeps no exemplar.
  auto bad = w.AppendBody(parser_, ExpositionFormat::kOpenMetrics,
                          "req_seconds_total 6 # {trace_id=\"def\"} 1 4\n", 5000);  // no # EOF
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(exemplars.size(), 1);
}

TEST_F(TargetWriterTest, FailureAndStopMarkEverythingStale) {
  TargetWriter w = MakeWriter();
  auto c = Scrape(w, "a 1\n", 1000);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(w.WriteReport(true, 0.1, *c, 1000).ok());
  w.AppendFailure(2000);
  ASSERT_TRUE(w.WriteReport(false, 0.1, {}, 2000).ok());
  auto all = Dump(db_);
  auto a = all[R"({__name__="a", instance="a:1", job="node"})"];
  ASSERT_EQ(a.size(), 2u);
  EXPECT_TRUE(model::IsStaleNaN(a[1].v));
  EXPECT_EQ(all[R"({__name__="up", instance="a:1", job="node"})"][1].v, 0);

  ASSERT_TRUE(Scrape(w, "a 1\n", 3000).ok());
  w.StaleAll(4000);
  all = Dump(db_);
  EXPECT_TRUE(model::IsStaleNaN(all[R"({__name__="a", instance="a:1", job="node"})"].back().v));
  EXPECT_TRUE(model::IsStaleNaN(all[R"({__name__="up", instance="a:1", job="node"})"].back().v));
}

}  // namespace
}  // namespace osprey::scrape
