// Reading an arbitrary file as a WAL segment never crashes: it yields records or kDataLoss,
// and repairing the reported damage leaves a segment that reads cleanly.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "testing/mem_file_system.h"
#include "tsdb/wal/segment.h"
#include "tsdb/wal/wal.h"
#include "tsdb/wal/wal_reader.h"

namespace {

size_t ReadCount(osprey::FileSystem& fs, const std::string& dir, osprey::Status* status,
                 osprey::tsdb::CorruptionInfo* corruption) {
  auto reader = osprey::tsdb::WalReader::Open(fs, {osprey::tsdb::SegmentRange{dir}});
  if (!reader.ok()) __builtin_trap();
  size_t n = 0;
  while ((*reader)->Next()) ++n;
  *status = (*reader)->status();
  if ((*reader)->corruption() != nullptr) *corruption = *(*reader)->corruption();
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  osprey::testing::MemFileSystem fs;
  const std::string dir = "/wal";
  if (!fs.CreateDirs(dir).ok()) __builtin_trap();
  auto file = fs.NewWritableFile(osprey::tsdb::wal_format::SegmentPath(dir, 0));
  if (!file.ok()) __builtin_trap();
  if (!(*file)->Append(std::string_view(reinterpret_cast<const char*>(data), size)).ok()) {
    __builtin_trap();
  }
  osprey::Status status;
  osprey::tsdb::CorruptionInfo corruption;
  const size_t before = ReadCount(fs, dir, &status, &corruption);
  if (status.ok()) return 0;
  if (status.code() != osprey::StatusCode::kDataLoss || corruption.segment != 0) __builtin_trap();
  if (!osprey::tsdb::RepairWal(fs, dir, corruption).ok()) __builtin_trap();
  const size_t after = ReadCount(fs, dir, &status, &corruption);
  if (!status.ok() || after != before) __builtin_trap();
  return 0;
}
