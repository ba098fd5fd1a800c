#include "storage/mem_storage.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <thread>
#include <vector>

namespace osprey::storage {
namespace {

using model::Labels;
using model::Matcher;
using model::MatchType;
using model::Sample;

struct Got {
  Labels labels;
  std::vector<Sample> samples;
};

std::vector<Got> SelectAll(MemStorage& db, model::TimeRange range, const SelectHints& hints,
                           std::vector<Matcher> matchers) {
  auto q = db.NewQuerier(range);
  EXPECT_TRUE(q.ok());
  auto set = (*q)->Select(hints, matchers);
  std::vector<Got> out;
  while (set->Next()) {
    Got g{set->At().labels(), {}};
    auto it = set->At().Iterator();
    while (it->Next()) g.samples.push_back(it->At());
    EXPECT_TRUE(it->status().ok());
    out.push_back(std::move(g));
  }
  EXPECT_TRUE(set->status().ok());
  return out;
}

void Add(MemStorage& db, const Labels& l, std::vector<Sample> samples) {
  auto app = db.NewAppender();
  for (const Sample& s : samples) ASSERT_TRUE(app->Append(kNoRef, l, s).ok());
  ASSERT_TRUE(app->Commit().ok());
}

Matcher Eq(std::string name, std::string value) {
  return Matcher::MustCreate(MatchType::kEqual, std::move(name), std::move(value));
}

TEST(MemStorageTest, CommittedSamplesAreReadBackSortedByTime) {
  MemStorage db;
  Labels l = Labels::FromStrings({"__name__", "up", "job", "api"});
  Add(db, l, {{.t = 30, .v = 3}, {.t = 10, .v = 1}, {.t = 20, .v = 2}});
  auto got = SelectAll(db, {}, {}, {Eq("__name__", "up")});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].labels, l);
  ASSERT_EQ(got[0].samples.size(), 3u);
  EXPECT_EQ(got[0].samples[0].t, 10);
  EXPECT_EQ(got[0].samples[1].t, 20);
  EXPECT_EQ(got[0].samples[2].t, 30);
  EXPECT_EQ(db.NumSeries(), 1u);
  EXPECT_EQ(db.NumSamples(), 3u);
}

TEST(MemStorageTest, AppendAtExistingTimestampOverwrites) {
  MemStorage db;
  Labels l = Labels::FromStrings({"__name__", "x"});
  Add(db, l, {{.t = 10, .v = 1}});
  Add(db, l, {{.t = 10, .v = 5}});
  auto got = SelectAll(db, {}, {}, {});
  ASSERT_EQ(got.size(), 1u);
  ASSERT_EQ(got[0].samples.size(), 1u);
  EXPECT_EQ(got[0].samples[0].v, 5);
}

TEST(MemStorageTest, RollbackDropsTheBatchAndCommitMakesItVisible) {
  MemStorage db;
  Labels l = Labels::FromStrings({"__name__", "x"});
  auto app = db.NewAppender();
  ASSERT_TRUE(app->Append(kNoRef, l, {.t = 1, .v = 1}).ok());
  EXPECT_TRUE(SelectAll(db, {}, {}, {}).empty());
  app->Rollback();
  ASSERT_TRUE(app->Commit().ok());
  EXPECT_TRUE(SelectAll(db, {}, {}, {}).empty());
}

TEST(MemStorageTest, RefHintSkipsLabelsAndUnknownRefIsNotFound) {
  MemStorage db;
  Labels l = Labels::FromStrings({"__name__", "x"});
  auto app = db.NewAppender();
  auto ref = app->Append(kNoRef, l, {.t = 1, .v = 1});
  ASSERT_TRUE(ref.ok());
  auto again = app->Append(*ref, Labels(), {.t = 2, .v = 2});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *ref);
  EXPECT_EQ(app->Append(*ref + 100, Labels(), {.t = 3, .v = 3}).status().code(),
            StatusCode::kNotFound);
  ASSERT_TRUE(app->Commit().ok());
  auto got = SelectAll(db, {}, {}, {});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].samples.size(), 2u);
}

TEST(MemStorageTest, RejectsEmptyLabelSet) {
  MemStorage db;
  auto app = db.NewAppender();
  EXPECT_EQ(app->Append(kNoRef, Labels(), {.t = 1, .v = 1}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(MemStorageTest, SelectHonoursMatchersAndSortsByLabels) {
  MemStorage db;
  Add(db, Labels::FromStrings({"__name__", "m", "job", "b"}), {{.t = 1, .v = 1}});
  Add(db, Labels::FromStrings({"__name__", "m", "job", "a"}), {{.t = 1, .v = 1}});
  Add(db, Labels::FromStrings({"__name__", "m"}), {{.t = 1, .v = 1}});
  Add(db, Labels::FromStrings({"__name__", "other", "job", "a"}), {{.t = 1, .v = 1}});

  auto all_m = SelectAll(db, {}, {}, {Eq("__name__", "m")});
  ASSERT_EQ(all_m.size(), 3u);
  EXPECT_EQ(all_m[0].labels, Labels::FromStrings({"__name__", "m"}));
  EXPECT_EQ(all_m[1].labels.Get("job"), "a");
  EXPECT_EQ(all_m[2].labels.Get("job"), "b");

  // An empty-matching matcher also selects series without the label.
  auto no_job = SelectAll(db, {}, {}, {Eq("__name__", "m"), Eq("job", "")});
  ASSERT_EQ(no_job.size(), 1u);
  EXPECT_FALSE(no_job[0].labels.Has("job"));

  auto re = SelectAll(db, {}, {},
                      {Matcher::MustCreate(MatchType::kRegexMatch, "job", "a|b"),
                       Matcher::MustCreate(MatchType::kNotEqual, "__name__", "other")});
  EXPECT_EQ(re.size(), 2u);
}

TEST(MemStorageTest, SelectRestrictsToQuerierRangeAndHints) {
  MemStorage db;
  Labels l = Labels::FromStrings({"__name__", "x"});
  Add(db, l, {{.t = 0, .v = 0}, {.t = 10, .v = 1}, {.t = 20, .v = 2}, {.t = 30, .v = 3}});
  Add(db, Labels::FromStrings({"__name__", "early"}), {{.t = 0, .v = 0}});

  auto got = SelectAll(db, {.min = 5, .max = 30}, {.start = 0, .end = 20}, {});
  ASSERT_EQ(got.size(), 1u);  // "early" has no sample in [5, 20]
  ASSERT_EQ(got[0].samples.size(), 2u);
  EXPECT_EQ(got[0].samples[0].t, 10);
  EXPECT_EQ(got[0].samples[1].t, 20);
}

TEST(MemStorageTest, IteratorSeekNeverMovesBackward) {
  MemStorage db;
  Labels l = Labels::FromStrings({"__name__", "x"});
  Add(db, l, {{.t = 10, .v = 1}, {.t = 20, .v = 2}, {.t = 30, .v = 3}});
  auto q = db.NewQuerier({});
  ASSERT_TRUE(q.ok());
  auto set = (*q)->Select({}, {});
  ASSERT_TRUE(set->Next());
  auto it = set->At().Iterator();
  ASSERT_TRUE(it->Seek(15));
  EXPECT_EQ(it->At().t, 20);
  ASSERT_TRUE(it->Seek(5));
  EXPECT_EQ(it->At().t, 20);
  ASSERT_TRUE(it->Next());
  EXPECT_EQ(it->At().t, 30);
  EXPECT_FALSE(it->Seek(31));
  EXPECT_FALSE(it->Next());
  EXPECT_FALSE(set->Next());
}

TEST(MemStorageTest, KeepsStaleMarkersBitExact) {
  MemStorage db;
  Labels l = Labels::FromStrings({"__name__", "x"});
  Add(db, l, {{.t = 1, .v = model::StaleNaN()}});
  auto got = SelectAll(db, {}, {}, {});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(model::IsStaleNaN(got[0].samples[0].v));
}

TEST(MemStorageTest, LabelNamesAndValues) {
  MemStorage db;
  Add(db, Labels::FromStrings({"__name__", "m", "job", "b", "zone", "z"}), {{.t = 1, .v = 1}});
  Add(db, Labels::FromStrings({"__name__", "m", "job", "a"}), {{.t = 1, .v = 1}});
  Add(db, Labels::FromStrings({"__name__", "n", "env", "prod"}), {{.t = 1, .v = 1}});
  auto q = db.NewQuerier({});
  ASSERT_TRUE(q.ok());
  std::vector<Matcher> m = {Eq("__name__", "m")};
  auto names = (*q)->LabelNames(m);
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"__name__", "job", "zone"}));
  auto all_names = (*q)->LabelNames({});
  ASSERT_TRUE(all_names.ok());
  EXPECT_EQ(all_names->size(), 4u);
  auto values = (*q)->LabelValues("job", {});
  ASSERT_TRUE(values.ok());
  EXPECT_EQ(*values, (std::vector<std::string>{"a", "b"}));
}

TEST(MemStorageTest, ClearDropsEverythingAndOldRefsBecomeUnknown) {
  MemStorage db;
  Labels l = Labels::FromStrings({"__name__", "x"});
  auto app = db.NewAppender();
  auto ref = app->Append(kNoRef, l, {.t = 1, .v = 1});
  ASSERT_TRUE(ref.ok());
  ASSERT_TRUE(app->Commit().ok());
  db.Clear();
  EXPECT_EQ(db.NumSeries(), 0u);
  EXPECT_TRUE(SelectAll(db, {}, {}, {}).empty());
  auto app2 = db.NewAppender();
  EXPECT_EQ(app2->Append(*ref, Labels(), {.t = 2, .v = 2}).status().code(), StatusCode::kNotFound);
  auto fresh = app2->Append(kNoRef, l, {.t = 2, .v = 2});
  ASSERT_TRUE(fresh.ok());
  EXPECT_NE(*fresh, *ref);
}

TEST(MemStorageTest, ConcurrentAppendersAndReaders) {
  MemStorage db;
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&db, w] {
      Labels l = Labels::FromStrings({"__name__", "x", "w", std::to_string(w)});
      for (int i = 0; i < 200; ++i) {
        auto app = db.NewAppender();
        EXPECT_TRUE(app->Append(kNoRef, l, {.t = i, .v = 1.0 * i}).ok());
        EXPECT_TRUE(app->Commit().ok());
      }
    });
  }
  threads.emplace_back([&db] {
    for (int i = 0; i < 50; ++i) {
      auto q = db.NewQuerier({});
      auto set = (*q)->Select({}, {});
      while (set->Next()) {
        auto it = set->At().Iterator();
        while (it->Next()) {
        }
      }
    }
  });
  for (auto& t : threads) t.join();
  EXPECT_EQ(db.NumSeries(), 4u);
  EXPECT_EQ(db.NumSamples(), 800u);
}

}  // namespace
}  // namespace osprey::storage
