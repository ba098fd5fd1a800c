// Page framing of WAL records (docs/format/wal.md).
//
// Invariant shared with WalReader: a fragment starts only where at least kHeaderSize + 1
// bytes remain in the page; otherwise the writer pads the page with zeros. FramedSize and
// AppendFramed walk the same loop, so the size the writer plans for a record is exactly the
// size it writes.
#include "tsdb/wal/segment.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "base/check.h"
#include "tsdb/chunk/crc32c.h"

namespace osprey::tsdb::wal_format {
namespace {

constexpr size_t kSegmentNameDigits = 8;
constexpr std::string_view kCheckpointPrefix = "checkpoint.";

std::optional<int> ParseIndex(std::string_view digits) {
  if (digits.size() < kSegmentNameDigits) return std::nullopt;
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  int v = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || v < 0) return std::nullopt;
  return v;
}

void PutLe16(char* p, uint16_t v) {
  p[0] = static_cast<char>(v);
  p[1] = static_cast<char>(v >> 8);
}

void PutLe32(char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(v >> (8 * i));
}

}  // namespace

uint64_t FramedSize(uint64_t offset, size_t n) {
  uint64_t pos = offset;
  size_t left = n;
  bool first = true;
  while (first || left > 0) {
    const size_t space = kPageSize - pos % kPageSize;
    if (space <= kHeaderSize) {
      pos += space;
      continue;
    }
    const size_t frag = std::min(left, space - kHeaderSize);
    pos += kHeaderSize + frag;
    left -= frag;
    first = false;
  }
  return pos - offset;
}

uint32_t FragmentCrc(uint8_t type, uint16_t length, std::string_view data) {
  char header[3];
  header[0] = static_cast<char>(type);
  PutLe16(header + 1, length);
  return Crc32c(data, Crc32c(std::string_view(header, sizeof(header))));
}

void AppendFramed(uint64_t offset, std::string_view data, uint8_t flags, std::string& out) {
  OSPREY_DCHECK(data.size() <= kMaxRecordSize) << data.size();
  uint64_t pos = offset;
  bool first = true;
  while (first || !data.empty()) {
    const size_t space = kPageSize - pos % kPageSize;
    if (space <= kHeaderSize) {
      out.append(space, '\0');
      pos += space;
      continue;
    }
    const size_t frag = std::min(data.size(), space - kHeaderSize);
    const bool last = frag == data.size();
    const uint8_t type = (first ? (last ? kFull : kFirst) : (last ? kLast : kMiddle)) | flags;
    const std::string_view chunk = data.substr(0, frag);
    char header[kHeaderSize];
    header[0] = static_cast<char>(type);
    PutLe16(header + 1, static_cast<uint16_t>(frag));
    PutLe32(header + 3, FragmentCrc(type, static_cast<uint16_t>(frag), chunk));
    out.append(header, kHeaderSize);
    out.append(chunk);
    pos += kHeaderSize + frag;
    data.remove_prefix(frag);
    first = false;
  }
}

std::string SegmentName(int index) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%08d", index);
  return buf;
}

std::optional<int> ParseSegmentName(std::string_view name) { return ParseIndex(name); }

std::string SegmentPath(std::string_view dir, int index) {
  return JoinPath(dir, SegmentName(index));
}

Result<std::vector<int>> ListSegments(FileSystem& fs, const std::string& dir) {
  OSPREY_ASSIGN_OR_RETURN(std::vector<std::string> names, fs.ListDir(dir));
  std::vector<int> indexes;
  for (const std::string& name : names) {
    if (auto index = ParseSegmentName(name)) indexes.push_back(*index);
  }
  std::sort(indexes.begin(), indexes.end());
  return indexes;
}

std::string CheckpointName(int index) {
  return std::string(kCheckpointPrefix) + SegmentName(index);
}

std::optional<int> ParseCheckpointName(std::string_view name) {
  if (!name.starts_with(kCheckpointPrefix)) return std::nullopt;
  return ParseIndex(name.substr(kCheckpointPrefix.size()));
}

}  // namespace osprey::tsdb::wal_format
