// Each generation is an open-addressing table with linear probing over 24-byte slots whose
// keys live in one arena string, so an insert allocates only when the table or arena grows.
// Slot hash 0 marks an empty slot; real hashes of 0 are stored as 1. Erase uses backward-shift
// deletion, so probe sequences never need tombstones. Shards use the top hash bits and
// slots the low bits, so the two choices are independent.
#include "ingest/series_hint_cache.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>

#include "base/check.h"

namespace osprey::ingest {

class SeriesHintCache::Generation {
 public:
  struct Slot {
    uint64_t hash = 0;
    storage::SeriesRef ref = storage::kNoRef;
    uint32_t offset = 0;
    uint32_t length = 0;
  };

  size_t count() const { return count_; }
  size_t key_bytes() const { return arena_.size(); }

  Slot* Find(uint64_t hash, std::string_view key) {
    if (slots_.empty()) return nullptr;
    const size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.hash == 0) return nullptr;
      if (s.hash == hash && s.length == key.size() &&
          std::memcmp(arena_.data() + s.offset, key.data(), key.size()) == 0) {
        return &s;
      }
    }
  }

  // Requires: key not present.
  void Insert(uint64_t hash, std::string_view key, storage::SeriesRef ref) {
    if ((count_ + 1) * 2 > slots_.size()) Grow();
    const size_t mask = slots_.size() - 1;
    size_t i = hash & mask;
    while (slots_[i].hash != 0) i = (i + 1) & mask;
    slots_[i] =
        Slot{hash, ref, static_cast<uint32_t>(arena_.size()), static_cast<uint32_t>(key.size())};
    arena_.append(key);
    ++count_;
  }

  // Requires: `slot` points into this generation. The key bytes stay in the arena until Clear.
  void Erase(Slot* slot) {
    const size_t mask = slots_.size() - 1;
    size_t hole = static_cast<size_t>(slot - slots_.data());
    for (size_t j = (hole + 1) & mask; slots_[j].hash != 0; j = (j + 1) & mask) {
      const size_t home = slots_[j].hash & mask;
      // Move j into the hole unless its home lies cyclically in (hole, j].
      const bool home_after_hole =
          hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (!home_after_hole) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole] = Slot{};
    --count_;
  }

  void Clear() {
    std::fill(slots_.begin(), slots_.end(), Slot{});
    arena_.clear();
    count_ = 0;
  }

  void Swap(Generation& other) {
    slots_.swap(other.slots_);
    arena_.swap(other.arena_);
    std::swap(count_, other.count_);
  }

 private:
  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(std::max<size_t>(16, old.size() * 2), Slot{});
    const size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.hash == 0) continue;
      size_t i = s.hash & mask;
      while (slots_[i].hash != 0) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;  // empty or a power of two, at most half full
  std::string arena_;
  size_t count_ = 0;
};

struct alignas(64) SeriesHintCache::Shard {
  mutable Mutex mu;
  Generation current OSPREY_GUARDED_BY(mu);
  Generation previous OSPREY_GUARDED_BY(mu);
};

namespace {

uint64_t NonZero(uint64_t hash) { return hash == 0 ? 1 : hash; }

}  // namespace

SeriesHintCache::SeriesHintCache(const SeriesHintCacheOptions& options)
    : num_shards_(std::bit_ceil(static_cast<size_t>(std::max(1, options.shards)))),
      shard_shift_(64 - std::countr_zero(num_shards_)),
      entries_per_generation_(std::max<size_t>(16, options.max_entries / num_shards_ / 2)),
      // Slot offsets are 32-bit.
      key_bytes_per_generation_(
          std::clamp<size_t>(options.max_key_bytes / num_shards_ / 2, 4096, UINT32_MAX)),
      shards_(std::make_unique<Shard[]>(num_shards_)) {}

SeriesHintCache::~SeriesHintCache() = default;

uint64_t SeriesHintCache::Hash(std::string_view key) { return XXH3_64bits(key.data(), key.size()); }

SeriesHintCache::Shard& SeriesHintCache::ShardFor(uint64_t hash) const {
  // A shift by 64 (one shard) is undefined, hence the branch.
  return shards_[num_shards_ == 1 ? 0 : hash >> shard_shift_];
}

storage::SeriesRef SeriesHintCache::Lookup(uint64_t hash, std::string_view key) {
  hash = NonZero(hash);
  Shard& shard = ShardFor(hash);
  MutexLock lock(shard.mu);
  if (Generation::Slot* s = shard.current.Find(hash, key)) return s->ref;
  Generation::Slot* old = shard.previous.Find(hash, key);
  if (old == nullptr) return storage::kNoRef;
  const storage::SeriesRef ref = old->ref;
  // Move the entry forward so it survives the next rotation; `key` equals its bytes.
  shard.previous.Erase(old);
  if (shard.current.count() + 1 > entries_per_generation_ ||
      shard.current.key_bytes() + key.size() > key_bytes_per_generation_) {
    shard.previous.Swap(shard.current);
    shard.current.Clear();
  }
  shard.current.Insert(hash, key, ref);
  return ref;
}

void SeriesHintCache::Insert(uint64_t hash, std::string_view key, storage::SeriesRef ref) {
  OSPREY_DCHECK(ref != storage::kNoRef) << "caching kNoRef";
  if (key.size() > key_bytes_per_generation_) return;
  hash = NonZero(hash);
  Shard& shard = ShardFor(hash);
  MutexLock lock(shard.mu);
  if (Generation::Slot* s = shard.current.Find(hash, key)) {
    s->ref = ref;
    return;
  }
  if (Generation::Slot* s = shard.previous.Find(hash, key)) shard.previous.Erase(s);
  if (shard.current.count() + 1 > entries_per_generation_ ||
      shard.current.key_bytes() + key.size() > key_bytes_per_generation_) {
    shard.previous.Swap(shard.current);
    shard.current.Clear();
  }
  shard.current.Insert(hash, key, ref);
}

void SeriesHintCache::Erase(uint64_t hash, std::string_view key) {
  hash = NonZero(hash);
  Shard& shard = ShardFor(hash);
  MutexLock lock(shard.mu);
  if (Generation::Slot* s = shard.current.Find(hash, key)) shard.current.Erase(s);
  if (Generation::Slot* s = shard.previous.Find(hash, key)) shard.previous.Erase(s);
}

size_t SeriesHintCache::size() const {
  size_t n = 0;
  for (size_t i = 0; i < num_shards_; ++i) {
    MutexLock lock(shards_[i].mu);
    n += shards_[i].current.count() + shards_[i].previous.count();
  }
  return n;
}

size_t SeriesHintCache::key_bytes() const {
  size_t n = 0;
  for (size_t i = 0; i < num_shards_; ++i) {
    MutexLock lock(shards_[i].mu);
    n += shards_[i].current.key_bytes() + shards_[i].previous.key_bytes();
  }
  return n;
}

}  // namespace osprey::ingest
