#include "tsdb/head/head.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include "testing/temp_dir.h"

namespace osprey::tsdb {
namespace {

using model::Labels;
using model::Matcher;
using model::MatchType;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct Opened {
  std::unique_ptr<metrics::Registry> registry;
  std::unique_ptr<Head> head;
};

class HeadTest : public ::testing::Test {
 protected:
  Opened Open(HeadOptions options = {}) {
    options.dir = dir_.Join("head");
    Opened o;
    o.registry = std::make_unique<metrics::Registry>();
    auto head = Head::Open(fs_, options, *o.registry,
                           Logger(LogLevel::kError, LogFormat::kLogfmt, [](std::string_view) {}));
    EXPECT_TRUE(head.ok()) << head.status().ToString();
    if (head.ok()) o.head = std::move(head).value();
    return o;
  }

  static std::vector<model::Sample> Read(Head& head, const std::vector<Matcher>& ms,
                                         model::TimeRange range = {}) {
    auto q = head.NewQuerier(range);
    EXPECT_TRUE(q.ok());
    auto set = (*q)->Select({}, ms);
    std::vector<model::Sample> out;
    while (set->Next()) {
      auto it = set->At().Iterator();
      while (it->Next()) out.push_back(it->At());
      EXPECT_TRUE(it->status().ok()) << it->status().ToString();
    }
    EXPECT_TRUE(set->status().ok());
    return out;
  }

  static std::vector<std::string> SeriesOf(Head& head, const std::vector<Matcher>& ms) {
    auto q = head.NewQuerier({});
    auto set = (*q)->Select({}, ms);
    std::vector<std::string> out;
    while (set->Next()) out.push_back(set->At().labels().ToString());
    return out;
  }

  testing::TempDir dir_;
  PosixFileSystem fs_;
};

Matcher Eq(std::string n, std::string v) { return Matcher::MustCreate(MatchType::kEqual, n, v); }

const Labels kUp = Labels::FromStrings({"__name__", "up", "job", "api"});

TEST_F(HeadTest, AppendedSamplesAreReadBackAcrossChunkCuts) {
  Opened o = Open();
  auto app = o.head->NewAppender();
  storage::SeriesRef ref = storage::kNoRef;
  for (int i = 0; i < 300; ++i) {
    auto r = app->Append(ref, kUp, {.t = 1000 + i * 15000, .v = static_cast<double>(i)});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ref = *r;
  }
  ASSERT_TRUE(app->Commit().ok());
  std::vector<model::Sample> got = Read(*o.head, {Eq("job", "api")});
  ASSERT_EQ(got.size(), 300u);
  for (int i = 0; i < 300; ++i) {
    EXPECT_EQ(got[i].t, 1000 + i * 15000);
    EXPECT_EQ(got[i].v, i);
  }
  // A time range restricts the samples.
  got =
      Read(*o.head, {Eq("__name__", "up")}, {.min = 1000 + 100 * 15000, .max = 1000 + 109 * 15000});
  ASSERT_EQ(got.size(), 10u);
  EXPECT_EQ(got.front().v, 100);
  EXPECT_EQ(o.head->Stats(10).num_series, 1u);
  EXPECT_GE(o.head->Stats(10).num_chunks, 3u);  // two completed, one open
}

TEST_F(HeadTest, SamplesAreInvisibleUntilCommit) {
  Opened o = Open();
  auto app = o.head->NewAppender();
  ASSERT_TRUE(app->Append(storage::kNoRef, kUp, {.t = 1, .v = 1}).ok());
  EXPECT_TRUE(Read(*o.head, {Eq("job", "api")}).empty());
  ASSERT_TRUE(app->Commit().ok());
  EXPECT_EQ(Read(*o.head, {Eq("job", "api")}).size(), 1u);
  auto rolled = o.head->NewAppender();
  ASSERT_TRUE(rolled->Append(storage::kNoRef, kUp, {.t = 2, .v = 2}).ok());
  rolled->Rollback();
  EXPECT_EQ(Read(*o.head, {Eq("job", "api")}).size(), 1u);
}

TEST_F(HeadTest, OutOfOrderAndDuplicatesFollowPrometheus) {
  Opened o = Open();
  auto app = o.head->NewAppender();
  ASSERT_TRUE(app->Append(0, kUp, {.t = 100, .v = 1}).ok());
  ASSERT_TRUE(app->Commit().ok());
  app = o.head->NewAppender();
  auto old = app->Append(0, kUp, {.t = 50, .v = 1});
  EXPECT_EQ(old.status().code(), StatusCode::kOutOfBounds);
  EXPECT_EQ(old.status().message(), "out of order sample");
  auto dup_other = app->Append(0, kUp, {.t = 100, .v = 2});
  EXPECT_EQ(dup_other.status().code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(app->Append(0, kUp, {.t = 100, .v = 1}).ok());  // identical: ignored
  ASSERT_TRUE(app->Commit().ok());
  EXPECT_EQ(Read(*o.head, {Eq("job", "api")}).size(), 1u);
}

TEST_F(HeadTest, OutOfOrderWindowAcceptsAndMergesLateSamples) {
  Opened o = Open({.out_of_order_window_ms = 60'000});
  auto app = o.head->NewAppender();
  for (int t : {10'000, 40'000, 70'000})
    ASSERT_TRUE(app->Append(0, kUp, {.t = t, .v = 1.0 * t}).ok());
  ASSERT_TRUE(app->Commit().ok());
  app = o.head->NewAppender();
  EXPECT_TRUE(app->Append(0, kUp, {.t = 25'000, .v = 25'000}).ok());
  EXPECT_TRUE(app->Append(0, kUp, {.t = 55'000, .v = 55'000}).ok());
  EXPECT_EQ(app->Append(0, kUp, {.t = 5'000, .v = 1}).status().code(), StatusCode::kOutOfBounds);
  ASSERT_TRUE(app->Commit().ok());
  std::vector<model::Sample> got = Read(*o.head, {Eq("job", "api")});
  std::vector<int64_t> ts;
  for (auto& s : got) ts.push_back(s.t);
  EXPECT_THAT(ts, ElementsAre(10'000, 25'000, 40'000, 55'000, 70'000));
}

TEST_F(HeadTest, StaleNaNAndSpecialValuesKeepTheirBits) {
  Opened o = Open();
  auto app = o.head->NewAppender();
  ASSERT_TRUE(app->Append(0, kUp, {.t = 1, .v = model::StaleNaN()}).ok());
  ASSERT_TRUE(app->Append(0, kUp, {.t = 2, .v = std::nan("")}).ok());
  ASSERT_TRUE(app->Append(0, kUp, {.t = 3, .v = -INFINITY}).ok());
  ASSERT_TRUE(app->Commit().ok());
  std::vector<model::Sample> got = Read(*o.head, {Eq("job", "api")});
  ASSERT_EQ(got.size(), 3u);
  EXPECT_TRUE(model::IsStaleNaN(got[0].v));
  EXPECT_TRUE(std::isnan(got[1].v) && !model::IsStaleNaN(got[1].v));
  EXPECT_EQ(got[2].v, -INFINITY);
}

TEST_F(HeadTest, EverythingSurvivesReopen) {
  {
    Opened o = Open();
    auto app = o.head->NewAppender();
    for (int s = 0; s < 20; ++s) {
      Labels l = Labels::FromStrings({"__name__", "m", "i", std::to_string(s)});
      for (int i = 0; i < 250; ++i)
        ASSERT_TRUE(app->Append(0, l, {.t = i * 1000, .v = 1.0 * s * i}).ok());
    }
    ASSERT_TRUE(app->Commit().ok());
    ASSERT_TRUE(o.head->Close().ok());
  }
  Opened o = Open();
  EXPECT_EQ(o.head->NumSeries(), 20u);
  std::vector<model::Sample> got = Read(*o.head, {Eq("i", "7")});
  ASSERT_EQ(got.size(), 250u);
  EXPECT_EQ(got[249].v, 7.0 * 249);
  // Appending continues after the replayed data, and ids are not reused.
  auto app = o.head->NewAppender();
  auto ref = app->Append(0, Labels::FromStrings({"__name__", "new"}), {.t = 1, .v = 1});
  ASSERT_TRUE(ref.ok());
  EXPECT_GT(*ref, 20u);
  EXPECT_EQ(app->Append(0, Labels::FromStrings({"__name__", "m", "i", "7"}), {.t = 10, .v = 1})
                .status()
                .code(),
            StatusCode::kOutOfBounds);
  ASSERT_TRUE(app->Commit().ok());
}

TEST_F(HeadTest, SelectsWithMatchersAndListsLabels) {
  Opened o = Open();
  auto app = o.head->NewAppender();
  for (auto& l : {Labels::FromStrings({"__name__", "a", "job", "x", "env", "prod"}),
                  Labels::FromStrings({"__name__", "a", "job", "y"}),
                  Labels::FromStrings({"__name__", "b", "job", "x", "env", "dev"})}) {
    ASSERT_TRUE(app->Append(0, l, {.t = 1, .v = 1}).ok());
  }
  ASSERT_TRUE(app->Commit().ok());
  EXPECT_THAT(SeriesOf(*o.head, {Eq("job", "x")}),
              ElementsAre(R"({__name__="a", env="prod", job="x"})",
                          R"({__name__="b", env="dev", job="x"})"));
  EXPECT_THAT(SeriesOf(*o.head, {Eq("__name__", "a"), Eq("env", "")}),
              ElementsAre(R"({__name__="a", job="y"})"));
  EXPECT_THAT(SeriesOf(*o.head, {Matcher::MustCreate(MatchType::kRegexMatch, "job", "x|y"),
                                 Matcher::MustCreate(MatchType::kNotEqual, "env", "prod")}),
              ElementsAre(R"({__name__="a", job="y"})", R"({__name__="b", env="dev", job="x"})"));
  auto q = o.head->NewQuerier({});
  EXPECT_THAT(*(*q)->LabelNames({}), ElementsAre("__name__", "env", "job"));
  std::vector<Matcher> only_b = {Eq("__name__", "b")};
  EXPECT_THAT(*(*q)->LabelValues("env", only_b), ElementsAre("dev"));
  EXPECT_THAT(*(*q)->LabelValues("job", {}), ElementsAre("x", "y"));
}

TEST_F(HeadTest, RejectsBadLabelsAndEnforcesLimits) {
  Opened o = Open({.max_series = 3, .max_series_per_metric = 2, .max_label_value_length = 8});
  auto app = o.head->NewAppender();
  auto bad =
      app->Append(0, Labels::FromStrings({"__name__", "m", "bad-name", "x"}), {.t = 1, .v = 1});
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("bad-name"));
  auto noname = app->Append(0, Labels::FromStrings({"job", "x"}), {.t = 1, .v = 1});
  EXPECT_THAT(noname.status().message(), HasSubstr("metric name"));
  auto longv =
      app->Append(0, Labels::FromStrings({"__name__", "m", "v", "123456789"}), {.t = 1, .v = 1});
  EXPECT_THAT(longv.status().message(), HasSubstr("over the limit of 8"));
  EXPECT_TRUE(
      app->Append(0, Labels::FromStrings({"__name__", "m", "i", "1"}), {.t = 1, .v = 1}).ok());
  EXPECT_TRUE(
      app->Append(0, Labels::FromStrings({"__name__", "m", "i", "2"}), {.t = 1, .v = 1}).ok());
  auto per_metric =
      app->Append(0, Labels::FromStrings({"__name__", "m", "i", "3"}), {.t = 1, .v = 1});
  EXPECT_EQ(per_metric.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(per_metric.status().message(), HasSubstr("per metric"));
  EXPECT_TRUE(app->Append(0, Labels::FromStrings({"__name__", "n"}), {.t = 1, .v = 1}).ok());
  auto global = app->Append(0, Labels::FromStrings({"__name__", "o"}), {.t = 1, .v = 1});
  EXPECT_THAT(global.status().message(), HasSubstr("limit of 3 active series"));
  ASSERT_TRUE(app->Commit().ok());
  EXPECT_EQ(o.head->NumSeries(), 3u);
}

TEST_F(HeadTest, ConcurrentAppendersAndReaders) {
  Opened o = Open();
  constexpr int kWriters = 4, kSeries = 200, kSamples = 300;
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    while (!stop.load()) {
      auto got = Read(*o.head, {Matcher::MustCreate(MatchType::kRegexMatch, "w", ".+")});
      (void)got;
    }
  });
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      std::vector<storage::SeriesRef> refs(kSeries, 0);
      for (int i = 0; i < kSamples; ++i) {
        auto app = o.head->NewAppender();
        for (int s = 0; s < kSeries; ++s) {
          Labels l = Labels::FromStrings(
              {"__name__", "m", "w", std::to_string(w), "s", std::to_string(s)});
          auto r = app->Append(refs[s], l, {.t = i * 15000, .v = 1.0 * i});
          ASSERT_TRUE(r.ok()) << r.status().ToString();
          refs[s] = *r;
        }
        ASSERT_TRUE(app->Commit().ok());
      }
    });
  }
  for (auto& t : writers) t.join();
  stop = true;
  reader.join();
  EXPECT_EQ(o.head->NumSeries(), static_cast<size_t>(kWriters * kSeries));
  EXPECT_EQ(Read(*o.head, {Eq("w", "2"), Eq("s", "17")}).size(), static_cast<size_t>(kSamples));
}

}  // namespace
}  // namespace osprey::tsdb
