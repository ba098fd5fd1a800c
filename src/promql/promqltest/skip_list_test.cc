#include "promql/promqltest/skip_list.h"

#include <gtest/gtest.h>

namespace osprey::promql::promqltest {
namespace {

TEST(SkipListTest, ParsesEntriesAndWholeFiles) {
  Result<SkipList> s = SkipList::Parse(
      "# comment\n"
      "a.test\t12\tnative histograms\tsum(h)\n"
      "\n"
      "b.test\t*\tinfo()\n"
      "a.test\t20\tfill modifiers\n");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->entries().size(), 3u);
  EXPECT_EQ(s->Reason("a.test", 12), "native histograms");
  EXPECT_EQ(s->Reason("a.test", 20), "fill modifiers");
  EXPECT_EQ(s->Reason("a.test", 13), std::nullopt);
  EXPECT_EQ(s->Reason("b.test", 99), "info()");
  EXPECT_EQ(s->Reason("c.test", 12), std::nullopt);
}

TEST(SkipListTest, RejectsMalformedRows) {
  for (std::string_view bad : {"a.test\t12\n", "a.test\tx\treason\n", "a.test\t0\treason\n",
                               "\t1\treason\n", "a.test\t1\tr\tq\textra\n"}) {
    EXPECT_FALSE(SkipList::Parse(bad).ok()) << bad;
  }
  EXPECT_FALSE(SkipList::Parse("a.test\t1\tr\na.test\t1\tr\n").ok());
}

TEST(SkipListTest, ValidateFindsStaleEntries) {
  Result<Script> script = ParseScript("load 1m\n  x 1\n\neval instant at 0 x\n  x 1\n");
  ASSERT_TRUE(script.ok());
  Result<SkipList> good = SkipList::Parse("f.test\t4\tr\tx\nf.test\t*\tr\nother.test\t1\tr\n");
  ASSERT_TRUE(good.ok());
  EXPECT_TRUE(good->Validate("f.test", *script).empty());
  Result<SkipList> bad = SkipList::Parse("f.test\t2\tr\nf.test\t4\tr\ty\n");
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->Validate("f.test", *script).size(), 2u);
}

}  // namespace
}  // namespace osprey::promql::promqltest
