// Concurrent Add/Delete and Select. Labels are a function of the series id, so any
// result can be checked whatever the interleaving. Meant to run under ASan and TSan too.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "tsdb/index/index_test_util.h"
#include "tsdb/index/mem_postings.h"
#include "tsdb/index/symbols.h"

namespace osprey::tsdb {
namespace {

using model::Labels;
using testing::Ids;
using testing::Num;
using testing::ParseMatcher;

Labels LabelsOf(uint32_t id) {
  return Labels::FromStrings({"__name__", Num("metric_", id % 5), "mod7", Num("", id % 7), "id",
                              Num("id-", id), "even", id % 2 == 0 ? "yes" : ""});
}

TEST(MemPostingsConcurrencyTest, SelectDuringAddAndDeleteSeesOnlyConsistentSeries) {
  SymbolTable symbols;
  MemPostings postings(symbols);
  constexpr int kWriters = 3;
  constexpr uint32_t kPerWriter = 6'000;
  constexpr int kReaders = 2;
  std::atomic<int> writers_done{0};
  std::atomic<int> readers_started{0};
  std::atomic<int> bad{0};

  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      while (readers_started.load() < kReaders) std::this_thread::yield();
      // Writer w owns ids w, w + kWriters, ...; it deletes every tenth one again.
      for (uint32_t i = 0; i < kPerWriter; ++i) {
        uint32_t id = i * kWriters + static_cast<uint32_t>(w);
        postings.Add(id, LabelsOf(id));
        if (i >= 10 && i % 10 == 0) {
          uint32_t old = (i - 10) * kWriters + static_cast<uint32_t>(w);
          postings.Delete(old, LabelsOf(old));
        }
      }
      writers_done.fetch_add(1);
    });
  }
  const std::vector<std::vector<model::Matcher>> queries = {
      {ParseMatcher("mod7=3")},
      {ParseMatcher("mod7=3"), ParseMatcher("even!=yes")},
      {ParseMatcher("__name__=~metric_[12]"), ParseMatcher("even=")},
      {ParseMatcher("id=~id-1.*7"), ParseMatcher("mod7!~0|1")},
      {ParseMatcher("even!=yes")},
  };
  auto matches = [](size_t query, uint32_t id) {
    switch (query) {
      case 0:
        return id % 7 == 3;
      case 1:
        return id % 7 == 3 && id % 2 == 1;
      case 2:
        return (id % 5 == 1 || id % 5 == 2) && id % 2 == 1;
      case 3: {
        std::string s = std::to_string(id);
        return s[0] == '1' && s.back() == '7' && id % 7 > 1;
      }
      default:
        return id % 2 == 1;
    }
  };
  for (int r = 0; r < kReaders; ++r) {
    threads.emplace_back([&, r] {
      size_t q = static_cast<size_t>(r);
      readers_started.fetch_add(1);
      while (writers_done.load() < kWriters) {
        q = (q + 1) % queries.size();
        for (uint32_t id : Ids(postings.Select(queries[q]))) {
          if (!matches(q, id)) bad.fetch_add(1);
        }
        (void)postings.LabelValues("mod7", nullptr);
        (void)postings.NumSeries();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0);

  // Final state: everything added, every tenth id but the last of each writer deleted.
  std::vector<uint32_t> live;
  for (uint32_t i = 0; i < kPerWriter; ++i) {
    bool deleted = i % 10 == 0 && i + 10 < kPerWriter;
    for (uint32_t w = 0; w < kWriters; ++w) {
      if (!deleted) live.push_back(i * kWriters + w);
    }
  }
  std::sort(live.begin(), live.end());
  EXPECT_EQ(Ids(postings.All()), live);
  for (size_t q = 0; q < queries.size(); ++q) {
    std::vector<uint32_t> want;
    for (uint32_t id : live) {
      if (matches(q, id)) want.push_back(id);
    }
    EXPECT_EQ(Ids(postings.Select(queries[q])), want) << q;
  }
}

}  // namespace
}  // namespace osprey::tsdb
