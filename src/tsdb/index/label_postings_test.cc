#include "tsdb/index/label_postings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "tsdb/index/index_test_util.h"
#include "tsdb/index/symbols.h"

namespace osprey::tsdb {
namespace {

using ::testing::ElementsAre;
using testing::Ids;
using testing::Num;

std::vector<std::string> Sorted(const LabelPostings& p) {
  std::vector<std::string> out;
  p.ForEachSorted([&](const LabelPostings::Entry& e) { out.emplace_back(e.value); });
  return out;
}

std::set<std::string> InRanges(const LabelPostings& p, std::string_view prefix) {
  std::set<std::string> out;
  for (const auto& [lo, hi] : p.PrefixRanges(prefix)) {
    for (size_t pos = lo; pos < hi; ++pos) {
      if (!p.At(pos).postings.isEmpty()) out.emplace(p.At(pos).value);
    }
  }
  return out;
}

TEST(LabelPostingsTest, FindsValuesInMainAndDelta) {
  SymbolTable symbols;
  LabelPostings p;
  // 40 values overflow the first delta (32) into main; later ones stay in delta.
  for (uint32_t i = 0; i < 45; ++i) p.Add(Num("v", 100 + (i * 7) % 45), i, symbols);
  EXPECT_EQ(p.NumValues(), 45u);
  for (uint32_t i = 0; i < 45; ++i) {
    const Roaring* r = p.Find(Num("v", 100 + (i * 7) % 45));
    ASSERT_NE(r, nullptr);
    EXPECT_THAT(Ids(*r), ElementsAre(i));
  }
  EXPECT_EQ(p.Find("v99"), nullptr);
  std::vector<std::string> sorted = Sorted(p);
  EXPECT_EQ(sorted.size(), 45u);
  EXPECT_TRUE(std::is_sorted(sorted.begin(), sorted.end()));
}

TEST(LabelPostingsTest, PrefixRangesCoverExactlyThePrefixedValues) {
  SymbolTable symbols;
  LabelPostings p;
  const std::vector<std::string> values = {
      "/", "/boot", "/run", "/run/lock", "/var", "/var/lib/docker",
      "a", "ab",    "abc",  "b",         "/ru",  "/rv"};
  uint32_t id = 0;
  for (int round = 0; round < 4; ++round) {  // forces merges between rounds
    for (const std::string& v : values) p.Add(Num(v, round), id++, symbols);
  }
  for (std::string_view prefix : {"", "/", "/run", "/ru", "a", "ab", "abc", "abcd", "z"}) {
    std::set<std::string> want;
    for (int round = 0; round < 4; ++round) {
      for (const std::string& v : values) {
        std::string s = Num(v, round);
        if (s.starts_with(prefix)) want.insert(s);
      }
    }
    EXPECT_EQ(InRanges(p, prefix), want) << prefix;
  }
}

TEST(LabelPostingsTest, RemoveLeavesTombstoneThatAddRevives) {
  SymbolTable symbols;
  LabelPostings p;
  for (uint32_t i = 0; i < 100; ++i) p.Add(Num("v", 1000 + i), i, symbols);
  p.Optimize();  // everything in main
  uint64_t version = p.layout_version();
  EXPECT_TRUE(p.Remove("v1005", 5));
  EXPECT_FALSE(p.Remove("v1005", 5));
  EXPECT_FALSE(p.Remove("nope", 1));
  EXPECT_EQ(p.Find("v1005"), nullptr);
  EXPECT_EQ(p.NumValues(), 99u);
  EXPECT_EQ(p.layout_version(), version) << "a tombstone moves nothing";
  p.Add("v1005", 7, symbols);
  ASSERT_NE(p.Find("v1005"), nullptr);
  EXPECT_THAT(Ids(*p.Find("v1005")), ElementsAre(7u));
  EXPECT_EQ(p.NumValues(), 100u);
  EXPECT_EQ(p.layout_version(), version);
  p.Add("v0", 1, symbols);  // a new value moves entries
  EXPECT_NE(p.layout_version(), version);
}

TEST(LabelPostingsTest, ManyTombstonesAreCompacted) {
  SymbolTable symbols;
  LabelPostings p;
  for (uint32_t i = 0; i < 1000; ++i) p.Add(Num("v", 10'000 + i), i, symbols);
  p.Optimize();
  for (uint32_t i = 0; i < 1000; i += 2) p.Remove(Num("v", 10'000 + i), i);
  EXPECT_EQ(p.NumValues(), 500u);
  EXPECT_LT(p.NumPositions(), 800u) << "tombstones past a quarter are dropped";
  EXPECT_EQ(Sorted(p).size(), 500u);
}

}  // namespace
}  // namespace osprey::tsdb
