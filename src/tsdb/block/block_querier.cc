// Block::NewQuerier: matcher evaluation over the block's postings, series sets in label
// order, and iterators that decode a series' columns on first use.
#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "base/file_system.h"
#include "tsdb/block/block_reader.h"
#include "tsdb/block/internal/block_index.h"
#include "tsdb/block/internal/encoding.h"
#include "tsdb/chunk/column_codec.h"

namespace osprey::tsdb {

using block_internal::ChunkInfo;
using block_internal::FrameInfo;
using block_internal::FrameKind;
using block_internal::ParsedIndex;

// Thread-compatible (Querier contract). Holds a reference to its block.
class BlockQuerier final : public storage::Querier {
 public:
  BlockQuerier(std::shared_ptr<const Block> block, model::TimeRange range,
               std::shared_ptr<const Tombstones> tombstones)
      : block_(std::move(block)),
        index_(*block_->index_),
        range_(range),
        tombstones_(std::move(tombstones)) {}

  std::unique_ptr<storage::SeriesSet> Select(const storage::SelectHints& hints,
                                             std::span<const model::Matcher> matchers) override;
  Result<std::vector<std::string>> LabelNames(std::span<const model::Matcher> matchers) override;
  Result<std::vector<std::string>> LabelValues(std::string_view name,
                                               std::span<const model::Matcher> matchers) override;

  const ParsedIndex& index() const { return index_; }
  model::TimeRange range() const { return range_; }
  // The deleted intervals of series `id`, or null.
  const Intervals* Deleted(uint32_t id) const {
    return tombstones_ != nullptr ? tombstones_->Find(id) : nullptr;
  }
  model::Labels LabelsOf(uint32_t id) const;
  // The bytes of one column, a view into a cached frame valid until the next call.
  Result<std::string_view> Column(FrameKind kind, uint64_t offset, uint32_t len);
  Status DataError(const Status& s) const { return s.Annotate(JoinPath(block_->dir(), "data")); }

 private:
  // Decompressed frames kept per stream; the lowest-numbered is dropped first, which suits
  // the usual in-order reads.
  static constexpr size_t kMaxCachedFrames = 8;

  std::shared_ptr<const Block> block_;
  const ParsedIndex& index_;
  model::TimeRange range_;
  // shared_ptr: an immutable snapshot the Db shares with every querier of this block.
  std::shared_ptr<const Tombstones> tombstones_;
  std::array<std::map<size_t, std::string>, 2> cache_;
};

namespace {

class BlockIterator final : public storage::SampleIterator {
 public:
  BlockIterator(BlockQuerier* q, uint32_t id) : q_(q) {
    const block_internal::SeriesInfo& s = q->index().series[id];
    next_chunk_ = s.chunks_begin;
    end_chunk_ = s.chunks_begin + s.num_chunks;
  }

  bool Next() override {
    if (done_) return false;
    if (started_ && pos_ + 1 < ts_.size()) {
      ++pos_;
      return Check();
    }
    started_ = true;
    return LoadUntil(q_->range().min);
  }

  bool Seek(model::Timestamp t) override {
    if (done_) return false;
    t = std::max(t, q_->range().min);
    if (started_ && pos_ < ts_.size()) {
      if (ts_[pos_] >= t) return true;
      if (ts_.back() >= t) {
        pos_ = static_cast<size_t>(
            std::lower_bound(ts_.begin() + static_cast<ptrdiff_t>(pos_), ts_.end(), t) -
            ts_.begin());
        return Check();
      }
    }
    started_ = true;
    return LoadUntil(t);
  }

  model::Sample At() const override { return {ts_[pos_], vs_[pos_]}; }
  Status status() const override { return status_; }

 private:
  bool Check() {
    if (ts_[pos_] > q_->range().max) return Finish();
    return true;
  }
  bool Finish() {
    done_ = true;
    return false;
  }

  // Loads chunks until one has a sample >= t, and positions there.
  bool LoadUntil(model::Timestamp t) {
    const auto& chunks = q_->index().chunks;
    while (next_chunk_ < end_chunk_) {
      const ChunkInfo& c = chunks[next_chunk_++];
      if (c.max_t < t) continue;
      if (c.min_t > q_->range().max) break;
      if (!Decode(c)) return Finish();
      pos_ = static_cast<size_t>(std::lower_bound(ts_.begin(), ts_.end(), t) - ts_.begin());
      if (pos_ < ts_.size()) return Check();
    }
    ts_.clear();
    return Finish();
  }

  bool Decode(const ChunkInfo& c) {
    auto col = q_->Column(FrameKind::kTimestamps, c.ts_offset, c.ts_len);
    Status st = col.status();
    if (st.ok()) st = DecodeTimestamps(*col, &ts_, c.num_samples);
    if (st.ok()) {
      col = q_->Column(FrameKind::kValues, c.vs_offset, c.vs_len);
      st = col.status();
    }
    if (st.ok()) st = DecodeValues(*col, &vs_, c.num_samples);
    if (st.ok() && (ts_.size() != c.num_samples || vs_.size() != c.num_samples)) {
      st = DataLossError("column sample count differs from the index");
    }
    if (!st.ok()) {
      status_ = q_->DataError(st);
      ts_.clear();
      vs_.clear();
      return false;
    }
    return true;
  }

  BlockQuerier* q_;
  uint32_t next_chunk_ = 0;
  uint32_t end_chunk_ = 0;
  std::vector<int64_t> ts_;
  std::vector<double> vs_;
  size_t pos_ = 0;
  bool started_ = false;
  bool done_ = false;
  Status status_;
};

class BlockSeries final : public storage::Series {
 public:
  void Reset(BlockQuerier* q, uint32_t id) {
    q_ = q;
    id_ = id;
    labels_ = q->LabelsOf(id);
  }
  const model::Labels& labels() const override { return labels_; }
  std::unique_ptr<storage::SampleIterator> Iterator() const override {
    std::unique_ptr<storage::SampleIterator> it = std::make_unique<BlockIterator>(q_, id_);
    if (const Intervals* deleted = q_->Deleted(id_)) return FilterDeleted(std::move(it), *deleted);
    return it;
  }

 private:
  BlockQuerier* q_ = nullptr;
  uint32_t id_ = 0;
  model::Labels labels_;
};

class BlockSeriesSet final : public storage::SeriesSet {
 public:
  BlockSeriesSet(BlockQuerier* q, std::vector<uint32_t> ids) : q_(q), ids_(std::move(ids)) {}

  bool Next() override {
    const ParsedIndex& index = q_->index();
    const model::TimeRange r = q_->range();
    while (next_ < ids_.size()) {
      const uint32_t id = ids_[next_++];
      const block_internal::SeriesInfo& s = index.series[id];
      const Intervals* deleted = q_->Deleted(id);
      for (uint32_t c = s.chunks_begin; c < s.chunks_begin + s.num_chunks; ++c) {
        const block_internal::ChunkInfo& chunk = index.chunks[c];
        if (chunk.max_t < r.min || chunk.min_t > r.max) continue;
        // A chunk whose part inside the range is deleted whole adds nothing.
        if (deleted != nullptr &&
            IsCovered(*deleted, {std::max(chunk.min_t, r.min), std::min(chunk.max_t, r.max)})) {
          continue;
        }
        series_.Reset(q_, id);
        return true;
      }
    }
    return false;
  }
  const storage::Series& At() const override { return series_; }
  Status status() const override { return OkStatus(); }

 private:
  BlockQuerier* q_;
  std::vector<uint32_t> ids_;
  size_t next_ = 0;
  BlockSeries series_;
};

std::vector<uint32_t> ToVector(const Roaring& r) {
  std::vector<uint32_t> out(r.cardinality());
  if (!out.empty()) r.toUint32Array(out.data());
  return out;
}

}  // namespace

model::Labels BlockQuerier::LabelsOf(uint32_t id) const {
  const block_internal::SeriesInfo& s = index_.series[id];
  std::vector<model::Label> labels;
  labels.reserve(s.num_labels);
  for (uint32_t i = 0; i < s.num_labels; ++i) {
    labels.push_back({std::string(index_.symbols[index_.label_refs[s.labels_begin + 2 * i]]),
                      std::string(index_.symbols[index_.label_refs[s.labels_begin + 2 * i + 1]])});
  }
  return model::Labels(std::move(labels));
}

Result<std::string_view> BlockQuerier::Column(FrameKind kind, uint64_t offset, uint32_t len) {
  const size_t k = static_cast<size_t>(kind);
  const std::vector<FrameInfo>& frames = index_.frames[k];
  auto it =
      std::upper_bound(frames.begin(), frames.end(), offset,
                       [](uint64_t off, const FrameInfo& f) { return off < f.logical_start; });
  if (it == frames.begin()) return DataLossError("column outside the frames");
  --it;
  const uint64_t in_frame = offset - it->logical_start;
  if (in_frame + len > it->raw_len) return DataLossError("column spans frames");
  const size_t frame_id = static_cast<size_t>(it - frames.begin());
  auto& cache = cache_[k];
  auto cached = cache.find(frame_id);
  if (cached == cache.end()) {
    OSPREY_ASSIGN_OR_RETURN(std::string raw,
                            block_internal::ReadFrame(block_->data_file_->bytes(), *it));
    if (cache.size() >= kMaxCachedFrames) cache.erase(cache.begin());
    cached = cache.emplace(frame_id, std::move(raw)).first;
  }
  return std::string_view(cached->second).substr(in_frame, len);
}

std::unique_ptr<storage::SeriesSet> BlockQuerier::Select(const storage::SelectHints& /*hints*/,
                                                         std::span<const model::Matcher> matchers) {
  auto ids = block_internal::SelectSeries(index_, matchers);
  if (!ids.ok()) {
    return storage::EmptySeriesSet(ids.status().Annotate(JoinPath(block_->dir(), "index")));
  }
  return std::make_unique<BlockSeriesSet>(this, ToVector(*ids));
}

Result<std::vector<std::string>> BlockQuerier::LabelNames(
    std::span<const model::Matcher> matchers) {
  std::vector<std::string> out;
  if (matchers.empty()) {
    for (const auto& n : index_.names) out.emplace_back(n.name);
    return out;
  }
  auto ids = block_internal::SelectSeries(index_, matchers);
  if (!ids.ok()) return ids.status().Annotate(JoinPath(block_->dir(), "index"));
  std::set<uint32_t> refs;  // symbol refs sort as their strings
  for (uint32_t id : *ids) {
    const block_internal::SeriesInfo& s = index_.series[id];
    for (uint32_t i = 0; i < s.num_labels; ++i)
      refs.insert(index_.label_refs[s.labels_begin + 2 * i]);
  }
  for (uint32_t r : refs) out.emplace_back(index_.symbols[r]);
  return out;
}

Result<std::vector<std::string>> BlockQuerier::LabelValues(
    std::string_view name, std::span<const model::Matcher> matchers) {
  std::vector<std::string> out;
  const block_internal::NameEntry* entry = index_.FindName(name);
  if (entry == nullptr) return out;
  if (matchers.empty()) {
    for (const auto& v : entry->values) out.emplace_back(v.value);
    return out;
  }
  auto ids = block_internal::SelectSeries(index_, matchers);
  if (!ids.ok()) return ids.status().Annotate(JoinPath(block_->dir(), "index"));
  std::set<uint32_t> refs;
  for (uint32_t id : *ids) {
    const block_internal::SeriesInfo& s = index_.series[id];
    for (uint32_t i = 0; i < s.num_labels; ++i) {
      if (index_.symbols[index_.label_refs[s.labels_begin + 2 * i]] == name) {
        refs.insert(index_.label_refs[s.labels_begin + 2 * i + 1]);
        break;
      }
    }
  }
  for (uint32_t r : refs) out.emplace_back(index_.symbols[r]);
  return out;
}

Result<std::unique_ptr<storage::Querier>> Block::NewQuerier(
    model::TimeRange range, std::shared_ptr<const Tombstones> tombstones) const {
  if (tombstones != nullptr && tombstones->empty()) tombstones.reset();
  return std::unique_ptr<storage::Querier>(
      std::make_unique<BlockQuerier>(shared_from_this(), range, std::move(tombstones)));
}

Result<std::vector<Block::SeriesSpan>> Block::SelectSeriesSpans(
    std::span<const model::Matcher> matchers) const {
  auto ids = block_internal::SelectSeries(*index_, matchers);
  if (!ids.ok()) return ids.status().Annotate(JoinPath(dir_, "index"));
  std::vector<SeriesSpan> out;
  out.reserve(ids->cardinality());
  for (uint32_t id : *ids) {
    const block_internal::SeriesInfo& s = index_->series[id];
    if (s.num_chunks == 0) continue;
    out.push_back({id,
                   {index_->chunks[s.chunks_begin].min_t,
                    index_->chunks[s.chunks_begin + s.num_chunks - 1].max_t}});
  }
  return out;
}

uint32_t Block::NumSeries() const { return static_cast<uint32_t>(index_->series.size()); }

}  // namespace osprey::tsdb
