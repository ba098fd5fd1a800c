#include "tsdb/index/symbols.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "tsdb/index/index_test_util.h"

namespace osprey::tsdb {
namespace {

std::string Str(std::string_view prefix, int i) { return testing::Num(prefix, i); }

TEST(SymbolTableTest, InternReturnsSameIdForEqualStrings) {
  SymbolTable symbols;
  uint32_t a = symbols.Intern("node_cpu_seconds_total");
  uint32_t b = symbols.Intern("instance");
  EXPECT_NE(a, b);
  EXPECT_EQ(symbols.Intern(std::string("node_cpu_seconds_total")), a);
  EXPECT_EQ(symbols.Lookup(a), "node_cpu_seconds_total");
  EXPECT_EQ(symbols.Lookup(b), "instance");
  EXPECT_EQ(symbols.size(), 2u);
}

TEST(SymbolTableTest, FindDoesNotIntern) {
  SymbolTable symbols;
  EXPECT_FALSE(symbols.Find("job").has_value());
  EXPECT_EQ(symbols.size(), 0u);
  uint32_t id = symbols.Intern("job");
  EXPECT_EQ(symbols.Find("job"), id);
}

TEST(SymbolTableTest, HandlesEmptyLongAndBinaryStrings) {
  SymbolTable symbols;
  std::string long_value(100'000, 'x');
  std::string binary("a\0b\xff", 4);
  uint32_t empty = symbols.Intern("");
  uint32_t lng = symbols.Intern(long_value);
  uint32_t bin = symbols.Intern(binary);
  std::string len200(200, 'y');  // a two-byte length prefix
  uint32_t two = symbols.Intern(len200);
  EXPECT_EQ(symbols.Lookup(empty), "");
  EXPECT_EQ(symbols.Lookup(lng), long_value);
  EXPECT_EQ(symbols.Lookup(bin), binary);
  EXPECT_EQ(symbols.Lookup(two), len200);
  EXPECT_EQ(symbols.Intern(long_value), lng);
}

TEST(SymbolTableTest, ViewsStayValidAcrossGrowth) {
  SymbolTable symbols;
  std::vector<std::pair<uint32_t, std::string_view>> first;
  for (int i = 0; i < 100; ++i) {
    uint32_t id = symbols.Intern(Str("early-", i));
    first.emplace_back(id, symbols.Lookup(id));
  }
  // Grows every shard's hash table, directory and arena many times over.
  for (int i = 0; i < 200'000; ++i) symbols.Intern(Str("value-", i));
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(first[i].second, Str("early-", i));
    EXPECT_EQ(first[i].second.data(), symbols.Lookup(first[i].first).data());
  }
  EXPECT_EQ(symbols.size(), 200'100u);
  for (int i = 0; i < 200'000; i += 997) {
    std::string s = Str("value-", i);
    auto id = symbols.Find(s);
    ASSERT_TRUE(id.has_value()) << s;
    EXPECT_EQ(symbols.Lookup(*id), s);
  }
}

TEST(SymbolTableTest, MemoryIsBytesPlusAboutSixteenPerSymbol) {
  SymbolTable symbols;
  size_t empty_bytes = symbols.MemoryBytes();
  size_t payload = 0;
  constexpr int kSymbols = 100'000;
  for (int i = 0; i < kSymbols; ++i) {
    std::string s = "10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256) + ":9100";
    payload += s.size();
    symbols.Intern(s);
  }
  double overhead = double(symbols.MemoryBytes() - empty_bytes - payload) / kSymbols;
  EXPECT_LT(overhead, 20.0);
}

TEST(SymbolTableTest, ConcurrentInternAgreesOnIds) {
  SymbolTable symbols;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 20'000;
  std::vector<std::vector<uint32_t>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Every thread interns the same strings in a different order and reads back.
      for (int i = 0; i < kPerThread; ++i) {
        int k = (i * (t + 1) * 7919) % kPerThread;
        std::string s = Str("s", k);
        uint32_t id = symbols.Intern(s);
        if (symbols.Lookup(id) != s) ADD_FAILURE() << s;
        ids[t].push_back(k);
        ids[t].push_back(id);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::unordered_map<uint32_t, uint32_t> id_of;  // k -> id
  for (const auto& v : ids) {
    for (size_t i = 0; i < v.size(); i += 2) {
      auto [it, inserted] = id_of.emplace(v[i], v[i + 1]);
      if (!inserted) {
        EXPECT_EQ(it->second, v[i + 1]);
      }
    }
  }
  std::set<uint32_t> distinct;
  for (const auto& [k, id] : id_of) distinct.insert(id);
  EXPECT_EQ(distinct.size(), id_of.size());
  EXPECT_EQ(symbols.size(), id_of.size());
}

}  // namespace
}  // namespace osprey::tsdb
