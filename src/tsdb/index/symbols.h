// SymbolTable: interns the head's label names and values so each distinct string is
// stored once and named by a stable uint32 id.
//
//   SymbolTable symbols;
//   uint32_t id = symbols.Intern("node_cpu_seconds_total");
//   symbols.Lookup(id) == "node_cpu_seconds_total";  // the view lives as long as `symbols`
//
// Memory: a symbol costs its bytes, a 1-2 byte length prefix, a 4-byte directory slot and
// 6-11 bytes of hash table (4-byte slots at load factor 0.35-0.7): about 12-20 bytes over
// its length, since both arrays grow by doubling. Bytes live in arena blocks that never
// move, so views stay valid.
//
// No garbage collection: a symbol lives as long as the table (ids are never reused).
// Under label churn (pod names, ...) the owner reclaims space by building a new table
// from the live series at head truncation; see README.md.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

namespace osprey::tsdb {

// Thread-safe. Sharded 16 ways by hash: Intern() takes one shard's lock (shared when the
// symbol exists, exclusive to insert). Lookup() takes no lock.
class SymbolTable {
 public:
  SymbolTable();
  ~SymbolTable();
  SymbolTable(const SymbolTable&) = delete;
  SymbolTable& operator=(const SymbolTable&) = delete;

  // The id of `s`, adding it when new. Ids are stable for the table's lifetime but not
  // dense (the low bits name a shard). Cost: one xxh3 hash and a probe under a shared
  // lock; an insert also copies the bytes. Aborts past 2^28 symbols per shard.
  uint32_t Intern(std::string_view s);

  // The id of `s` when interned; adds nothing.
  std::optional<uint32_t> Find(std::string_view s) const;

  // The bytes of symbol `id`, valid for the table's lifetime. Lock-free.
  // Requires: `id` came from Intern() on this table (passed to this thread through any
  // synchronization, e.g. a lock or a queue).
  std::string_view Lookup(uint32_t id) const;

  // Number of distinct symbols.
  size_t size() const;

  // Heap bytes held: arena blocks, id directories and hash tables.
  size_t MemoryBytes() const;

  static constexpr int kShardBits = 4;
  static constexpr size_t kNumShards = size_t{1} << kShardBits;

 private:
  class Shard;
  std::array<std::unique_ptr<Shard>, kNumShards> shards_;
};

}  // namespace osprey::tsdb
