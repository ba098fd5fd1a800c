// Helpers shared by the WAL tests.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/file_system.h"
#include "base/logger.h"
#include "base/thread_annotations.h"
#include "gtest/gtest.h"
#include "metrics/registry.h"
#include "testing/mem_file_system.h"
#include "tsdb/wal/wal.h"
#include "tsdb/wal/wal_reader.h"

namespace osprey::tsdb::wal_test {

// A record whose content identifies `id` and has `size` bytes (at least 8). The rest is
// pseudo-random, so zstd cannot shrink it.
inline std::string MakeRecord(uint64_t id, size_t size) {
  std::string r(std::max<size_t>(size, 8), '\0');
  for (int i = 0; i < 8; ++i) r[i] = static_cast<char>(id >> (8 * i));
  uint64_t x = id * 0x9E3779B97F4A7C15ULL + size + 1;
  for (size_t i = 8; i < r.size(); ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    r[i] = static_cast<char>(x);
  }
  return r;
}

inline uint64_t RecordId(std::string_view r) {
  uint64_t id = 0;
  for (int i = 7; i >= 0; --i) id = id << 8 | static_cast<uint8_t>(r[i]);
  return id;
}

// Log lines, kept for assertions. Thread-safe.
class LogCapture {
 public:
  Logger logger() {
    return Logger(LogLevel::kDebug, LogFormat::kLogfmt, [this](std::string_view line) {
      MutexLock lock(mu_);
      lines_.emplace_back(line);
    });
  }
  std::vector<std::string> lines() {
    MutexLock lock(mu_);
    return lines_;
  }

 private:
  Mutex mu_;
  std::vector<std::string> lines_ OSPREY_GUARDED_BY(mu_);
};

// A file system, and a fresh metrics registry for every Wal opened (a registry takes one).
struct WalEnv {
  testing::MemFileSystem fs;
  LogCapture log;
  std::vector<std::unique_ptr<metrics::Registry>> registries;
  std::string dir = "/data/wal";

  std::unique_ptr<Wal> Open(WalOptions options = {}) { return Open(fs, options); }
  std::unique_ptr<Wal> Open(FileSystem& file_system, WalOptions options) {
    registries.push_back(std::make_unique<metrics::Registry>());
    auto wal = Wal::Open(file_system, dir, options, *registries.back(), log.logger());
    EXPECT_TRUE(wal.ok()) << wal.status().ToString();
    return wal.ok() ? std::move(wal).value() : nullptr;
  }
  metrics::Registry& last_registry() { return *registries.back(); }
};

// Every record of the replay of `dir` (last checkpoint, then segments); `status` gets the
// reader's final status and `corruption` a copy of its CorruptionInfo, if any.
inline std::vector<std::string> ReadAll(FileSystem& fs, const std::string& dir,
                                        Status* status = nullptr,
                                        CorruptionInfo* corruption = nullptr) {
  std::vector<std::string> out;
  auto reader = WalReader::OpenForReplay(fs, dir);
  if (!reader.ok()) {
    if (status != nullptr) *status = reader.status();
    return out;
  }
  while ((*reader)->Next()) out.emplace_back((*reader)->Record());
  if (status != nullptr) *status = (*reader)->status();
  if (corruption != nullptr && (*reader)->corruption() != nullptr) {
    *corruption = *(*reader)->corruption();
  }
  return out;
}

}  // namespace osprey::tsdb::wal_test
