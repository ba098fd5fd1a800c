// A bounded, thread-safe map from a series' raw label bytes to the storage::SeriesRef the
// storage returned for it, so steady-state ingestion skips building model::Labels and the
// storage's label lookup.
//
// Key: bytes that determine a label set (remote_write: TimeSeriesView::label_key). Entries
// compare the exact bytes, never just the hash, so two label sets never share a ref.
//
// The hint contract with storage (storage::Appender):
//   - A ref names one label set for the life of the storage: refs are never reused for a
//     different label set, so a cached ref is either right or unknown to the storage.
//   - RemoteWriteIngester appends with the cached ref and EMPTY labels. The storage uses the
//     ref's series when it knows the ref; when it does not (the series was dropped, or the
//     process restarted), it returns kNotFound without side effects, and the ingester erases
//     the entry and appends again with the full labels and kNoRef.
//
// Eviction: each shard keeps two generations; lookups search the current then the previous
// one (moving hits forward), and when the current one is full it becomes the previous one and
// the old previous one is dropped. So recently used entries survive and memory stays bounded:
// about 2 * (24 bytes per slot at load <= 1/2 + key bytes) per entry, up to the limits below.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/thread_annotations.h"
#include "storage/metrics.h"

namespace osprey::ingest {

struct SeriesHintCacheOptions {
  // Upper bounds on live entries and on the bytes of their keys (both generations together).
  size_t max_entries = size_t{1} << 21;
  size_t max_key_bytes = size_t{256} << 20;
  // Number of independently locked shards; rounded up to a power of two.
  int shards = 32;
};

// Thread-safe. Each call locks one shard for a hash-table probe and one key comparison.
class SeriesHintCache {
 public:
  explicit SeriesHintCache(const SeriesHintCacheOptions& options = {});
  ~SeriesHintCache();
  SeriesHintCache(const SeriesHintCache&) = delete;
  SeriesHintCache& operator=(const SeriesHintCache&) = delete;

  // The hash to pass to the other methods (xxh3 of the key).
  static uint64_t Hash(std::string_view key);

  // The ref cached for exactly `key`, or storage::kNoRef. Requires: hash == Hash(key).
  storage::SeriesRef Lookup(uint64_t hash, std::string_view key);
  // Caches `ref` for `key`, replacing any earlier ref. Keys too large for a generation are not
  // cached. Requires: hash == Hash(key), ref != kNoRef.
  void Insert(uint64_t hash, std::string_view key, storage::SeriesRef ref);
  // Forgets `key` if cached.
  void Erase(uint64_t hash, std::string_view key);

  // Live entries and their key bytes (both generations; an entry may be counted twice while
  // it is being moved forward). For tests and self-monitoring.
  size_t size() const;
  size_t key_bytes() const;

 private:
  class Generation;
  struct Shard;

  Shard& ShardFor(uint64_t hash) const;

  const size_t num_shards_;
  const int shard_shift_;
  const size_t entries_per_generation_;
  const size_t key_bytes_per_generation_;
  const std::unique_ptr<Shard[]> shards_;
};

}  // namespace osprey::ingest
