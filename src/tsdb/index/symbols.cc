// Layout of one shard:
//  - arena: blocks (1 KiB growing to 64 KiB) of records `varint(length) bytes`; a symbol
//    over 16 KiB gets a block of its own. Blocks never move and are freed only with the
//    table, which keeps Lookup()'s views valid. A record is named by a 32-bit ref,
//    `block index << 16 | offset`.
//  - blocks: block index -> block pointer; directory: local id -> record ref. Both are
//    SegmentedArrays, whose segments never move, so Lookup() reads them without the lock
//    (acquire loads pair with the release stores made under the lock).
//  - hash table: open addressing with linear probing over `local id + 1` (0 = empty);
//    keys are compared through the directory, so a slot costs 4 bytes.
// Invariant: a local id's directory entry, and the block it names, are published before
// Intern() returns the id.
#include "tsdb/index/symbols.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstring>
#include <vector>

#include "base/check.h"
#include "tsdb/index/rw_mutex.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace osprey::tsdb {
namespace {

constexpr uint32_t kMaxLocalIds = uint32_t{1} << (32 - SymbolTable::kShardBits);
constexpr uint32_t kMaxBlocks = uint32_t{1} << 16;
constexpr size_t kMinBlockSize = 1024;
constexpr size_t kMaxBlockSize = 64 * 1024;  // offsets fit 16 bits
constexpr size_t kLargeSymbol = kMaxBlockSize / 4;
constexpr size_t kInitialSlots = 64;

uint64_t HashOf(std::string_view s) { return XXH3_64bits(s.data(), s.size()); }

// An array of T indexed from 0 that grows without moving: segment k holds indexes
// [64 * (2^k - 1), 64 * (2^(k+1) - 1)). Get() is lock-free; Set() requires the owner's
// lock (one writer at a time).
template <typename T, size_t kMaxSegments>
class SegmentedArray {
 public:
  T Get(size_t i) const {
    size_t seg = SegmentOf(i);
    return segments_[seg].load(std::memory_order_acquire)[i - SegmentStart(seg)].load(
        std::memory_order_acquire);
  }

  void Set(size_t i, T value) {
    size_t seg = SegmentOf(i);
    OSPREY_CHECK(seg < kMaxSegments) << "SegmentedArray full";
    if (owned_[seg] == nullptr) {
      owned_[seg] = std::make_unique<std::atomic<T>[]>(SegmentSize(seg));
      segments_[seg].store(owned_[seg].get(), std::memory_order_release);
    }
    owned_[seg][i - SegmentStart(seg)].store(value, std::memory_order_release);
  }

  size_t AllocatedBytes() const {
    size_t bytes = 0;
    for (size_t k = 0; k < kMaxSegments && owned_[k] != nullptr; ++k) {
      bytes += SegmentSize(k) * sizeof(std::atomic<T>);
    }
    return bytes;
  }

 private:
  static constexpr int kFirstSegmentBits = 6;
  static size_t SegmentOf(size_t i) { return std::bit_width((i >> kFirstSegmentBits) + 1) - 1; }
  static size_t SegmentStart(size_t k) { return ((size_t{1} << k) - 1) << kFirstSegmentBits; }
  static size_t SegmentSize(size_t k) { return size_t{1} << (k + kFirstSegmentBits); }

  std::array<std::unique_ptr<std::atomic<T>[]>, kMaxSegments> owned_;
  std::array<std::atomic<std::atomic<T>*>, kMaxSegments> segments_{};
};

size_t VarintSize(size_t n) {
  size_t len = 1;
  while (n >= 0x80) {
    n >>= 7;
    ++len;
  }
  return len;
}

std::string_view DecodeRecord(const char* rec) {
  const auto* p = reinterpret_cast<const unsigned char*>(rec);
  size_t len = 0;
  int shift = 0;
  while (*p & 0x80) {
    len |= size_t{*p & 0x7fu} << shift;
    shift += 7;
    ++p;
  }
  len |= size_t{*p} << shift;
  ++p;
  return {reinterpret_cast<const char*>(p), len};
}

}  // namespace

class SymbolTable::Shard {
 public:
  Shard() : slots_(kInitialSlots, 0) {}

  std::optional<uint32_t> Find(std::string_view s, uint64_t hash) const {
    ReaderLock lock(mu_);
    return FindLocked(s, hash);
  }

  uint32_t Intern(std::string_view s, uint64_t hash) {
    if (std::optional<uint32_t> local = Find(s, hash)) return *local;
    WriterLock lock(mu_);
    if (std::optional<uint32_t> local = FindLocked(s, hash)) return *local;
    const uint32_t local = count_;
    OSPREY_CHECK(local < kMaxLocalIds) << "symbol table shard full";
    if ((size_t{local} + 1) * 10 > slots_.size() * 7) Rehash(slots_.size() * 2);
    directory_.Set(local, Store(s));
    size_t mask = slots_.size() - 1;
    size_t i = hash & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = local + 1;
    ++count_;
    return local;
  }

  // Lock-free.
  std::string_view Get(uint32_t local) const {
    uint32_t ref = directory_.Get(local);
    return DecodeRecord(blocks_.Get(ref >> 16) + (ref & 0xffff));
  }

  size_t size() const {
    ReaderLock lock(mu_);
    return count_;
  }

  size_t MemoryBytes() const {
    ReaderLock lock(mu_);
    return arena_bytes_ + slots_.capacity() * sizeof(uint32_t) +
           owned_blocks_.capacity() * sizeof(owned_blocks_[0]) + directory_.AllocatedBytes() +
           blocks_.AllocatedBytes();
  }

 private:
  std::optional<uint32_t> FindLocked(std::string_view s, uint64_t hash) const
      OSPREY_REQUIRES_SHARED(mu_) {
    size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask; slots_[i] != 0; i = (i + 1) & mask) {
      if (Get(slots_[i] - 1) == s) return slots_[i] - 1;
    }
    return std::nullopt;
  }

  void Rehash(size_t new_size) OSPREY_REQUIRES(mu_) {
    std::vector<uint32_t> slots(new_size, 0);
    size_t mask = new_size - 1;
    for (uint32_t entry : slots_) {
      if (entry == 0) continue;
      size_t i = HashOf(Get(entry - 1)) & mask;
      while (slots[i] != 0) i = (i + 1) & mask;
      slots[i] = entry;
    }
    slots_ = std::move(slots);
  }

  // Publishes a new block of `size` bytes; returns its index.
  uint32_t NewBlock(size_t size) OSPREY_REQUIRES(mu_) {
    const auto index = static_cast<uint32_t>(owned_blocks_.size());
    OSPREY_CHECK(index < kMaxBlocks) << "symbol table shard full";
    owned_blocks_.push_back(std::make_unique<char[]>(size));
    arena_bytes_ += size;
    blocks_.Set(index, owned_blocks_.back().get());
    return index;
  }

  // Copies `s` into the arena; returns its record's ref.
  uint32_t Store(std::string_view s) OSPREY_REQUIRES(mu_) {
    const size_t need = VarintSize(s.size()) + s.size();
    uint32_t block;
    size_t offset = 0;
    if (need > kLargeSymbol) {
      block = NewBlock(need);  // leaves the current block in use
    } else {
      if (need > block_left_) {
        const size_t size = std::clamp(arena_bytes_ / 2, kMinBlockSize, kMaxBlockSize);
        current_block_ = NewBlock(size);
        block_used_ = 0;
        block_left_ = size;
      }
      block = current_block_;
      offset = block_used_;
      block_used_ += need;
      block_left_ -= need;
    }
    auto* p = reinterpret_cast<unsigned char*>(owned_blocks_[block].get() + offset);
    size_t n = s.size();
    while (n >= 0x80) {
      *p++ = static_cast<unsigned char>(n | 0x80);
      n >>= 7;
    }
    *p++ = static_cast<unsigned char>(n);
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    return (block << 16) | static_cast<uint32_t>(offset);
  }

  mutable RwMutex mu_;
  std::vector<std::unique_ptr<char[]>> owned_blocks_ OSPREY_GUARDED_BY(mu_);
  uint32_t current_block_ OSPREY_GUARDED_BY(mu_) = 0;
  size_t block_used_ OSPREY_GUARDED_BY(mu_) = 0;
  size_t block_left_ OSPREY_GUARDED_BY(mu_) = 0;
  size_t arena_bytes_ OSPREY_GUARDED_BY(mu_) = 0;
  std::vector<uint32_t> slots_ OSPREY_GUARDED_BY(mu_);
  uint32_t count_ OSPREY_GUARDED_BY(mu_) = 0;
  // Written under mu_, read lock-free by Get(). 11 segments hold 2^16 blocks; 23 hold
  // 2^28 local ids.
  SegmentedArray<const char*, 11> blocks_;
  SegmentedArray<uint32_t, 23> directory_;
};

SymbolTable::SymbolTable() {
  for (auto& shard : shards_) shard = std::make_unique<Shard>();
}

SymbolTable::~SymbolTable() = default;

uint32_t SymbolTable::Intern(std::string_view s) {
  uint64_t hash = HashOf(s);
  uint32_t shard = static_cast<uint32_t>(hash >> (64 - kShardBits));
  return (shards_[shard]->Intern(s, hash) << kShardBits) | shard;
}

std::optional<uint32_t> SymbolTable::Find(std::string_view s) const {
  uint64_t hash = HashOf(s);
  uint32_t shard = static_cast<uint32_t>(hash >> (64 - kShardBits));
  std::optional<uint32_t> local = shards_[shard]->Find(s, hash);
  if (!local) return std::nullopt;
  return (*local << kShardBits) | shard;
}

std::string_view SymbolTable::Lookup(uint32_t id) const {
  return shards_[id & (kNumShards - 1)]->Get(id >> kShardBits);
}

size_t SymbolTable::size() const {
  size_t n = 0;
  for (const auto& shard : shards_) n += shard->size();
  return n;
}

size_t SymbolTable::MemoryBytes() const {
  size_t bytes = sizeof(*this);
  for (const auto& shard : shards_) bytes += sizeof(Shard) + shard->MemoryBytes();
  return bytes;
}

}  // namespace osprey::tsdb
