// The nflog snapshot codec; the format is documented in docs/format/nflog.md.
//
// Invariant of the decoder: every read is bounds-checked against the remaining input before
// it happens, and every count is checked against the bytes left, so that a corrupt or
// hostile file can neither crash us nor make us allocate more than its own size.
#include <xxhash.h>

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "alerting/nflog.h"

namespace osprey::alerting {
namespace {

constexpr std::string_view kMagic = "OSPNFLOG";
constexpr uint32_t kVersion = 1;
constexpr size_t kChecksumSize = 8;

void PutUvarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void PutVarint(std::string& out, int64_t v) {
  PutUvarint(out, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

void PutFixed64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void PutString(std::string& out, std::string_view s) {
  PutUvarint(out, s.size());
  out.append(s);
}

uint64_t Fixed64At(std::string_view s, size_t pos) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) {
    v |= static_cast<uint64_t>(static_cast<unsigned char>(s[pos + i])) << (8 * i);
  }
  return v;
}

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}

  size_t pos() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }

  Status Error(std::string_view what) const {
    std::string msg = "nflog snapshot: ";
    msg.append(what).append(" at byte offset ").append(std::to_string(pos_));
    return DataLossError(std::move(msg));
  }

  Result<uint64_t> Uvarint(std::string_view what) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) return Error(std::string("truncated ").append(what));
      const auto b = static_cast<unsigned char>(data_[pos_++]);
      if (shift == 63 && b > 1) return Error(std::string("overlong varint in ").append(what));
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    return Error(std::string("overlong varint in ").append(what));
  }

  Result<int64_t> Varint(std::string_view what) {
    OSPREY_ASSIGN_OR_RETURN(uint64_t u, Uvarint(what));
    return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  }

  Result<std::string> String(std::string_view what) {
    OSPREY_ASSIGN_OR_RETURN(uint64_t n, Uvarint(what));
    if (n > remaining()) return Error(std::string("truncated ").append(what));
    std::string s(data_.substr(pos_, n));
    pos_ += n;
    return s;
  }

  Result<std::vector<uint64_t>> Fingerprints(std::string_view what) {
    OSPREY_ASSIGN_OR_RETURN(uint64_t n, Uvarint(what));
    if (n > remaining() / 8) return Error(std::string("truncated ").append(what));
    std::vector<uint64_t> v;
    v.reserve(n);
    for (uint64_t i = 0; i < n; ++i) {
      v.push_back(Fixed64At(data_, pos_));
      pos_ += 8;
    }
    return v;
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace

std::string EncodeNflogSnapshot(const std::vector<NflogEntry>& entries) {
  std::string out(kMagic);
  PutUvarint(out, kVersion);
  PutUvarint(out, entries.size());
  for (const NflogEntry& e : entries) {
    PutString(out, e.group_key);
    PutString(out, e.receiver.group_name);
    PutString(out, e.receiver.integration);
    PutUvarint(out, e.receiver.idx);
    PutVarint(out, e.timestamp);
    PutVarint(out, e.expires_at);
    PutUvarint(out, e.firing_alerts.size());
    for (uint64_t fp : e.firing_alerts) PutFixed64(out, fp);
    PutUvarint(out, e.resolved_alerts.size());
    for (uint64_t fp : e.resolved_alerts) PutFixed64(out, fp);
  }
  PutFixed64(out, XXH3_64bits(out.data(), out.size()));
  return out;
}

Result<std::vector<NflogEntry>> DecodeNflogSnapshot(std::string_view data) {
  if (data.size() < kMagic.size() + kChecksumSize || data.substr(0, kMagic.size()) != kMagic) {
    return DataLossError("nflog snapshot: not an nflog snapshot (bad magic or too short)");
  }
  const std::string_view body = data.substr(0, data.size() - kChecksumSize);
  if (XXH3_64bits(body.data(), body.size()) != Fixed64At(data, body.size())) {
    return DataLossError("nflog snapshot: checksum mismatch (file truncated or corrupted)");
  }
  Reader r(body.substr(kMagic.size()));
  OSPREY_ASSIGN_OR_RETURN(uint64_t version, r.Uvarint("version"));
  if (version != kVersion) {
    return DataLossError(
        std::string("nflog snapshot: unsupported version ").append(std::to_string(version)));
  }
  OSPREY_ASSIGN_OR_RETURN(uint64_t count, r.Uvarint("entry count"));
  // Each entry takes at least 8 bytes: three empty strings, three one-byte varints and two
  // empty lists.
  if (count > r.remaining() / 8) return r.Error("entry count larger than the file");
  std::vector<NflogEntry> entries;
  entries.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    NflogEntry e;
    OSPREY_ASSIGN_OR_RETURN(e.group_key, r.String("group key"));
    OSPREY_ASSIGN_OR_RETURN(e.receiver.group_name, r.String("receiver name"));
    OSPREY_ASSIGN_OR_RETURN(e.receiver.integration, r.String("integration"));
    OSPREY_ASSIGN_OR_RETURN(uint64_t idx, r.Uvarint("integration index"));
    if (idx > UINT32_MAX) return r.Error("integration index out of range");
    e.receiver.idx = static_cast<uint32_t>(idx);
    OSPREY_ASSIGN_OR_RETURN(e.timestamp, r.Varint("timestamp"));
    OSPREY_ASSIGN_OR_RETURN(e.expires_at, r.Varint("expiry"));
    OSPREY_ASSIGN_OR_RETURN(e.firing_alerts, r.Fingerprints("firing alerts"));
    OSPREY_ASSIGN_OR_RETURN(e.resolved_alerts, r.Fingerprints("resolved alerts"));
    entries.push_back(std::move(e));
  }
  if (r.remaining() != 0) return r.Error("trailing bytes after the last entry");
  return entries;
}

}  // namespace osprey::alerting
