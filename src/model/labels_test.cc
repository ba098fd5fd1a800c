#include "model/labels.h"

#include <gtest/gtest.h>

#include <cmath>

#include "model/sample.h"

namespace osprey::model {
namespace {

TEST(LabelsTest, SortsByNameAndDropsEmptyValues) {
  Labels l({{"job", "api"}, {"__name__", "up"}, {"empty", ""}, {"a", "1"}});
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[0].name, "__name__");
  EXPECT_EQ(l[1].name, "a");
  EXPECT_EQ(l[2].name, "job");
  EXPECT_EQ(l.Get("job"), "api");
  EXPECT_EQ(l.Get("missing"), "");
  EXPECT_FALSE(l.Has("empty"));
  EXPECT_EQ(l.MetricName(), "up");
}

TEST(LabelsTest, ToStringQuotesLikePrometheus) {
  Labels l = Labels::FromStrings({"__name__", "up", "path", "a\"b\\c\nd"});
  EXPECT_EQ(l.ToString(), R"({__name__="up", path="a\"b\\c\nd"})");
  EXPECT_EQ(Labels().ToString(), "{}");
}

TEST(LabelsTest, HashDependsOnNamesAndValuesAndBoundaries) {
  Labels a = Labels::FromStrings({"a", "bc"});
  Labels b = Labels::FromStrings({"ab", "c"});
  EXPECT_NE(a.Hash(), b.Hash());
  EXPECT_EQ(a.Hash(), Labels::FromStrings({"a", "bc"}).Hash());
}

TEST(LabelsTest, ValidateSeriesNamesTheProblem) {
  struct Case {
    Labels labels;
    std::string want;  // empty: valid
  };
  std::vector<Case> cases = {
      {Labels::FromStrings({"__name__", "http_requests_total", "code", "200"}), ""},
      {Labels::FromStrings({"__name__", "job:rate5m", "a_b", "x"}), ""},
      {Labels::FromStrings({"code", "200"}), "missing metric name"},
      {Labels::FromStrings({"__name__", "up", "1bad", "x"}), "invalid label name \"1bad\""},
      {Labels::FromStrings({"__name__", "up", "a-b", "x"}), "invalid label name \"a-b\""},
      {Labels::FromStrings({"__name__", "1up"}), "invalid metric name \"1up\""},
      {Labels::FromStrings({"__name__", "up", "a", "1", "a", "2"}), "duplicate label name \"a\""},
      {Labels::FromStrings({"__name__", "up", "v", "\xff\xfe"}), "invalid UTF-8"},
      {Labels::FromStrings({"__name__", "up", "v", "caf\xc3\xa9"}), ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.labels.ToString());
    Status s = c.labels.ValidateSeries();
    if (c.want.empty()) {
      EXPECT_TRUE(s.ok()) << s.ToString();
    } else {
      EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
      EXPECT_NE(s.message().find(c.want), std::string::npos) << s.message();
    }
  }
}

TEST(LabelsTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("\xe2\x82\xac"));      // euro sign
  EXPECT_TRUE(IsValidUtf8("\xf0\x9f\x90\xa6"));  // bird
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));         // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));     // surrogate
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));         // truncated
}

TEST(LabelsTest, BuilderOverwritesAndDeletes) {
  Labels base = Labels::FromStrings({"__name__", "up", "job", "a", "instance", "x"});
  Labels l = LabelsBuilder(base).Set("job", "b").Del("instance").Set("zone", "eu").Build();
  EXPECT_EQ(l, Labels::FromStrings({"__name__", "up", "job", "b", "zone", "eu"}));
  EXPECT_EQ(l.WithoutMetricName(), Labels::FromStrings({"job", "b", "zone", "eu"}));
}

TEST(SampleTest, StaleNaNIsDistinctFromOtherNaNs) {
  EXPECT_TRUE(IsStaleNaN(StaleNaN()));
  EXPECT_TRUE(std::isnan(StaleNaN()));
  EXPECT_FALSE(IsStaleNaN(std::nan("")));
  EXPECT_FALSE(IsStaleNaN(1.0));
}

}  // namespace
}  // namespace osprey::model
