// Test helper: everything a storage holds, read back through its Querier.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <span>
#include <string>
#include <vector>

#include "model/matcher.h"
#include "storage/metrics.h"

namespace osprey::testing {

// Every series (as its label string) with its samples, in time order.
inline std::map<std::string, std::vector<model::Sample>> Dump(storage::Queryable& q) {
  std::map<std::string, std::vector<model::Sample>> out;
  auto querier = q.NewQuerier({model::kMinTimestamp, model::kMaxTimestamp});
  EXPECT_TRUE(querier.ok());
  if (!querier.ok()) return out;
  const model::Matcher all =
      model::Matcher::MustCreate(model::MatchType::kRegexMatch, "__name__", ".+");
  auto set = (*querier)->Select(storage::SelectHints{}, std::span<const model::Matcher>(&all, 1));
  while (set->Next()) {
    auto& samples = out[set->At().labels().ToString()];
    auto it = set->At().Iterator();
    while (it->Next()) samples.push_back(it->At());
  }
  EXPECT_TRUE(set->status().ok());
  return out;
}

}  // namespace osprey::testing
