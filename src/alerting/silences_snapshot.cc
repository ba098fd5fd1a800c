// Layout (little-endian; docs/format/silences_snapshot.md):
//   magic "OSIL" | u8 version (1) | 3 zero bytes | u32 count | count x silence | u32 crc32
//   silence: str id | i64 starts_at | i64 ends_at | i64 updated_at | str created_by |
//            str comment | u32 matcher count | matchers: u8 type | str name | str value
//   str: u32 length | bytes
// The CRC-32 (IEEE) covers every byte before it, so a torn or bit-flipped file is rejected as
// a whole rather than half-loaded.
#include "alerting/silences_snapshot.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <utility>

#include "model/matcher.h"

namespace osprey::alerting {
namespace {

constexpr std::string_view kMagic = "OSIL";
constexpr uint8_t kVersion = 1;
constexpr size_t kHeaderSize = 12;  // magic, version, 3 zero bytes, count
// Smallest encoded silence: empty id, 3 timestamps, empty created_by and comment, 0 matchers.
constexpr size_t kMinSilenceSize = 4 + 24 + 4 + 4 + 4;
constexpr size_t kMinMatcherSize = 1 + 4 + 4;

std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}

uint32_t Crc32(std::string_view data) {
  static const std::array<uint32_t, 256> kTable = MakeCrcTable();
  uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : data) c = kTable[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void PutI64(std::string& out, int64_t v) {
  const auto u = static_cast<uint64_t>(v);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((u >> (8 * i)) & 0xFF));
}
void PutStr(std::string& out, std::string_view s) {
  PutU32(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}

uint8_t MatchTypeCode(model::MatchType t) {
  switch (t) {
    case model::MatchType::kEqual:
      return 0;
    case model::MatchType::kNotEqual:
      return 1;
    case model::MatchType::kRegexMatch:
      return 2;
    case model::MatchType::kRegexNoMatch:
      return 3;
  }
  return 0;
}

// Bounds-checked reader; every failure names the offset.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  size_t offset() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  // Requires: n <= remaining().
  void Skip(size_t n) { pos_ += n; }

  Status Error(std::string_view what) const {
    std::string m("silences snapshot: ");
    m.append(what).append(" at byte ").append(std::to_string(pos_));
    return DataLossError(std::move(m));
  }
  Result<uint8_t> U8(std::string_view what) {
    if (remaining() < 1) return Error(std::string("truncated ").append(what));
    return static_cast<uint8_t>(data_[pos_++]);
  }
  Result<uint32_t> U32(std::string_view what) {
    if (remaining() < 4) return Error(std::string("truncated ").append(what));
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
      v |= static_cast<uint32_t>(static_cast<uint8_t>(data_[pos_ + i])) << (8 * i);
    pos_ += 4;
    return v;
  }
  Result<int64_t> I64(std::string_view what) {
    if (remaining() < 8) return Error(std::string("truncated ").append(what));
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
      v |= static_cast<uint64_t>(static_cast<uint8_t>(data_[pos_ + i])) << (8 * i);
    pos_ += 8;
    return static_cast<int64_t>(v);
  }
  Result<std::string> Str(std::string_view what) {
    OSPREY_ASSIGN_OR_RETURN(uint32_t n, U32(what));
    if (remaining() < n) return Error(std::string("truncated ").append(what));
    std::string s(data_.substr(pos_, n));
    pos_ += n;
    return s;
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

Result<model::Matcher> DecodeMatcher(Reader& r) {
  OSPREY_ASSIGN_OR_RETURN(uint8_t type, r.U8("matcher type"));
  if (type > 3) return r.Error(std::string("unknown matcher type ").append(std::to_string(type)));
  OSPREY_ASSIGN_OR_RETURN(std::string name, r.Str("matcher name"));
  OSPREY_ASSIGN_OR_RETURN(std::string value, r.Str("matcher value"));
  static constexpr model::MatchType kTypes[] = {
      model::MatchType::kEqual, model::MatchType::kNotEqual, model::MatchType::kRegexMatch,
      model::MatchType::kRegexNoMatch};
  auto m = model::Matcher::Create(kTypes[type], std::move(name), std::move(value));
  if (!m.ok()) return r.Error(std::string("bad matcher: ").append(m.status().message()));
  return std::move(m).value();
}

Result<Silence> DecodeSilence(Reader& r) {
  Silence s;
  OSPREY_ASSIGN_OR_RETURN(s.id, r.Str("id"));
  OSPREY_ASSIGN_OR_RETURN(s.starts_at, r.I64("starts_at"));
  OSPREY_ASSIGN_OR_RETURN(s.ends_at, r.I64("ends_at"));
  OSPREY_ASSIGN_OR_RETURN(s.updated_at, r.I64("updated_at"));
  OSPREY_ASSIGN_OR_RETURN(s.created_by, r.Str("created_by"));
  OSPREY_ASSIGN_OR_RETURN(s.comment, r.Str("comment"));
  OSPREY_ASSIGN_OR_RETURN(uint32_t n, r.U32("matcher count"));
  if (n > r.remaining() / kMinMatcherSize) return r.Error("matcher count larger than the file");
  s.matchers.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    OSPREY_ASSIGN_OR_RETURN(model::Matcher m, DecodeMatcher(r));
    s.matchers.push_back(std::move(m));
  }
  return s;
}

}  // namespace

std::string EncodeSilencesSnapshot(std::span<const Silence> silences) {
  std::string out(kMagic);
  out.push_back(static_cast<char>(kVersion));
  out.append(3, '\0');
  PutU32(out, static_cast<uint32_t>(silences.size()));
  for (const Silence& s : silences) {
    PutStr(out, s.id);
    PutI64(out, s.starts_at);
    PutI64(out, s.ends_at);
    PutI64(out, s.updated_at);
    PutStr(out, s.created_by);
    PutStr(out, s.comment);
    PutU32(out, static_cast<uint32_t>(s.matchers.size()));
    for (const model::Matcher& m : s.matchers) {
      out.push_back(static_cast<char>(MatchTypeCode(m.type())));
      PutStr(out, m.name());
      PutStr(out, m.value());
    }
  }
  PutU32(out, Crc32(out));
  return out;
}

Result<std::vector<Silence>> DecodeSilencesSnapshot(std::string_view data) {
  if (data.size() < kHeaderSize + 4 || data.substr(0, kMagic.size()) != kMagic) {
    return DataLossError("silences snapshot: not a silences snapshot (bad magic or too short)");
  }
  const auto version = static_cast<uint8_t>(data[4]);
  if (version != kVersion) {
    return DataLossError(
        std::string("silences snapshot: unsupported version ").append(std::to_string(version)));
  }
  if (data[5] != 0 || data[6] != 0 || data[7] != 0) {
    return DataLossError("silences snapshot: reserved header bytes are not zero");
  }
  const std::string_view body = data.substr(0, data.size() - 4);
  Reader crc_reader(data.substr(data.size() - 4));
  OSPREY_ASSIGN_OR_RETURN(uint32_t want_crc, crc_reader.U32("checksum"));
  if (Crc32(body) != want_crc) {
    return DataLossError("silences snapshot: checksum mismatch (file corrupt or truncated)");
  }
  Reader rr(body);
  rr.Skip(8);  // magic, version, reserved: checked above
  OSPREY_ASSIGN_OR_RETURN(uint32_t count, rr.U32("silence count"));
  if (count > rr.remaining() / kMinSilenceSize)
    return rr.Error("silence count larger than the file");
  std::vector<Silence> out;
  out.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    OSPREY_ASSIGN_OR_RETURN(Silence s, DecodeSilence(rr));
    out.push_back(std::move(s));
  }
  if (rr.remaining() != 0) return rr.Error("trailing bytes after the last silence");
  return out;
}

std::string WithValidChecksumForTest(std::string_view data) {
  std::string out(data.substr(0, data.size() < 4 ? data.size() : data.size() - 4));
  PutU32(out, Crc32(out));
  return out;
}

}  // namespace osprey::alerting
