#include "ingest/text_importer.h"

#include <gtest/gtest.h>

#include <string>

#include "ingest/internal/fake_appendable.h"
#include "ingest/internal/test_requests.h"
#include "metrics/registry.h"

namespace osprey::ingest {
namespace {

using internal::FakeAppendable;
using model::Labels;

constexpr model::Timestamp kNow = 1'700'000'000'000;

TEST(TextImporterTest, AppendsSamplesWithTheirOrTheDefaultTimestamp) {
  FakeAppendable storage;
  Result<WriteOutcome> r = ImportText(
      "# TYPE up gauge\nup{job=\"a\",instance=\"x\"} 1\nup{job=\"b\"} 0 1000\n", kNow, storage);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->samples_accepted, 2);
  EXPECT_EQ(r->Classify(), RequestOutcome::kSuccess);
  const auto committed = storage.Committed();
  ASSERT_EQ(committed.size(), 2u);
  const auto& a =
      committed.at(Labels::FromStrings({"__name__", "up", "instance", "x", "job", "a"}));
  EXPECT_EQ(a.at(0).t, kNow);
  EXPECT_EQ(a.at(0).v, 1);
  EXPECT_EQ(committed.at(Labels::FromStrings({"__name__", "up", "job", "b"})).at(0).t, 1000);
}

TEST(TextImporterTest, ConsecutiveLinesOfOneSeriesAppendInOrder) {
  FakeAppendable storage;
  Result<WriteOutcome> r =
      ImportText("m{a=\"1\"} 1 1000\nm{a=\"1\"} 2 2000\nm{a=\"1\"} 3 3000\n", kNow, storage);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->samples_accepted, 3);
  EXPECT_EQ(storage.Committed().at(Labels::FromStrings({"__name__", "m", "a", "1"})).size(), 3u);
  EXPECT_EQ(storage.stats().series_created, 1);
}

TEST(TextImporterTest, RejectsInvalidSeriesAndKeepsTheOthers) {
  metrics::Registry registry;
  IngestMetrics metrics(registry);
  FakeAppendable storage;
  Result<WriteOutcome> r = ImportText(
      "good 1\n"
      "dup{a=\"1\",a=\"2\"} 1\n"
      "renamed{__name__=\"other\"} 1\n"
      "bad_utf8{a=\"\xff\"} 1\n"
      "long{a=\"12345678901\"} 1\n"
      "ooo 1 2000\nooo 1 1000\n",
      kNow, storage, {.limits = {.max_label_value_length = 10}}, &metrics);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->samples_accepted, 2);
  EXPECT_EQ(r->samples_rejected, 5);
  EXPECT_EQ(r->rejected_by_reason,
            (std::map<std::string, int64_t, std::less<>>{
                {"invalid_labels", 3}, {"label_limit_exceeded", 1}, {"out_of_bounds", 1}}));
  EXPECT_EQ(r->first_error, R"(series {__name__="dup", a="1", a="2"}: duplicate label name "a")");
  const std::string text = registry.ExpositionText();
  EXPECT_NE(
      text.find(R"(osprey_ingest_requests_total{protocol="prometheus_text",outcome="rejected"} 1)"),
      std::string::npos);
  EXPECT_NE(text.find(R"(osprey_ingest_samples_received_total{protocol="prometheus_text"} 7)"),
            std::string::npos);
}

TEST(TextImporterTest, SyntaxErrorKeepsNothing) {
  metrics::Registry registry;
  IngestMetrics metrics(registry);
  FakeAppendable storage;
  Result<WriteOutcome> r = ImportText("a 1\nb 2\nc{x=} 3\n", kNow, storage, {}, &metrics);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status(),
            InvalidArgumentError("line 3, column 5: expected '\"' to start the label value"));
  EXPECT_TRUE(storage.Committed().empty());
  EXPECT_EQ(storage.stats().rollbacks, 1);
  EXPECT_NE(
      registry.ExpositionText().find(
          R"(osprey_ingest_requests_total{protocol="prometheus_text",outcome="malformed"} 1)"),
      std::string::npos);
}

TEST(TextImporterTest, FailedCommitIsReported) {
  FakeAppendable storage;
  storage.FailCommits(ResourceExhaustedError("no space left on device"));
  Result<WriteOutcome> r = ImportText("a 1\n", kNow, storage);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->Classify(), RequestOutcome::kCommitFailed);
  EXPECT_EQ(r->rejected_by_reason.at("commit_failed"), 1);
}

TEST(TextImporterTest, ImportsAGeneratedBody) {
  FakeAppendable storage;
  Result<WriteOutcome> r = ImportText(internal::BuildNodeExporterText(300, 5000), kNow, storage);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->samples_accepted, 300);
  EXPECT_EQ(storage.Committed().at(internal::NodeExporterSeries(299)).at(0).t, 5000);
}

}  // namespace
}  // namespace osprey::ingest
