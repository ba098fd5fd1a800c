#include "ingest/remote_write_ingester.h"

#include <gtest/gtest.h>

#include <bit>
#include <string>
#include <thread>
#include <vector>

#include "ingest/internal/fake_appendable.h"
#include "ingest/internal/protobuf_wire.h"
#include "ingest/internal/test_requests.h"
#include "ingest/remote_write_encoder.h"
#include "metrics/registry.h"

namespace osprey::ingest {
namespace {

using internal::FakeAppendable;
using model::Labels;
using model::Sample;

class RemoteWriteIngesterTest : public ::testing::Test {
 protected:
  Result<WriteOutcome> Ingest(const WriteRequestEncoder& enc) {
    return ingester_.Ingest(enc.bytes());
  }

  bool MetricsContain(std::string_view line) const {
    return registry_.ExpositionText().find(line) != std::string::npos;
  }

  metrics::Registry registry_;
  IngestMetrics metrics_{registry_};
  FakeAppendable storage_;
  RemoteWriteIngester ingester_{storage_, metrics_};
};

TEST_F(RemoteWriteIngesterTest, AppendsAndCommitsEverySample) {
  WriteRequestEncoder enc;
  enc.AddSeries({{"__name__", "up"}, {"job", "api"}}, {{.t = 1000, .v = 1}, {.t = 2000, .v = 0}});
  enc.AddSeries({{"__name__", "temp"}, {"room", "a"}}, {{.t = 1000, .v = 21.5}});
  Result<WriteOutcome> r = Ingest(enc);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->samples_accepted, 3);
  EXPECT_EQ(r->samples_rejected, 0);
  EXPECT_TRUE(r->first_error.empty());
  EXPECT_EQ(r->Classify(), RequestOutcome::kSuccess);

  const auto committed = storage_.Committed();
  ASSERT_EQ(committed.size(), 2u);
  const auto& up = committed.at(Labels::FromStrings({"__name__", "up", "job", "api"}));
  ASSERT_EQ(up.size(), 2u);
  EXPECT_EQ(up[1].t, 2000);
  EXPECT_EQ(up[1].v, 0);
  EXPECT_EQ(committed.at(Labels::FromStrings({"__name__", "temp", "room", "a"}))[0].v, 21.5);
  EXPECT_EQ(storage_.stats().commits, 1);
}

TEST_F(RemoteWriteIngesterTest, SecondRequestAppendsWithCachedRefsAndNoLabels) {
  ASSERT_TRUE(ingester_.Ingest(internal::BuildNodeExporterWriteRequest(100, 1, 1000)).ok());
  EXPECT_EQ(storage_.stats().appends_with_labels, 100);
  EXPECT_EQ(ingester_.hint_cache().size(), 100u);

  Result<WriteOutcome> r = ingester_.Ingest(internal::BuildNodeExporterWriteRequest(100, 1, 16000));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->samples_accepted, 100);
  EXPECT_EQ(storage_.stats().appends_with_hint_only, 100);
  EXPECT_EQ(storage_.stats().appends_with_labels, 100);
  EXPECT_EQ(storage_.stats().series_created, 100);
  EXPECT_EQ(storage_.Committed().at(internal::NodeExporterSeries(7)).size(), 2u);
  EXPECT_TRUE(MetricsContain(
      R"(osprey_ingest_hint_cache_lookups_total{protocol="remote_write",result="hit"} 100)"));
  EXPECT_TRUE(MetricsContain(
      R"(osprey_ingest_hint_cache_lookups_total{protocol="remote_write",result="miss"} 100)"));
}

TEST_F(RemoteWriteIngesterTest, StaleHintFallsBackToFullLabels) {
  const Labels up = Labels::FromStrings({"__name__", "up", "job", "api"});
  WriteRequestEncoder first;
  first.AddSeries(up, std::vector<Sample>{{.t = 1000, .v = 1}});
  ASSERT_TRUE(Ingest(first).ok());
  storage_.DropSeries(up);

  WriteRequestEncoder second;
  second.AddSeries(up, std::vector<Sample>{{.t = 2000, .v = 2}, {.t = 3000, .v = 3}});
  Result<WriteOutcome> r = Ingest(second);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->samples_accepted, 2);
  EXPECT_EQ(r->samples_rejected, 0);
  EXPECT_EQ(storage_.stats().series_created, 2);
  EXPECT_EQ(storage_.Committed().at(up).size(), 2u);

  // The new ref is cached: the third request uses it.
  WriteRequestEncoder third;
  third.AddSeries(up, std::vector<Sample>{{.t = 4000, .v = 4}});
  const int64_t hinted_before = storage_.stats().appends_with_hint_only;
  ASSERT_TRUE(Ingest(third).ok());
  EXPECT_EQ(storage_.stats().appends_with_hint_only, hinted_before + 1);
  EXPECT_EQ(storage_.Committed().at(up).size(), 3u);
}

struct InvalidSeriesCase {
  std::string name;
  std::vector<LabelView> labels;
  std::string reason;
  std::string first_error;
};

TEST(RemoteWriteIngesterValidationTest, RejectsInvalidSeriesAndKeepsTheOthers) {
  const std::string long_value(11, 'v');
  const std::vector<InvalidSeriesCase> cases = {
      {"unsorted",
       {{"__name__", "up"}, {"job", "a"}, {"instance", "b"}},
       "invalid_labels",
       R"(series {__name__="up", job="a", instance="b"}: labels are not sorted: "job" before "instance")"},
      {"duplicate",
       {{"__name__", "up"}, {"job", "a"}, {"job", "b"}},
       "invalid_labels",
       R"(series {__name__="up", job="a", job="b"}: duplicate label name "job")"},
      {"no metric name",
       {{"job", "a"}},
       "invalid_labels",
       R"(series {job="a"}: missing metric name (__name__ label))"},
      {"empty metric name",
       {{"__name__", ""}, {"job", "a"}},
       "invalid_labels",
       R"(series {__name__="", job="a"}: missing metric name (__name__ label))"},
      {"bad metric name",
       {{"__name__", "1up"}},
       "invalid_labels",
       R"(series {__name__="1up"}: invalid metric name "1up")"},
      {"bad label name",
       {{"__name__", "up"}, {"a-b", "x"}},
       "invalid_labels",
       R"(series {__name__="up", a-b="x"}: invalid label name "a-b")"},
      {"bad UTF-8",
       {{"__name__", "up"}, {"job", "\xc3\x28"}},
       "invalid_labels",
       "series {__name__=\"up\", job=\"\xc3\x28\"}: invalid UTF-8 in the value of label \"job\""},
      {"value too long",
       {{"__name__", "up"}, {"job", long_value}},
       "label_limit_exceeded",
       R"(series {__name__="up", job="vvvvvvvvvvv"}: value of label "job" is longer than 10 bytes)"},
  };
  for (const InvalidSeriesCase& c : cases) {
    SCOPED_TRACE(c.name);
    metrics::Registry registry;
    IngestMetrics metrics(registry);
    FakeAppendable storage;
    RemoteWriteIngester ingester(storage, metrics, {.limits = {.max_label_value_length = 10}});
    WriteRequestEncoder enc;
    enc.AddSeries({{"__name__", "good"}}, {{.t = 1, .v = 1}});
    enc.AddSeries(c.labels, std::vector<Sample>{{.t = 1, .v = 1}, {.t = 2, .v = 2}});
    enc.AddSeries({{"__name__", "good2"}}, {{.t = 1, .v = 1}});
    Result<WriteOutcome> r = ingester.Ingest(enc.bytes());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->samples_accepted, 2);
    EXPECT_EQ(r->samples_rejected, 2);
    EXPECT_EQ(r->rejected_by_reason, (std::map<std::string, int64_t, std::less<>>{{c.reason, 2}}));
    EXPECT_EQ(r->first_error, c.first_error);
    EXPECT_EQ(r->Classify(), RequestOutcome::kRejected);
    EXPECT_EQ(storage.Committed().size(), 2u);
    // Invalid series are never cached, so they are checked again next time.
    EXPECT_EQ(ingester.hint_cache().size(), 2u);
  }
}

TEST_F(RemoteWriteIngesterTest, CountsStorageRejectionsByCodeAndNamesTheSeries) {
  WriteRequestEncoder enc;
  enc.AddSeries(
      {{"__name__", "up"}, {"job", "a"}},
      {{.t = 2000, .v = 1}, {.t = 1000, .v = 1}, {.t = 2000, .v = 5}, {.t = 3000, .v = 1}});
  Result<WriteOutcome> r = Ingest(enc);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->samples_accepted, 2);
  EXPECT_EQ(r->samples_rejected, 2);
  EXPECT_EQ(r->rejected_by_reason, (std::map<std::string, int64_t, std::less<>>{
                                       {"already_exists", 1}, {"out_of_bounds", 1}}));
  EXPECT_EQ(r->first_error, R"(series {__name__="up", job="a"}: out of order sample)");

  // The same on the cached-ref path.
  Result<WriteOutcome> again = Ingest(enc);
  ASSERT_TRUE(again.ok());
  // Only the resent last sample (same timestamp, same value) is accepted.
  EXPECT_EQ(again->samples_accepted, 1);
  EXPECT_EQ(again->samples_rejected, 3);
  EXPECT_EQ(again->first_error, R"(series {__name__="up", job="a"}: out of order sample)");
  EXPECT_TRUE(MetricsContain(
      R"(osprey_ingest_samples_rejected_total{protocol="remote_write",reason="out_of_bounds"} 4)"));
}

TEST_F(RemoteWriteIngesterTest, RejectsNativeHistogramsButKeepsTheFloatSamples) {
  // TimeSeries{labels: [__name__="h"], samples: [{1, 1}], histograms: [{}]}.
  std::string label, sample, series, request;
  internal::AppendBytesField(label, 1, "__name__");
  internal::AppendBytesField(label, 2, "h");
  internal::AppendTag(sample, 1, internal::kWireFixed64);
  internal::AppendFixed64(sample, std::bit_cast<uint64_t>(1.0));
  internal::AppendTag(sample, 2, internal::kWireVarint);
  internal::AppendVarint(sample, 1);
  internal::AppendBytesField(series, 1, label);
  internal::AppendBytesField(series, 2, sample);
  internal::AppendBytesField(series, 4, "");
  internal::AppendBytesField(request, 1, series);

  Result<WriteOutcome> r = ingester_.Ingest(request);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->samples_accepted, 1);
  EXPECT_EQ(r->samples_rejected, 1);
  EXPECT_EQ(r->rejected_by_reason.at("histograms_unsupported"), 1);
  EXPECT_EQ(r->first_error, R"(series {__name__="h"}: native histograms are not supported)");
}

TEST_F(RemoteWriteIngesterTest, MalformedRequestKeepsNothing) {
  WriteRequestEncoder enc;
  enc.AddSeries({{"__name__", "up"}}, {{.t = 1, .v = 1}});
  const std::string request = enc.bytes() + std::string("\x0a\x09", 2);
  Result<WriteOutcome> r = ingester_.Ingest(request);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(storage_.Committed().empty());
  EXPECT_EQ(storage_.stats().rollbacks, 1);
  EXPECT_EQ(storage_.stats().commits, 0);
  EXPECT_TRUE(MetricsContain(
      R"(osprey_ingest_requests_total{protocol="remote_write",outcome="malformed"} 1)"));
}

TEST_F(RemoteWriteIngesterTest, FailedCommitReportsEverySampleAsNotKept) {
  storage_.FailCommits(UnavailableError("disk full"));
  Result<WriteOutcome> r = ingester_.Ingest(internal::BuildNodeExporterWriteRequest(10, 2, 0));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->Classify(), RequestOutcome::kCommitFailed);
  EXPECT_EQ(r->commit_status, UnavailableError("disk full"));
  EXPECT_EQ(r->samples_accepted, 0);
  EXPECT_EQ(r->samples_rejected, 20);
  EXPECT_EQ(r->rejected_by_reason.at("commit_failed"), 20);
  EXPECT_TRUE(MetricsContain(
      R"(osprey_ingest_requests_total{protocol="remote_write",outcome="commit_failed"} 1)"));
}

TEST_F(RemoteWriteIngesterTest, CountsRequestsAndSamplesInMetrics) {
  ASSERT_TRUE(ingester_.Ingest(internal::BuildNodeExporterWriteRequest(20, 3, 0)).ok());
  ASSERT_TRUE(ingester_.Ingest(internal::BuildNodeExporterWriteRequest(20, 3, 100000)).ok());
  WriteRequestEncoder bad;
  bad.AddSeries({{"job", "no metric name"}}, {{.t = 1, .v = 1}});
  ASSERT_TRUE(Ingest(bad).ok());
  EXPECT_TRUE(MetricsContain(
      R"(osprey_ingest_requests_total{protocol="remote_write",outcome="success"} 2)"));
  EXPECT_TRUE(MetricsContain(
      R"(osprey_ingest_requests_total{protocol="remote_write",outcome="rejected"} 1)"));
  EXPECT_TRUE(
      MetricsContain(R"(osprey_ingest_samples_received_total{protocol="remote_write"} 121)"));
  EXPECT_TRUE(MetricsContain(
      R"(osprey_ingest_samples_rejected_total{protocol="remote_write",reason="invalid_labels"} 1)"));
}

TEST_F(RemoteWriteIngesterTest, DropsLabelsWithEmptyValues) {
  WriteRequestEncoder enc;
  enc.AddSeries({{"__name__", "up"}, {"empty", ""}, {"job", "a"}}, {{.t = 1, .v = 1}});
  ASSERT_TRUE(Ingest(enc).ok());
  EXPECT_EQ(storage_.Committed().count(Labels::FromStrings({"__name__", "up", "job", "a"})), 1u);
}

TEST_F(RemoteWriteIngesterTest, SeriesWithoutSamplesIsIgnored) {
  WriteRequestEncoder enc;
  enc.AddSeries({{"job", "no name, but no samples either"}}, {});
  Result<WriteOutcome> r = Ingest(enc);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->Classify(), RequestOutcome::kSuccess);
  EXPECT_EQ(r->samples_accepted + r->samples_rejected, 0);
}

TEST_F(RemoteWriteIngesterTest, ConcurrentRequestsAreAllApplied) {
  constexpr int kThreads = 4;
  constexpr int kRequests = 20;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < kRequests; ++i) {
        // Each thread writes its own 50 series, in timestamp order.
        WriteRequestEncoder enc;
        for (int s = 0; s < 50; ++s) {
          enc.AddSeries(internal::NodeExporterSeries(t * 1000 + s),
                        std::vector<Sample>{{.t = i * 15000, .v = double(i)}});
        }
        Result<WriteOutcome> r = ingester_.Ingest(enc.bytes());
        EXPECT_TRUE(r.ok());
        if (r.ok()) {
          EXPECT_EQ(r->samples_accepted, 50);
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const auto committed = storage_.Committed();
  EXPECT_EQ(committed.size(), size_t{kThreads * 50});
  for (const auto& [labels, samples] : committed) EXPECT_EQ(samples.size(), size_t{kRequests});
  EXPECT_EQ(storage_.stats().series_created, kThreads * 50);
}

}  // namespace
}  // namespace osprey::ingest
