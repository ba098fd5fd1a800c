// Head::Truncate (data drop, series collection, WAL checkpoint) and Head::Delete.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <climits>
#include <map>
#include <thread>

#include "testing/temp_dir.h"
#include "tsdb/head/head.h"
#include "tsdb/wal/checkpoint.h"

namespace osprey::tsdb {
namespace {

using model::Labels;
using ::testing::ElementsAre;
using ::testing::SizeIs;

constexpr int64_t kRange = 1000;

model::Matcher All() {
  return model::Matcher::MustCreate(model::MatchType::kRegexMatch, "__name__", ".*");
}
model::Matcher Job(std::string v) {
  return model::Matcher::MustCreate(model::MatchType::kEqual, "job", std::move(v));
}
Labels Series(std::string_view job) { return Labels::FromStrings({"__name__", "up", "job", job}); }
std::string SeriesName(int i) {
  std::string s = "s";
  s += std::to_string(i);
  return s;
}

class HeadTruncateTest : public ::testing::Test {
 protected:
  void Open(int64_t min_valid_time = model::kMinTimestamp) {
    head_.reset();
    registry_ = std::make_unique<metrics::Registry>();
    HeadOptions o;
    o.dir = dir_.Join("head");
    o.chunk_range_ms = kRange;
    o.samples_per_chunk = 4;
    o.min_valid_time = min_valid_time;
    auto head = Head::Open(fs_, o, *registry_,
                           Logger(LogLevel::kError, LogFormat::kLogfmt, [](std::string_view) {}));
    ASSERT_TRUE(head.ok()) << head.status().ToString();
    head_ = std::move(head).value();
  }

  void Append(const Labels& l, int64_t from, int64_t to) {
    auto app = head_->NewAppender();
    for (int64_t t = from; t <= to; t += 100) {
      ASSERT_TRUE(app->Append(storage::kNoRef, l, {.t = t, .v = 1}).ok()) << t;
    }
    ASSERT_TRUE(app->Commit().ok());
  }

  // job -> timestamps.
  std::map<std::string, std::vector<int64_t>> Read(model::Matcher m = All()) {
    std::map<std::string, std::vector<int64_t>> out;
    auto q = head_->NewQuerier({});
    const model::Matcher ms[] = {m};
    auto set = (*q)->Select({}, ms);
    while (set->Next()) {
      auto& ts = out[std::string(set->At().labels().Get("job"))];
      auto it = set->At().Iterator();
      while (it->Next()) ts.push_back(it->At().t);
    }
    return out;
  }

  testing::TempDir dir_;
  PosixFileSystem fs_;
  std::unique_ptr<metrics::Registry> registry_;
  std::unique_ptr<Head> head_;
};

TEST_F(HeadTruncateTest, DropsOldDataCollectsEmptySeriesAndCheckpointsTheWal) {
  Open();
  {
    auto app = head_->NewAppender();
    for (int64_t t = 0; t <= 900; t += 100) {
      ASSERT_TRUE(app->Append(storage::kNoRef, Series("old"), {.t = t, .v = 1}).ok());
      ASSERT_TRUE(app->Append(storage::kNoRef, Series("live"), {.t = t, .v = 1}).ok());
    }
    ASSERT_TRUE(app->Commit().ok());
  }
  Append(Series("live"), 1000, 2500);
  ASSERT_EQ(head_->NumSeries(), 2u);

  ASSERT_TRUE(head_->Truncate(1000).ok());
  EXPECT_EQ(head_->NumSeries(), 1u);
  EXPECT_EQ(head_->MinTime(), 1000);
  auto data = Read();
  ASSERT_THAT(data, SizeIs(1));
  EXPECT_EQ(data["live"].front(), 1000);
  EXPECT_THAT(data["live"], SizeIs(16));
  auto q = head_->NewQuerier({});
  auto values = (*q)->LabelValues("job", {});
  ASSERT_TRUE(values.ok());
  EXPECT_THAT(*values, ElementsAre("live"));
  q->reset();
  {
    // Nothing may be added before the truncation point any more.
    auto late = head_->NewAppender();
    EXPECT_EQ(late->Append(storage::kNoRef, Series("old"), {.t = 999, .v = 1}).status().code(),
              StatusCode::kOutOfBounds);
    late->Rollback();
  }
  EXPECT_TRUE(LastCheckpoint(fs_, dir_.Join("head/wal")).ok());

  Open(/*min_valid_time=*/1000);
  EXPECT_EQ(head_->NumSeries(), 1u);
  EXPECT_EQ(Read(), data);
}

TEST_F(HeadTruncateTest, WalRetentionKeepsSegmentsAReaderStillNeeds) {
  Open();
  Append(Series("a"), 0, 900);
  const int first = head_->wal().Segments().first;
  int keep = first;  // a WAL reader (remote_write) has not read past the first segment
  head_->SetWalRetention([&keep] { return keep; });
  Append(Series("a"), 1000, 2500);
  ASSERT_TRUE(head_->Truncate(1000).ok());
  auto checkpoint = LastCheckpoint(fs_, dir_.Join("head/wal"));
  ASSERT_TRUE(checkpoint.ok());
  EXPECT_EQ(head_->wal().Segments().first, first);  // checkpointed, yet kept
  const auto data = Read();

  keep = INT_MAX;  // read everything: the next checkpoint deletes what it covers
  Append(Series("a"), 2600, 3500);
  ASSERT_TRUE(head_->Truncate(2000).ok());
  EXPECT_GT(head_->wal().Segments().first, checkpoint->index);
  head_->SetWalRetention(nullptr);

  Open(/*min_valid_time=*/2000);
  EXPECT_EQ(Read()["a"].front(), 2000);
  EXPECT_EQ(data.at("a").front(), 1000);
}

TEST_F(HeadTruncateTest, DeleteHidesSamplesAndSurvivesReopen) {
  Open();
  Append(Series("a"), 0, 1900);
  Append(Series("b"), 2000, 2000);
  const model::Matcher a[] = {Job("a")};
  ASSERT_TRUE(head_->Delete(a, {300, 1500}).ok());
  std::vector<int64_t> want = {0, 100, 200, 1600, 1700, 1800, 1900};
  EXPECT_EQ(Read()["a"], want);
  Open();
  EXPECT_EQ(Read()["a"], want);
  // Truncation keeps the tombstones that still matter, also through the checkpoint.
  ASSERT_TRUE(head_->Truncate(1000).ok());
  EXPECT_EQ(Read()["a"], (std::vector<int64_t>{1600, 1700, 1800, 1900}));
  Open(1000);
  EXPECT_EQ(Read()["a"], (std::vector<int64_t>{1600, 1700, 1800, 1900}));
}

// Regression: the second series' samples were dropped at commit (and at replay) once the
// first series' samples had moved the head's newest time more than half a range ahead.
TEST_F(HeadTruncateTest, OneBatchIsJudgedByTheMinValidTimeAtItsStart) {
  Open();
  {
    auto app = head_->NewAppender();
    for (const char* job : {"a", "b"}) {
      for (int64_t t = 0; t <= 3000; t += 100) {
        ASSERT_TRUE(app->Append(storage::kNoRef, Series(job), {.t = t, .v = 1}).ok());
      }
    }
    ASSERT_TRUE(app->Commit().ok());
  }
  EXPECT_THAT(Read()["b"], SizeIs(31));
  Open();
  EXPECT_THAT(Read()["b"], SizeIs(31));
}

// Appenders use cached refs of series that truncation collects meanwhile: every
// acknowledged sample at or after the last truncation point must stay readable, and
// nothing may touch a freed series (ASan).
TEST_F(HeadTruncateTest, AppendersRacingWithSeriesCollectionLoseNothing) {
  Open();
  constexpr int64_t kEnd = 20'000;
  constexpr int kSeries = 8;
  std::atomic<int64_t> acked{-1};
  std::atomic<bool> done{false};
  std::map<std::string, std::vector<int64_t>> written;
  auto write_all = [&] {
    std::vector<storage::SeriesRef> refs(kSeries, storage::kNoRef);
    for (int64_t t = 0; t <= kEnd; t += 10) {
      auto app = head_->NewAppender();
      for (int i = 0; i < kSeries; ++i) {
        // Series i gets a sample only every (i + 1) * 70 ms, so it is often empty after a
        // truncation and gets collected while its cached ref is in use.
        if ((t / 10) % ((i + 1) * 7) != 0) continue;
        const Labels l = Series(SeriesName(i));
        auto r = app->Append(refs[i], {}, {.t = t, .v = 1});
        if (!r.ok() && r.status().code() == StatusCode::kNotFound) {
          r = app->Append(storage::kNoRef, l, {.t = t, .v = 1});
        }
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        refs[i] = *r;
        written[SeriesName(i)].push_back(t);
      }
      ASSERT_TRUE(app->Commit().ok());
      acked.store(t);
    }
  };
  std::thread writer([&] {
    write_all();
    done.store(true);
  });
  int64_t truncated = 0;
  while (!done.load()) {
    // Half a range behind the newest sample, like the Db's persisted ranges.
    const int64_t newest = acked.load();
    if (newest < kRange) continue;
    const int64_t m = (newest - kRange / 2) / kRange * kRange;
    if (m <= truncated) continue;
    ASSERT_TRUE(head_->Truncate(m).ok());
    truncated = m;
  }
  writer.join();
  auto data = Read();
  for (auto& [job, ts] : written) {
    std::vector<int64_t> want;
    for (int64_t t : ts) {
      if (t >= truncated) want.push_back(t);
    }
    EXPECT_EQ(data[job], want) << job;
  }
}

}  // namespace
}  // namespace osprey::tsdb
