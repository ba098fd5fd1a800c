#include "remote/queue_manager.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ingest/relabel.h"
#include "metrics/registry.h"
#include "remote/internal/fake_receiver.h"
#include "testing/mem_file_system.h"
#include "tsdb/wal/records.h"
#include "tsdb/wal/wal.h"

namespace osprey::remote {
namespace {

using internal::FakeReceiver;
using model::Labels;

Logger QuietLogger() {
  return Logger(LogLevel::kError, LogFormat::kLogfmt, [](std::string_view) {});
}

class QueueManagerTest : public ::testing::Test {
 protected:
  QueueManagerTest() {
    auto wal = tsdb::Wal::Open(fs_, "data/wal", tsdb::WalOptions{}, wal_registry_, QuietLogger());
    OSPREY_CHECK(wal.ok()) << wal.status().ToString();
    wal_ = std::move(wal).value();
  }

  QueueOptions Options() {
    QueueOptions o;
    o.config.url = receiver_.url();
    o.config.queue_config.batch_send_deadline = model::Duration::Millis(20);
    o.config.queue_config.min_backoff = model::Duration::Millis(1);
    o.config.queue_config.max_backoff = model::Duration::Millis(5);
    o.config.remote_timeout = model::Duration::Seconds(10);
    o.name = "test";
    o.state_dir = "data/remote_write/test";
    o.wal_dir = "data/wal";
    o.current_segment = [this] { return wal_->Segments().second; };
    o.poll_interval = std::chrono::milliseconds(5);
    o.position_save_interval = std::chrono::milliseconds(0);
    return o;
  }

  std::unique_ptr<QueueManager> StartQueue(QueueOptions o) {
    auto q = QueueManager::Start(fs_, std::move(o), families_, QuietLogger());
    OSPREY_CHECK(q.ok()) << q.status().ToString();
    return std::move(q).value();
  }

  void LogSeries(storage::SeriesRef ref, const Labels& labels) {
    std::string rec;
    tsdb::EncodeSeries(std::vector<tsdb::RefSeries>{{ref, labels}}, rec);
    ASSERT_TRUE(wal_->Log(rec).ok());
  }
  // One record: a sample per ref in `refs` at time t with value v.
  void LogSamples(std::vector<storage::SeriesRef> refs, int64_t t, double v) {
    std::vector<tsdb::RefSample> samples;
    for (storage::SeriesRef r : refs) samples.push_back({r, t, v});
    std::string rec;
    tsdb::EncodeSamples(samples, rec);
    ASSERT_TRUE(wal_->Log(rec).ok());
  }

  double Metric(std::string_view line_prefix) {
    const std::string text = registry_.ExpositionText();
    size_t pos = text.find(line_prefix);
    if (pos == std::string::npos) return NAN;
    return std::stod(text.substr(pos + line_prefix.size() + 1));
  }

  testing::MemFileSystem fs_;
  metrics::Registry wal_registry_;
  metrics::Registry registry_;
  RemoteMetricFamilies families_{registry_};
  std::unique_ptr<tsdb::Wal> wal_;
  FakeReceiver receiver_;
};

const Labels kUp = Labels::FromStrings({"__name__", "up", "job", "api"});
const Labels kTemp = Labels::FromStrings({"__name__", "temp", "room", "a"});

TEST_F(QueueManagerTest, SendsBatchesOfAtMostMaxSamplesPerSendWithRemoteWriteHeaders) {
  QueueOptions o = Options();
  o.config.queue_config.max_samples_per_send = 3;
  auto q = StartQueue(o);
  LogSeries(1, kUp);
  LogSeries(2, kTemp);
  for (int i = 0; i < 5; ++i) LogSamples({1, 2}, 1000 * (i + 1), i);
  ASSERT_TRUE(receiver_.WaitForAccepted(10));
  q->Stop(std::chrono::seconds(5));

  const auto requests = receiver_.Requests();
  ASSERT_GE(requests.size(), 4u);
  std::map<std::string, std::vector<model::Sample>> got;
  for (const auto& r : requests) {
    EXPECT_LE(r.SampleCount(), 3u);
    EXPECT_EQ(r.Header("Content-Encoding"), "snappy");
    EXPECT_EQ(r.Header("Content-Type"), "application/x-protobuf");
    EXPECT_EQ(r.Header("X-Prometheus-Remote-Write-Version"), "0.1.0");
    EXPECT_EQ(r.Header("User-Agent"), "Osprey");
    for (const auto& s : r.series) {
      for (const auto& x : s.samples) got[s.labels.ToString()].push_back(x);
    }
  }
  ASSERT_EQ(got.size(), 2u);
  const auto& up = got[kUp.ToString()];
  ASSERT_EQ(up.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(up[i].t, 1000 * (i + 1));  // in order per series
    EXPECT_EQ(up[i].v, i);
  }
  EXPECT_EQ(Metric("osprey_remote_storage_samples_total{remote_name=\"test\",url=\"" +
                   receiver_.url() + "\"}"),
            10);
  EXPECT_EQ(Metric("osprey_remote_storage_queue_highest_sent_timestamp_seconds{remote_name="
                   "\"test\",url=\"" +
                   receiver_.url() + "\"}"),
            5);
}

TEST_F(QueueManagerTest, NewQueueStartsAtTheEndOfTheWal) {
  LogSeries(1, kUp);
  LogSamples({1}, 1000, 1);
  auto q = StartQueue(Options());
  LogSamples({1}, 2000, 2);
  ASSERT_TRUE(receiver_.WaitForAccepted(1));
  q->Stop(std::chrono::seconds(5));
  const auto accepted = receiver_.Accepted();
  ASSERT_EQ(accepted.size(), 1u);
  EXPECT_EQ(accepted[0].first, kUp);  // the series record before the start resolves the ref
  EXPECT_EQ(accepted[0].second.t, 2000);
}

TEST_F(QueueManagerTest, NewQueueWithStartAfterSendsWhatFollowsItUnlessAPositionWasSaved) {
  LogSeries(1, kUp);
  LogSamples({1}, 1000, 1);
  auto next = wal_->NextSegment();
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  LogSamples({1}, 2000, 2);  // after the mark, before the queue starts
  QueueOptions o = Options();
  o.start_after = KeyBefore(*next, 0);
  {
    auto q = StartQueue(o);
    // Saved at once: a crash now would not lose the samples after the mark.
    EXPECT_TRUE(ReadPositionFile(fs_, o.state_dir).ok());
    LogSamples({1}, 3000, 3);
    ASSERT_TRUE(receiver_.WaitForAccepted(2));
    q->Stop(std::chrono::seconds(5));
  }
  // A saved position wins over start_after.
  LogSamples({1}, 4000, 4);
  o.start_after = kBeforeWal;
  auto q = StartQueue(o);
  ASSERT_TRUE(receiver_.WaitForAccepted(3));
  q->Stop(std::chrono::seconds(5));
  std::vector<int64_t> times;
  for (const auto& [labels, sample] : receiver_.Accepted()) times.push_back(sample.t);
  EXPECT_EQ(times, (std::vector<int64_t>{2000, 3000, 4000}));
}

TEST_F(QueueManagerTest, RetriesServerErrorsWithBackoffUntilAccepted) {
  receiver_.Script({500, 503, 500});
  auto q = StartQueue(Options());
  LogSeries(1, kUp);
  LogSamples({1}, 1000, 1);
  ASSERT_TRUE(receiver_.WaitForAccepted(1));
  q->Stop(std::chrono::seconds(5));
  const auto requests = receiver_.Requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[3].status, 204);
  EXPECT_EQ(receiver_.Accepted().size(), 1u);
  EXPECT_EQ(Metric("osprey_remote_storage_samples_retried_total{remote_name=\"test\",url=\"" +
                   receiver_.url() + "\"}"),
            3);
}

TEST_F(QueueManagerTest, DropsBatchOnClientErrorAndCarriesOn) {
  receiver_.Script({400});
  auto q = StartQueue(Options());
  LogSeries(1, kUp);
  LogSamples({1}, 1000, 1);
  ASSERT_TRUE(receiver_.WaitForRequests(1));
  LogSamples({1}, 2000, 2);
  ASSERT_TRUE(receiver_.WaitForAccepted(1));
  q->Stop(std::chrono::seconds(5));
  const auto requests = receiver_.Requests();
  ASSERT_EQ(requests.size(), 2u);  // the 400 was not retried
  EXPECT_EQ(receiver_.Accepted()[0].second.t, 2000);
  EXPECT_EQ(Metric("osprey_remote_storage_samples_failed_total{remote_name=\"test\",url=\"" +
                   receiver_.url() + "\"}"),
            1);
}

TEST_F(QueueManagerTest, Http429IsDroppedUnlessRetryOnHttp429) {
  receiver_.Script({429});
  {
    auto q = StartQueue(Options());
    LogSeries(1, kUp);
    LogSamples({1}, 1000, 1);
    ASSERT_TRUE(receiver_.WaitForRequests(1));
    q->Stop(std::chrono::seconds(5));
  }
  EXPECT_EQ(receiver_.Accepted().size(), 0u);
  receiver_.Script({429, 429});
  QueueOptions o = Options();
  o.config.queue_config.retry_on_http_429 = true;
  auto q = StartQueue(o);
  LogSamples({1}, 2000, 2);
  ASSERT_TRUE(receiver_.WaitForAccepted(1));
  q->Stop(std::chrono::seconds(5));
  EXPECT_EQ(receiver_.Requests().size(), 4u);
  EXPECT_EQ(receiver_.Accepted()[0].second.t, 2000);
}

TEST_F(QueueManagerTest, AppliesExternalLabelsThenWriteRelabelConfigs) {
  QueueOptions o = Options();
  config::RelabelConfig drop;
  drop.source_labels = {"__name__"};
  drop.regex = "temp";
  drop.action = config::RelabelAction::kDrop;
  o.config.write_relabel_configs = {drop};
  o.external_labels = {{"region", "eu"}, {"job", "ignored: the series has one"}};
  auto q = StartQueue(o);
  LogSeries(1, kUp);
  LogSeries(2, kTemp);
  LogSamples({1, 2}, 1000, 1);
  LogSamples({1, 2}, 2000, 2);
  ASSERT_TRUE(receiver_.WaitForAccepted(2));
  q->Stop(std::chrono::seconds(5));
  const auto accepted = receiver_.Accepted();
  ASSERT_EQ(accepted.size(), 2u);
  EXPECT_EQ(accepted[0].first,
            Labels::FromStrings({"__name__", "up", "job", "api", "region", "eu"}));
  EXPECT_EQ(Metric("osprey_remote_storage_samples_dropped_total{remote_name="
                   "\"test\",url=\"" +
                   receiver_.url() + "\",reason=\"relabel\"}"),
            2);
}

TEST_F(QueueManagerTest, StopFlushesWhatIsQueued) {
  QueueOptions o = Options();
  o.config.queue_config.batch_send_deadline = model::Duration::Hours(1);
  auto q = StartQueue(o);
  LogSeries(1, kUp);
  LogSamples({1}, 1000, 1);
  LogSamples({1}, 2000, 2);
  const std::string pending =
      "osprey_remote_storage_samples_pending{remote_name=\"test\",url=\"" + receiver_.url() + "\"}";
  ASSERT_TRUE(receiver_.WaitFor([&] { return Metric(pending) == 2; }));
  EXPECT_EQ(receiver_.Requests().size(), 0u);  // waiting for a full batch or the deadline
  q->Stop(std::chrono::seconds(5));
  EXPECT_EQ(receiver_.Accepted().size(), 2u);
  EXPECT_EQ(Metric(pending), 0);
}

TEST_F(QueueManagerTest, ResumesAfterRestartWithoutDuplicatesOrGaps) {
  QueueOptions o = Options();
  o.config.queue_config.min_shards = 3;  // positions are kept per shard
  o.config.queue_config.max_samples_per_send = 4;
  std::vector<storage::SeriesRef> refs;
  for (storage::SeriesRef r = 1; r <= 7; ++r) refs.push_back(r);
  int64_t t = 0;
  size_t expected = 0;
  {
    auto q = StartQueue(o);
    for (storage::SeriesRef r : refs) {
      LogSeries(r, Labels::FromStrings({"__name__", "m", "i", std::to_string(r)}));
    }
    for (int i = 0; i < 5; ++i) LogSamples(refs, t += 1000, i);
    expected += 35;
    ASSERT_TRUE(receiver_.WaitForAccepted(expected));
    q->Stop(std::chrono::seconds(5));
  }
  // Written while the queue is down (Osprey restarting, or the remote unreachable).
  for (int i = 0; i < 3; ++i) LogSamples(refs, t += 1000, i);
  expected += 21;
  // The remote fails a while after the restart: retried, not lost.
  receiver_.Script({500, 502});
  {
    auto q = StartQueue(o);
    for (int i = 0; i < 2; ++i) LogSamples(refs, t += 1000, i);
    expected += 14;
    ASSERT_TRUE(receiver_.WaitForAccepted(expected));
    q->Stop(std::chrono::seconds(5));
  }
  // A restart with nothing new sends nothing.
  {
    auto q = StartQueue(o);
    q->Stop(std::chrono::seconds(5));
  }
  const auto accepted = receiver_.Accepted();
  ASSERT_EQ(accepted.size(), expected);
  std::map<std::string, std::vector<int64_t>> times;
  for (const auto& [labels, sample] : accepted) times[labels.ToString()].push_back(sample.t);
  ASSERT_EQ(times.size(), refs.size());
  for (const auto& [series, ts] : times) {
    SCOPED_TRACE(series);
    ASSERT_EQ(ts.size(), 10u);
    for (size_t i = 0; i < ts.size(); ++i) EXPECT_EQ(ts[i], 1000 * static_cast<int64_t>(i + 1));
  }
}

TEST_F(QueueManagerTest, SamplesGivenUpAtStopAreSentAfterRestart) {
  receiver_.AlwaysAnswer(500);
  {
    auto q = StartQueue(Options());
    LogSeries(1, kUp);
    LogSamples({1}, 1000, 1);
    LogSamples({1}, 2000, 2);
    ASSERT_TRUE(receiver_.WaitForRequests(2));  // failing and retrying
    q->Stop(std::chrono::milliseconds(0));
  }
  receiver_.AlwaysAnswer(0);
  auto q = StartQueue(Options());
  ASSERT_TRUE(receiver_.WaitForAccepted(2));
  q->Stop(std::chrono::seconds(5));
  const auto accepted = receiver_.Accepted();
  ASSERT_EQ(accepted.size(), 2u);
  EXPECT_EQ(accepted[0].second.t, 1000);
  EXPECT_EQ(accepted[1].second.t, 2000);
}

TEST_F(QueueManagerTest, HoldsBackSegmentsNotYetSent) {
  receiver_.AlwaysAnswer(503);
  auto q = StartQueue(Options());
  LogSeries(1, kUp);
  LogSamples({1}, 1000, 1);
  ASSERT_TRUE(receiver_.WaitForRequests(2));  // failing and retrying
  const int first = wal_->Segments().second;
  ASSERT_TRUE(wal_->NextSegment().ok());
  ASSERT_TRUE(wal_->NextSegment().ok());
  EXPECT_EQ(q->MinSegmentNeeded(), first);
  receiver_.AlwaysAnswer(0);
  ASSERT_TRUE(receiver_.WaitForAccepted(1));
  LogSamples({1}, 2000, 2);  // in the newest segment
  ASSERT_TRUE(receiver_.WaitForAccepted(2));
  ASSERT_TRUE(receiver_.WaitFor([&] { return q->MinSegmentNeeded() == first + 2; }));
  q->Stop(std::chrono::seconds(5));
}

TEST_F(QueueManagerTest, BacklogCapDropsAndCountsWhatADeadRemoteWouldKeep) {
  receiver_.AlwaysAnswer(500);
  QueueOptions o = Options();
  o.max_backlog_bytes = 1;  // any closed segment is too much
  o.config.queue_config.capacity = 1;
  o.config.queue_config.max_samples_per_send = 1;
  auto q = StartQueue(o);
  LogSeries(1, kUp);
  for (int i = 0; i < 5; ++i) LogSamples({1}, 1000 * (i + 1), i);
  ASSERT_TRUE(receiver_.WaitForRequests(1));
  ASSERT_TRUE(wal_->NextSegment().ok());
  LogSamples({1}, 10000, 10);
  const std::string dropped =
      "osprey_remote_storage_samples_dropped_total{remote_name=\"test\",url=\"" + receiver_.url() +
      "\",reason=\"backlog\"}";
  ASSERT_TRUE(receiver_.WaitFor([&] { return Metric(dropped) == 5; }))
      << registry_.ExpositionText();
  receiver_.AlwaysAnswer(0);
  ASSERT_TRUE(receiver_.WaitForAccepted(1));
  // The old segment is no longer pinned.
  ASSERT_TRUE(receiver_.WaitFor([&] { return q->MinSegmentNeeded() == wal_->Segments().second; }));
  q->Stop(std::chrono::seconds(5));
  ASSERT_EQ(receiver_.Accepted().size(), 1u);
  EXPECT_EQ(receiver_.Accepted()[0].second.t, 10000);
}

}  // namespace
}  // namespace osprey::remote
