#include "remote/wal_position.h"

#include <algorithm>
#include <charconv>

namespace osprey::remote {
namespace {

constexpr std::string_view kMagic = "osprey-remote-write-position v1";
// More shards than any max_shards in use; bounds allocation on garbage input.
constexpr uint64_t kMaxShards = 1 << 16;

// Splits off the next line (without '\n'); false at the end.
bool NextLine(std::string_view& text, std::string_view* line) {
  if (text.empty()) return false;
  const size_t nl = text.find('\n');
  *line = text.substr(0, nl);
  text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
  return true;
}

template <typename T>
bool ParseNumber(std::string_view& s, T* out) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  if (ec != std::errc() || end == s.data()) return false;
  s.remove_prefix(static_cast<size_t>(end - s.data()));
  return true;
}

Status Bad(std::string_view why) {
  return DataLossError(std::string("remote_write position file: ").append(why));
}

}  // namespace

SampleKey WalPosition::Min() const {
  if (shards.empty()) return kBeforeWal;
  return *std::min_element(shards.begin(), shards.end());
}

std::string EncodePosition(const WalPosition& p) {
  std::string out(kMagic);
  out += "\nshards ";
  out += std::to_string(p.shards.size());
  out += '\n';
  for (const SampleKey& k : p.shards) {
    out += std::to_string(k.segment);
    out += ' ';
    out += std::to_string(k.offset);
    out += ' ';
    out += std::to_string(k.index);
    out += '\n';
  }
  return out;
}

Result<WalPosition> ParsePosition(std::string_view text) {
  std::string_view line;
  if (!NextLine(text, &line) || line != kMagic) return Bad("missing header line");
  if (!NextLine(text, &line) || !line.starts_with("shards ")) return Bad("missing shards line");
  line.remove_prefix(7);
  uint64_t n = 0;
  if (!ParseNumber(line, &n) || !line.empty()) return Bad("invalid shard count");
  if (n == 0 || n > kMaxShards) return Bad("shard count out of range");
  WalPosition p;
  p.shards.reserve(static_cast<size_t>(n));
  for (uint64_t i = 0; i < n; ++i) {
    if (!NextLine(text, &line)) return Bad("fewer shard lines than the shard count");
    SampleKey k;
    if (!ParseNumber(line, &k.segment) || !ParseNumber(line, &k.offset) ||
        !ParseNumber(line, &k.index) || !line.empty() || k.segment < -1) {
      return Bad(std::string("invalid line for shard ").append(std::to_string(i)));
    }
    p.shards.push_back(k);
  }
  if (!text.empty()) return Bad("trailing data");
  return p;
}

Result<WalPosition> ReadPositionFile(FileSystem& fs, const std::string& dir) {
  const std::string path = JoinPath(dir, "position");
  if (!fs.Exists(path)) return NotFoundError(std::string("no position file ").append(path));
  OSPREY_ASSIGN_OR_RETURN(std::string text, ReadFileToString(fs, path));
  Result<WalPosition> p = ParsePosition(text);
  if (!p.ok()) return p.status().Annotate(path);
  return p;
}

Status WritePositionFile(FileSystem& fs, const std::string& dir, const WalPosition& p) {
  OSPREY_RETURN_IF_ERROR(fs.CreateDirs(dir));
  return WriteFileAtomically(fs, JoinPath(dir, "position"), EncodePosition(p));
}

}  // namespace osprey::remote
