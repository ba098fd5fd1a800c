#include "storage/exemplars.h"

#include <gtest/gtest.h>

namespace osprey::storage {
namespace {

const model::Labels kA = model::Labels::FromStrings({"__name__", "req_total", "job", "a"});
const model::Labels kB = model::Labels::FromStrings({"__name__", "req_total", "job", "b"});

Exemplar Ex(std::string trace, double v, model::Timestamp t) {
  return {model::Labels::FromStrings({"trace_id", trace}), v, t};
}

std::vector<std::vector<model::Matcher>> Selector(std::string job) {
  return {{model::Matcher::MustCreate(model::MatchType::kEqual, "__name__", "req_total"),
           model::Matcher::MustCreate(model::MatchType::kRegexMatch, "job", job)}};
}

TEST(ExemplarStoreTest, SelectsByMatchersAndTime) {
  ExemplarStore store({.max_exemplars = 10});
  ASSERT_TRUE(store.Add(kA, Ex("t1", 1, 100)).ok());
  ASSERT_TRUE(store.Add(kB, Ex("t2", 2, 150)).ok());
  ASSERT_TRUE(store.Add(kA, Ex("t3", 3, 200)).ok());
  auto all = store.Select({0, 1000}, Selector(".*"));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].series, kA);
  ASSERT_EQ(all[0].exemplars.size(), 2u);
  EXPECT_EQ(all[0].exemplars[1].labels.Get("trace_id"), "t3");
  auto a_late = store.Select({150, 1000}, Selector("a"));
  ASSERT_EQ(a_late.size(), 1u);
  ASSERT_EQ(a_late[0].exemplars.size(), 1u);
  EXPECT_EQ(a_late[0].exemplars[0].value, 3);
  EXPECT_TRUE(store.Select({0, 1000}, Selector("c")).empty());
}

TEST(ExemplarStoreTest, RejectsDuplicatesAndOutOfOrder) {
  ExemplarStore store({.max_exemplars = 10});
  ASSERT_TRUE(store.Add(kA, Ex("t1", 1, 100)).ok());
  EXPECT_EQ(store.Add(kA, Ex("t1", 1, 100)).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(store.Add(kA, Ex("t0", 1, 50)).code(), StatusCode::kOutOfBounds);
  EXPECT_TRUE(store.Add(kB, Ex("t0", 1, 50)).ok());  // per series
  EXPECT_EQ(store.size(), 2);
}

TEST(ExemplarStoreTest, TheRingDropsTheOldest) {
  ExemplarStore store({.max_exemplars = 3});
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(store.Add(i < 2 ? kB : kA, Ex("t", i, i)).ok());
  EXPECT_EQ(store.size(), 3);
  auto all = store.Select({0, 100}, Selector(".*"));
  ASSERT_EQ(all.size(), 1u);  // both of b's were overwritten
  ASSERT_EQ(all[0].exemplars.size(), 3u);
  EXPECT_EQ(all[0].exemplars[0].value, 2);
  // b can start again from any time: its old entry is gone.
  EXPECT_TRUE(store.Add(kB, Ex("t", 0, 0)).ok());
}

}  // namespace
}  // namespace osprey::storage
