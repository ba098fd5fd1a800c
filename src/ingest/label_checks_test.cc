#include "ingest/label_checks.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ingest/write_outcome.h"

namespace osprey::ingest {
namespace {

TEST(LabelChecksTest, AcceptsAValidSortedSeries) {
  const std::vector<LabelView> labels = {{"__name__", "up"}, {"instance", "a:9100"}, {"job", "x"}};
  std::string_view reason;
  EXPECT_TRUE(CheckSortedLabels(labels, {}, &reason).ok());
  EXPECT_EQ(BuildLabels(labels),
            model::Labels::FromStrings({"__name__", "up", "instance", "a:9100", "job", "x"}));
}

TEST(LabelChecksTest, AcceptsColonsInMetricNamesButNotInLabelNames) {
  std::string_view reason;
  const std::vector<LabelView> ok = {{"__name__", "job:up:sum"}};
  EXPECT_TRUE(CheckSortedLabels(ok, {}, &reason).ok());
  const std::vector<LabelView> bad = {{"__name__", "up"}, {"a:b", "x"}};
  EXPECT_EQ(CheckSortedLabels(bad, {}, &reason),
            InvalidArgumentError("invalid label name \"a:b\""));
}

struct LimitCase {
  std::string name;
  LabelLimits limits;
  std::string message;
};

TEST(LabelChecksTest, EnforcesLimitsWithTheirOwnReason) {
  const std::vector<LabelView> labels = {{"__name__", "up"}, {"instance", "host"}, {"job", "x"}};
  const std::vector<LimitCase> cases = {
      {"labels", {.max_labels = 2}, "too many labels: 3 exceeds the limit of 2"},
      {"name length",
       {.max_label_name_length = 7},
       "label name \"__name__\" is longer than 7 bytes"},
      {"value length",
       {.max_label_value_length = 3},
       "value of label \"instance\" is longer than 3 bytes"},
  };
  for (const LimitCase& c : cases) {
    SCOPED_TRACE(c.name);
    std::string_view reason;
    EXPECT_EQ(CheckSortedLabels(labels, c.limits, &reason), InvalidArgumentError(c.message));
    EXPECT_EQ(reason, kReasonLabelLimit);
  }
  std::string_view reason;
  EXPECT_TRUE(
      CheckSortedLabels(labels,
                        {.max_labels = 3, .max_label_name_length = 8, .max_label_value_length = 4},
                        &reason)
          .ok());
}

}  // namespace
}  // namespace osprey::ingest
