// Interval arithmetic, the deleted-sample filter and the tombstones file
// (docs/format/tombstones.md).
#include "tsdb/block/tombstones.h"

#include <algorithm>

#include "tsdb/block/internal/encoding.h"
#include "tsdb/chunk/crc32c.h"

namespace osprey::tsdb {

using block_internal::Decoder;
using block_internal::LoadFixed32;
using block_internal::PutFixed32;
using block_internal::PutVarint;
using block_internal::UnZigZag;
using block_internal::ZigZag;

namespace {

constexpr char kMagic[4] = {'O', 'S', 'P', 'T'};
constexpr uint8_t kVersion = 1;

// Whether b starts right after a (no timestamp between them).
bool Adjacent(model::Timestamp a_max, model::Timestamp b_min) {
  return a_max != model::kMaxTimestamp && a_max + 1 == b_min;
}

class DeletedFilterIterator final : public storage::SampleIterator {
 public:
  DeletedFilterIterator(std::unique_ptr<storage::SampleIterator> inner, Intervals deleted)
      : inner_(std::move(inner)), deleted_(std::move(deleted)) {}

  bool Next() override {
    if (!inner_->Next()) return false;
    return SkipDeleted();
  }
  bool Seek(model::Timestamp t) override {
    if (!inner_->Seek(t)) return false;
    return SkipDeleted();
  }
  model::Sample At() const override { return inner_->At(); }
  Status status() const override { return inner_->status(); }

 private:
  // Moves past deleted samples, seeking over whole intervals. Requires: inner_ is on a sample.
  bool SkipDeleted() {
    while (true) {
      const model::Timestamp t = inner_->At().t;
      auto it =
          std::upper_bound(deleted_.begin(), deleted_.end(), t,
                           [](model::Timestamp x, const model::TimeRange& r) { return x < r.min; });
      if (it == deleted_.begin() || std::prev(it)->max < t) return true;
      const model::Timestamp end = std::prev(it)->max;
      if (end == model::kMaxTimestamp || !inner_->Seek(end + 1)) return false;
    }
  }

  std::unique_ptr<storage::SampleIterator> inner_;
  const Intervals deleted_;
};

}  // namespace

void AddInterval(Intervals& intervals, model::TimeRange iv) {
  // First interval that could merge: the first whose max reaches iv.min - 1.
  auto first = std::lower_bound(
      intervals.begin(), intervals.end(), iv.min,
      [](const model::TimeRange& r, int64_t t) { return r.max < t && !Adjacent(r.max, t); });
  auto last = first;
  while (last != intervals.end() && (last->min <= iv.max || Adjacent(iv.max, last->min))) {
    iv.min = std::min(iv.min, last->min);
    iv.max = std::max(iv.max, last->max);
    ++last;
  }
  first = intervals.erase(first, last);
  intervals.insert(first, iv);
}

bool IsDeleted(const Intervals& intervals, model::Timestamp t) {
  auto it =
      std::upper_bound(intervals.begin(), intervals.end(), t,
                       [](model::Timestamp x, const model::TimeRange& r) { return x < r.min; });
  return it != intervals.begin() && std::prev(it)->max >= t;
}

bool IsCovered(const Intervals& intervals, model::TimeRange r) {
  // Intervals are merged when adjacent, so one of them must hold all of r.
  auto it =
      std::upper_bound(intervals.begin(), intervals.end(), r.min,
                       [](model::Timestamp x, const model::TimeRange& iv) { return x < iv.min; });
  return it != intervals.begin() && std::prev(it)->max >= r.max;
}

void TruncateIntervals(Intervals& intervals, model::Timestamp mint) {
  std::erase_if(intervals, [mint](const model::TimeRange& r) { return r.max < mint; });
  if (!intervals.empty() && intervals.front().min < mint) intervals.front().min = mint;
}

std::unique_ptr<storage::SampleIterator> FilterDeleted(
    std::unique_ptr<storage::SampleIterator> inner, Intervals deleted) {
  if (deleted.empty()) return inner;
  return std::make_unique<DeletedFilterIterator>(std::move(inner), std::move(deleted));
}

const Intervals* Tombstones::Find(uint32_t id) const {
  auto it = series.find(id);
  return it == series.end() ? nullptr : &it->second;
}

uint64_t Tombstones::NumIntervals() const {
  uint64_t n = 0;
  for (const auto& [id, ivs] : series) n += ivs.size();
  return n;
}

std::string EncodeTombstonesFile(const Tombstones& tombstones) {
  std::string out(kMagic, 4);
  out.push_back(static_cast<char>(kVersion));
  out.append(3, '\0');
  uint64_t count = 0;
  for (const auto& [id, ivs] : tombstones.series) count += ivs.empty() ? 0 : 1;
  PutVarint(&out, count);
  uint32_t prev = 0;
  for (const auto& [id, ivs] : tombstones.series) {
    if (ivs.empty()) continue;
    PutVarint(&out, id - prev);
    prev = id;
    PutVarint(&out, ivs.size());
    for (const model::TimeRange& r : ivs) {
      PutVarint(&out, ZigZag(r.min));
      // Modulo 2^64: exact since min <= max.
      PutVarint(&out, static_cast<uint64_t>(r.max) - static_cast<uint64_t>(r.min));
    }
  }
  PutFixed32(&out, Crc32c(std::string_view(out)));
  return out;
}

Result<Tombstones> DecodeTombstonesFile(std::string_view bytes) {
  if (bytes.size() < 12 || bytes.substr(0, 4) != std::string_view(kMagic, 4)) {
    return DataLossError("tombstones: bad header");
  }
  if (static_cast<uint8_t>(bytes[4]) != kVersion) {
    return DataLossError("tombstones: unsupported version " +
                         std::to_string(static_cast<uint8_t>(bytes[4])));
  }
  const std::string_view body = bytes.substr(0, bytes.size() - 4);
  if (LoadFixed32(bytes.data() + body.size()) != Crc32c(body)) {
    return DataLossError("tombstones: checksum mismatch");
  }
  Decoder d(body.substr(8));
  Tombstones t;
  // Each entry takes at least 4 bytes, which bounds the counts before any allocation.
  const uint64_t count = d.Varint(d.remaining());
  uint64_t id = 0;
  for (uint64_t i = 0; i < count && d.ok(); ++i) {
    const uint64_t delta = d.Varint(UINT32_MAX);
    if (i > 0 && delta == 0) return DataLossError("tombstones: series ids not increasing");
    id += delta;
    if (id > UINT32_MAX) return DataLossError("tombstones: series id out of range");
    const uint64_t n = d.Varint(d.remaining());
    if (n == 0) return DataLossError("tombstones: series without intervals");
    Intervals& ivs = t.series[static_cast<uint32_t>(id)];
    for (uint64_t k = 0; k < n && d.ok(); ++k) {
      const int64_t min = UnZigZag(d.Varint());
      const uint64_t len = d.Varint();
      const int64_t max = static_cast<int64_t>(static_cast<uint64_t>(min) + len);
      if (max < min) return DataLossError("tombstones: interval ends before it starts");
      AddInterval(ivs, {min, max});
    }
  }
  if (!d.ok() || !d.done()) return DataLossError("tombstones: truncated or trailing bytes");
  return t;
}

Result<Tombstones> ReadTombstonesFile(FileSystem& fs, const std::string& block_dir) {
  const std::string path = JoinPath(block_dir, kTombstonesFileName);
  Result<std::string> bytes = ReadFileToString(fs, path);
  if (!bytes.ok()) {
    if (bytes.status().code() == StatusCode::kNotFound) return Tombstones{};
    return bytes.status();
  }
  Result<Tombstones> t = DecodeTombstonesFile(*bytes);
  if (!t.ok()) return t.status().Annotate(path);
  return t;
}

Status WriteTombstonesFile(FileSystem& fs, const std::string& block_dir,
                           const Tombstones& tombstones) {
  const std::string path = JoinPath(block_dir, kTombstonesFileName);
  if (tombstones.empty()) {
    if (!fs.Exists(path)) return OkStatus();
    OSPREY_RETURN_IF_ERROR(fs.Remove(path));
    return fs.SyncDir(block_dir);
  }
  return WriteFileAtomically(fs, path, EncodeTombstonesFile(tombstones));
}

}  // namespace osprey::tsdb
