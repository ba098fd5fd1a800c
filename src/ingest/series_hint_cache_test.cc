#include "ingest/series_hint_cache.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace osprey::ingest {
namespace {

std::string Key(int i) { return "series-key-" + std::to_string(i); }

TEST(SeriesHintCacheTest, ReturnsTheRefInsertedForExactlyTheseBytes) {
  SeriesHintCache cache;
  const std::string key = Key(1);
  const uint64_t h = SeriesHintCache::Hash(key);
  EXPECT_EQ(cache.Lookup(h, key), storage::kNoRef);
  cache.Insert(h, key, 42);
  EXPECT_EQ(cache.Lookup(h, key), 42u);
  cache.Insert(h, key, 43);
  EXPECT_EQ(cache.Lookup(h, key), 43u);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.key_bytes(), key.size());
}

TEST(SeriesHintCacheTest, KeysWithTheSameHashDoNotShareARef) {
  SeriesHintCache cache;
  // A forced collision: the hash is only a hint, the bytes decide.
  cache.Insert(7, "a", 1);
  cache.Insert(7, "b", 2);
  EXPECT_EQ(cache.Lookup(7, "a"), 1u);
  EXPECT_EQ(cache.Lookup(7, "b"), 2u);
  EXPECT_EQ(cache.Lookup(7, "c"), storage::kNoRef);
  EXPECT_EQ(cache.Lookup(0, ""), storage::kNoRef);
  cache.Insert(0, "", 3);  // hash 0 is a valid hash too
  EXPECT_EQ(cache.Lookup(0, ""), 3u);
}

TEST(SeriesHintCacheTest, EraseKeepsCollidingEntriesReachable) {
  SeriesHintCache cache({.shards = 1});
  // Same home slot for all: erasing from the middle of the probe run must keep the rest.
  for (int i = 0; i < 8; ++i) cache.Insert(uint64_t{1} << 40, Key(i), i + 1);
  cache.Erase(uint64_t{1} << 40, Key(2));
  cache.Erase(uint64_t{1} << 40, Key(5));
  for (int i = 0; i < 8; ++i) {
    const storage::SeriesRef want = (i == 2 || i == 5) ? storage::kNoRef : i + 1;
    EXPECT_EQ(cache.Lookup(uint64_t{1} << 40, Key(i)), want) << i;
  }
  EXPECT_EQ(cache.size(), 6u);
}

TEST(SeriesHintCacheTest, EraseWithRandomHashesKeepsEveryOtherEntry) {
  SeriesHintCache cache({.shards = 2});
  for (int i = 0; i < 1000; ++i) cache.Insert(SeriesHintCache::Hash(Key(i)), Key(i), i + 1);
  for (int i = 0; i < 1000; i += 3) cache.Erase(SeriesHintCache::Hash(Key(i)), Key(i));
  for (int i = 0; i < 1000; ++i) {
    const storage::SeriesRef want = i % 3 == 0 ? storage::kNoRef : i + 1;
    ASSERT_EQ(cache.Lookup(SeriesHintCache::Hash(Key(i)), Key(i)), want) << i;
  }
}

TEST(SeriesHintCacheTest, StaysWithinItsEntryLimit) {
  SeriesHintCache cache({.max_entries = 256, .shards = 4});
  for (int i = 0; i < 10000; ++i) cache.Insert(SeriesHintCache::Hash(Key(i)), Key(i), i + 1);
  EXPECT_LE(cache.size(), 256u);
  EXPECT_GT(cache.size(), 64u);
  // The newest entries are still there.
  EXPECT_EQ(cache.Lookup(SeriesHintCache::Hash(Key(9999)), Key(9999)), 10000u);
}

TEST(SeriesHintCacheTest, StaysWithinItsKeyByteLimit) {
  SeriesHintCache cache({.max_key_bytes = 64 * 1024, .shards = 2});
  const std::string pad(100, 'x');
  for (int i = 0; i < 10000; ++i) {
    const std::string key = pad + Key(i);
    cache.Insert(SeriesHintCache::Hash(key), key, i + 1);
  }
  EXPECT_LE(cache.key_bytes(), 64u * 1024);
}

TEST(SeriesHintCacheTest, RecentlyUsedEntriesSurviveGenerationTurnover) {
  SeriesHintCache cache({.max_entries = 64, .shards = 1});  // 32 per generation
  const std::string hot = "hot";
  const uint64_t hot_hash = SeriesHintCache::Hash(hot);
  cache.Insert(hot_hash, hot, 1);
  for (int i = 0; i < 1000; ++i) {
    cache.Insert(SeriesHintCache::Hash(Key(i)), Key(i), i + 2);
    ASSERT_EQ(cache.Lookup(hot_hash, hot), 1u) << i;
  }
  EXPECT_EQ(cache.Lookup(SeriesHintCache::Hash(Key(0)), Key(0)), storage::kNoRef);
}

TEST(SeriesHintCacheTest, KeysLargerThanAGenerationAreNotCached) {
  SeriesHintCache cache({.max_key_bytes = 4096 * 2, .shards = 1});
  const std::string huge(5000, 'k');
  cache.Insert(SeriesHintCache::Hash(huge), huge, 1);
  EXPECT_EQ(cache.Lookup(SeriesHintCache::Hash(huge), huge), storage::kNoRef);
}

TEST(SeriesHintCacheTest, ConcurrentUseFromManyThreads) {
  SeriesHintCache cache({.max_entries = 1 << 16});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::string key = Key(t * 100000 + i);
        const uint64_t h = SeriesHintCache::Hash(key);
        cache.Insert(h, key, i + 1);
        EXPECT_EQ(cache.Lookup(h, key), storage::SeriesRef(i + 1));
        if (i % 7 == 0) cache.Erase(h, key);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(cache.size(), 4u * (2000 - 286));
}

}  // namespace
}  // namespace osprey::ingest
