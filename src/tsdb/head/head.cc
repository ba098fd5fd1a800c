// Invariants:
//  - A series id is assigned once and never reused, so a SeriesRef handed to a client (as an
//    Append hint) always names the same label set.
//  - A series' samples are: mmapped chunks (ascending, non-overlapping), then head_chunk,
//    all in order; plus `ooo` (out-of-order window samples), each timestamp in exactly one.
//  - A series is in the WAL (series record) before any of its samples are; a series whose
//    record failed to be written waits in unlogged_series_ for the next commit.
#include "tsdb/head/head.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <unordered_map>

#include "tsdb/head/head_metrics.h"
#include "tsdb/head/series_map.h"
#include "tsdb/wal/records.h"
#include "tsdb/wal/wal_reader.h"

namespace osprey::tsdb {

Head::Head(FileSystem& fs, HeadOptions options, metrics::Registry& registry, Logger logger)
    : fs_(fs),
      options_(std::move(options)),
      logger_(std::move(logger)),
      metrics_(std::make_unique<Metrics>(registry)),
      postings_(symbols_),
      series_(std::make_unique<SeriesMap>()),
      min_valid_time_(options_.min_valid_time) {}

Head::~Head() { Close().IgnoreError(); }

Result<std::unique_ptr<Head>> Head::Open(FileSystem& fs, HeadOptions options,
                                         metrics::Registry& registry, Logger logger) {
  std::unique_ptr<Head> head(new Head(fs, std::move(options), registry, std::move(logger)));
  const std::string& dir = head->options_.dir;
  OSPREY_RETURN_IF_ERROR(fs.CreateDirs(dir));
  OSPREY_ASSIGN_OR_RETURN(
      head->chunks_,
      ChunkDiskMapper::Open(
          {.dir = dir + "/chunks_head", .max_segment_size = head->options_.chunk_segment_size}));
  OSPREY_ASSIGN_OR_RETURN(head->wal_, Wal::Open(fs, dir + "/wal", head->options_.wal, registry,
                                                head->logger_.With({{"component", "wal"}})));
  OSPREY_RETURN_IF_ERROR(head->Replay());
  return head;
}

Status Head::Replay() {
  auto start = std::chrono::steady_clock::now();
  // Completed chunks first, grouped by series; attached when the WAL defines the series.
  std::unordered_map<uint64_t, std::vector<MmappedChunk>> disk_chunks;
  ChunkReplayReport report;
  OSPREY_RETURN_IF_ERROR(chunks_->IterateAllChunks(
      [&](const DiskChunk& c) {
        // Chunks of a range already persisted as a block (their segment outlived the
        // truncation because it also holds newer chunks) stay out of the head.
        if (c.max_time >= options_.min_valid_time) {
          disk_chunks[c.series_ref].push_back({c.ref, c.min_time, c.max_time});
        }
        return OkStatus();
      },
      &report));
  for (const std::string& c : report.corruptions) {
    metrics_->chunk_corruptions.Inc();
    logger_.Warn("Truncated a damaged head chunk segment", {{"detail", c}});
  }

  OSPREY_ASSIGN_OR_RETURN(auto reader, WalReader::OpenForReplay(fs_, options_.dir + "/wal"));
  std::vector<RefSeries> series;
  std::vector<RefSample> samples;
  std::vector<Tombstone> tombstones;
  uint64_t num_samples = 0;
  uint64_t num_records = 0;
  uint32_t max_id = 0;
  while (reader->Next()) {
    ++num_records;
    std::string_view rec = reader->Record();
    switch (GetRecordType(rec)) {
      case RecordType::kSeries: {
        OSPREY_RETURN_IF_ERROR(DecodeSeries(rec, &series));
        for (RefSeries& rs : series) {
          if (rs.ref == 0 || rs.ref > UINT32_MAX) {
            return DataLossError("wal series record with invalid ref " + std::to_string(rs.ref));
          }
          uint32_t id = static_cast<uint32_t>(rs.ref);
          max_id = std::max(max_id, id);
          if (series_->GetById(id) != nullptr) continue;  // repeated after a failed batch
          OSPREY_ASSIGN_OR_RETURN(MemSeries * s, CreateSeriesWithId(id, rs.labels));
          auto it = disk_chunks.find(rs.ref);
          if (it != disk_chunks.end()) {
            MutexLock lock(s->mu);
            std::sort(it->second.begin(), it->second.end(),
                      [](const MmappedChunk& a, const MmappedChunk& b) {
                        return a.min_time < b.min_time;
                      });
            s->mmapped = std::move(it->second);
            s->max_time = s->mmapped.back().max_time;
            s->min_time_hint.store(s->mmapped.front().min_time);
            s->max_time_hint.store(s->max_time);
            num_chunks_.fetch_add(s->mmapped.size());
            metrics_->chunks.Add(static_cast<double>(s->mmapped.size()));
            UpdateTimeBounds(s->mmapped.front().min_time);
            UpdateTimeBounds(s->max_time);
            disk_chunks.erase(it);
          }
        }
        break;
      }
      case RecordType::kSamples: {
        OSPREY_RETURN_IF_ERROR(DecodeSamples(rec, &samples));
        for (const RefSample& rs : samples) {
          MemSeries* s =
              rs.ref <= UINT32_MAX ? series_->GetById(static_cast<uint32_t>(rs.ref)) : nullptr;
          if (s == nullptr) {
            metrics_->replay_unknown_refs.Inc();
            continue;
          }
          // Samples already in an mmapped chunk are skipped by AppendToSeries (not newer).
          // Only the persisted range bounds replay: each batch was judged when appended.
          if (AppendToSeries(*s, rs.t, rs.v, min_valid_time_.load())) ++num_samples;
        }
        break;
      }
      case RecordType::kTombstones: {
        OSPREY_RETURN_IF_ERROR(DecodeTombstones(rec, &tombstones));
        for (const Tombstone& ts : tombstones) {
          MemSeries* s =
              ts.ref <= UINT32_MAX ? series_->GetById(static_cast<uint32_t>(ts.ref)) : nullptr;
          if (s == nullptr || ts.mint > ts.maxt) continue;
          MutexLock lock(s->mu);
          ApplyTombstone(*s, {ts.mint, ts.maxt});
        }
        break;
      }
      default:
        break;
    }
  }
  if (const CorruptionInfo* c = reader->corruption()) {
    logger_.Warn(
        "WAL is damaged; truncating it at the last good record",
        {{"dir", c->dir}, {"segment", c->segment}, {"offset", c->offset}, {"reason", c->reason}});
    OSPREY_RETURN_IF_ERROR(wal_->Repair(*c));
  } else {
    OSPREY_RETURN_IF_ERROR(reader->status());
  }
  if (max_id >= next_id_.load()) next_id_.store(max_id + 1);
  postings_.Optimize();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_->replay_duration.Set(secs);
  logger_.Info("Head loaded", {{"series", static_cast<uint64_t>(NumSeries())},
                               {"samples", num_samples},
                               {"wal_records", num_records},
                               {"mmapped_chunks", static_cast<uint64_t>(num_chunks_.load())},
                               {"duration_seconds", secs}});
  return OkStatus();
}

Status Head::Close() {
  if (closed_.exchange(true)) return OkStatus();
  Status s1 = chunks_ != nullptr ? chunks_->Close() : OkStatus();
  Status s2 = wal_ != nullptr ? wal_->Close() : OkStatus();
  return s1.ok() ? s2 : s1;
}

int64_t Head::MinValidTime() const {
  const int64_t floor = min_valid_time_.load(std::memory_order_relaxed);
  int64_t maxt = max_time_.load(std::memory_order_relaxed);
  if (maxt == model::kMinTimestamp) return floor;
  // Older samples would belong to a block that is (or soon will be) persisted.
  return std::max(floor, maxt - options_.chunk_range_ms / 2);
}

void Head::UpdateTimeBounds(int64_t t) {
  int64_t cur = min_time_.load(std::memory_order_relaxed);
  if (t < cur) {
    while (t < cur && !min_time_.compare_exchange_weak(cur, t, std::memory_order_relaxed)) {
    }
    metrics_->min_time.Set(static_cast<double>(min_time_.load(std::memory_order_relaxed)));
  }
  cur = max_time_.load(std::memory_order_relaxed);
  if (t > cur) {
    while (t > cur && !max_time_.compare_exchange_weak(cur, t, std::memory_order_relaxed)) {
    }
    metrics_->max_time.Set(static_cast<double>(max_time_.load(std::memory_order_relaxed)));
  }
}

void Head::OnSeriesCreated(const MemSeries& s, const model::Labels& labels) {
  postings_.Add(s.id(), labels);
  num_series_.fetch_add(1, std::memory_order_relaxed);
  metrics_->series_created.Inc();
  metrics_->series.Inc();
  MutexLock lock(limits_mu_);
  ++series_per_metric_[std::string(labels.MetricName())];
}

Result<MemSeries*> Head::CreateSeriesWithId(uint32_t id, const model::Labels& labels) {
  uint64_t hash = labels.Hash();
  auto [s, created] = series_->GetOrCreate(hash, labels, symbols_, [&] {
    return std::make_unique<MemSeries>(id, hash, labels, symbols_);
  });
  if (created) OnSeriesCreated(*s, labels);
  return s;
}

Result<MemSeries*> Head::GetOrCreateSeries(const model::Labels& labels, bool* created) {
  *created = false;
  uint64_t hash = labels.Hash();
  if (MemSeries* s = series_->GetByLabels(hash, labels, symbols_)) return s;

  OSPREY_RETURN_IF_ERROR(labels.ValidateSeries());
  if (options_.max_label_value_length > 0) {
    for (const model::Label& l : labels) {
      if (l.value.size() > options_.max_label_value_length) {
        return InvalidArgumentError("label value of \"" + l.name + "\" is " +
                                    std::to_string(l.value.size()) + " bytes, over the limit of " +
                                    std::to_string(options_.max_label_value_length));
      }
    }
  }
  Status limit;
  auto [s, was_created] = series_->GetOrCreate(hash, labels, symbols_, [&]() {
    std::unique_ptr<MemSeries> none;
    if (options_.max_series > 0 && num_series_.load() >= options_.max_series) {
      limit = ResourceExhaustedError("limit of " + std::to_string(options_.max_series) +
                                     " active series reached (storage max_series)");
      return none;
    }
    if (options_.max_series_per_metric > 0) {
      MutexLock lock(limits_mu_);
      auto it = series_per_metric_.find(std::string(labels.MetricName()));
      if (it != series_per_metric_.end() && it->second >= options_.max_series_per_metric) {
        limit = ResourceExhaustedError(
            "limit of " + std::to_string(options_.max_series_per_metric) +
            " active series per metric reached for \"" + std::string(labels.MetricName()) +
            "\" (storage max_series_per_metric)");
        return none;
      }
    }
    uint32_t id = next_id_.fetch_add(1, std::memory_order_relaxed);
    return std::make_unique<MemSeries>(id, hash, labels, symbols_);
  });
  if (s == nullptr) return limit;
  if (was_created) OnSeriesCreated(*s, labels);
  *created = was_created;
  return s;
}

Status Head::CheckAppendable(MemSeries& s, int64_t t, double v, int64_t min_valid,
                             bool* duplicate) const {
  *duplicate = false;
  // The persisted range's end is a hard limit, whatever the caller's view.
  min_valid = std::max(min_valid, min_valid_time_.load(std::memory_order_relaxed));
  if (s.max_time == model::kMinTimestamp || t > s.max_time) {
    if (t < min_valid) return OutOfBoundsError("out of bounds");
    return OkStatus();
  }
  if (t == s.max_time) {
    if (std::bit_cast<uint64_t>(v) == s.last_value_bits) {
      *duplicate = true;
      return OkStatus();
    }
    return AlreadyExistsError("duplicate sample for timestamp");
  }
  if (options_.out_of_order_window_ms > 0 && t >= s.max_time - options_.out_of_order_window_ms &&
      t >= min_valid) {
    return OkStatus();
  }
  return OutOfBoundsError("out of order sample");
}

Status Head::CutChunk(MemSeries& s) {
  std::span<const uint8_t> bytes = s.head_chunk.bytes();
  const int64_t mint = s.head_chunk.MinTime();
  const int64_t maxt = s.head_chunk.MaxTime();
  Result<ChunkDiskRef> ref = [&] {
    MutexLock lock(chunk_write_mu_);
    return chunks_->WriteChunk(s.id(), mint, maxt, bytes);
  }();
  if (!ref.ok()) {
    // Keep the samples in memory; the chunk is retried at the next sample.
    metrics_->chunk_write_failures.Inc();
    return ref.status();
  }
  s.mmapped.push_back({*ref, mint, maxt});
  s.head_chunk = XorChunk();
  num_chunks_.fetch_add(1, std::memory_order_relaxed);
  metrics_->chunks_created.Inc();
  metrics_->chunks.Inc();
  return OkStatus();
}

bool Head::AppendToSeries(MemSeries& s, int64_t t, double v, int64_t min_valid) {
  MutexLock lock(s.mu);
  bool duplicate = false;
  Status st = CheckAppendable(s, t, v, min_valid, &duplicate);
  if (!st.ok() || duplicate) return false;
  if (s.max_time != model::kMinTimestamp && t < s.max_time) {
    // Within the out-of-order window: keep sorted, drop an identical duplicate.
    auto it = std::lower_bound(s.ooo.begin(), s.ooo.end(), t,
                               [](const model::Sample& a, int64_t ts) { return a.t < ts; });
    if (it != s.ooo.end() && it->t == t) return false;
    // A timestamp already in the in-order chunks is a duplicate too.
    XorIterator hit = s.head_chunk.Iterator();
    if (!s.head_chunk.empty() && t >= s.head_chunk.MinTime() && hit.Seek(t) && hit.t() == t) {
      return false;
    }
    s.ooo.insert(it, model::Sample{t, v});
    if (t < s.min_time_hint.load(std::memory_order_relaxed)) s.min_time_hint.store(t);
    UpdateTimeBounds(t);
    metrics_->ooo_samples_appended.Inc();
    return true;
  }
  // A chunk is complete at samples_per_chunk samples or when t enters the next block range.
  bool cut = false;
  if (!s.head_chunk.empty()) {
    int n = s.head_chunk.num_samples();
    cut = n >= options_.samples_per_chunk || n >= kXorChunkMaxSamples ||
          t / options_.chunk_range_ms != s.head_chunk.MinTime() / options_.chunk_range_ms;
  }
  if (cut) {
    CutChunk(s).IgnoreError();  // counted; a still-open chunk keeps growing
    if (!s.head_chunk.empty() && s.head_chunk.num_samples() >= kXorChunkMaxSamples) return false;
  }
  s.head_chunk.Append(t, v);
  s.max_time = t;
  s.last_value_bits = std::bit_cast<uint64_t>(v);
  if (s.min_time_hint.load(std::memory_order_relaxed) == model::kMaxTimestamp) {
    s.min_time_hint.store(t, std::memory_order_relaxed);
  }
  s.max_time_hint.store(t, std::memory_order_relaxed);
  UpdateTimeBounds(t);
  return true;
}

void Head::TakeUnloggedSeries(std::vector<MemSeries*>* out) {
  MutexLock lock(unlogged_mu_);
  if (unlogged_series_.empty()) return;
  out->insert(out->end(), unlogged_series_.begin(), unlogged_series_.end());
  unlogged_series_.clear();
}

void Head::ReturnUnloggedSeries(const std::vector<MemSeries*>& series) {
  if (series.empty()) return;
  MutexLock lock(unlogged_mu_);
  for (MemSeries* s : series) {
    // A collected series needs no record. Truncation sets `removed` before it purges this
    // list, so a series returned after the purge is seen as removed here.
    if (!s->removed.load(std::memory_order_acquire)) unlogged_series_.push_back(s);
  }
}

HeadStats Head::Stats(size_t limit) const {
  HeadStats st;
  st.num_series = NumSeries();
  st.num_chunks = num_chunks_.load() + NumSeries();
  st.min_time = MinTime();
  st.max_time = MaxTime();
  st.index = postings_.Stats(limit);
  return st;
}

}  // namespace osprey::tsdb
