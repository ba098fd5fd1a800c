#include "tsdb/block/block_meta.h"

#include <utility>
// nlohmann/json is header-only.
#include <nlohmann/json.hpp>

namespace osprey::tsdb {
namespace {

constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

}  // namespace

std::string SerializeBlockMeta(const BlockMeta& meta) {
  nlohmann::ordered_json j;
  j["ulid"] = meta.ulid;
  j["minTime"] = meta.range.min;
  // Exclusive on disk; saturates for a range ending at the largest timestamp.
  j["maxTime"] = meta.range.max == model::kMaxTimestamp ? meta.range.max : meta.range.max + 1;
  j["stats"] = {{"numSeries", meta.stats.num_series},
                {"numSamples", meta.stats.num_samples},
                {"numChunks", meta.stats.num_chunks}};
  j["compaction"] = {{"level", meta.compaction_level}, {"sources", meta.sources}};
  j["version"] = meta.version;
  return j.dump(1, '\t') + "\n";
}

Result<BlockMeta> ParseBlockMeta(std::string_view json) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return DataLossError("meta.json: not a JSON object");
  auto bad = [](std::string_view field) {
    return DataLossError("meta.json: missing or invalid \"" + std::string(field) + "\"");
  };
  BlockMeta m;
  auto ulid = j.find("ulid");
  if (ulid == j.end() || !ulid->is_string()) return bad("ulid");
  m.ulid = ulid->get<std::string>();
  if (!IsValidUlid(m.ulid)) return bad("ulid");
  auto min_time = j.find("minTime");
  auto max_time = j.find("maxTime");
  if (min_time == j.end() || !min_time->is_number_integer()) return bad("minTime");
  if (max_time == j.end() || !max_time->is_number_integer()) return bad("maxTime");
  m.range.min = min_time->get<int64_t>();
  const int64_t max_exclusive = max_time->get<int64_t>();
  if (max_exclusive <= m.range.min) return bad("maxTime");
  m.range.max = max_exclusive == model::kMaxTimestamp ? max_exclusive : max_exclusive - 1;
  auto stats = j.find("stats");
  if (stats == j.end() || !stats->is_object()) return bad("stats");
  for (auto [name, field] :
       {std::pair{"numSeries", &m.stats.num_series}, std::pair{"numSamples", &m.stats.num_samples},
        std::pair{"numChunks", &m.stats.num_chunks}}) {
    auto it = stats->find(name);
    if (it == stats->end() || !it->is_number_unsigned()) return bad(std::string("stats.") + name);
    *field = it->get<uint64_t>();
  }
  auto compaction = j.find("compaction");
  if (compaction == j.end() || !compaction->is_object()) return bad("compaction");
  auto level = compaction->find("level");
  if (level == compaction->end() || !level->is_number_integer()) return bad("compaction.level");
  m.compaction_level = level->get<int>();
  auto sources = compaction->find("sources");
  if (sources != compaction->end()) {
    if (!sources->is_array()) return bad("compaction.sources");
    for (const auto& s : *sources) {
      if (!s.is_string() || !IsValidUlid(s.get<std::string>())) return bad("compaction.sources");
      m.sources.push_back(s.get<std::string>());
    }
  }
  auto version = j.find("version");
  if (version == j.end() || !version->is_number_integer()) return bad("version");
  m.version = version->get<int>();
  if (m.version != kBlockMetaVersion) {
    return DataLossError("meta.json: unsupported version " + std::to_string(m.version));
  }
  return m;
}

std::string NewUlid(int64_t now_ms, std::mt19937_64& rng) {
  // 128 bits: 48 bits of time, 80 random; 26 characters of 5 bits (the first holds 3).
  const uint64_t time = static_cast<uint64_t>(now_ms) & ((uint64_t{1} << 48) - 1);
  const uint64_t r1 = rng();
  const uint64_t r2 = rng() & 0xFFFF;
  // hi: time (48) + top 16 random bits; lo: 64 random bits.
  const uint64_t hi = (time << 16) | r2;
  const uint64_t lo = r1;
  std::string out(26, '0');
  for (int i = 25; i >= 0; --i) {
    const int bit = (25 - i) * 5;  // position of this character's low bit
    uint64_t v;
    if (bit + 5 <= 64) {
      v = lo >> bit;
    } else if (bit >= 64) {
      v = hi >> (bit - 64);
    } else {
      v = (lo >> bit) | (hi << (64 - bit));
    }
    out[static_cast<size_t>(i)] = kCrockford[v & 31];
  }
  return out;
}

bool IsValidUlid(std::string_view s) {
  if (s.size() != 26) return false;
  if (s[0] > '7') return false;  // 130 bits encoded; the top two must be zero
  for (char c : s) {
    bool found = false;
    for (const char* p = kCrockford; *p != '\0'; ++p) found |= *p == c;
    if (!found) return false;
  }
  return true;
}

}  // namespace osprey::tsdb
