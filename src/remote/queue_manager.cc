// Invariants:
//  - A series goes to shard ref % shards, and each shard sends its queue in order, so the
//    samples of a series are sent in WAL order.
//  - A shard's watermark (Watermark()) never passes a sample it has not sent or given up
//    on: `done` is set after a send returns; `idle_mark` counts only once the queue is empty
//    and nothing is in flight, and the reader sets it after dispatching a whole record.
//  - The reader never holds two shard locks at once; shards never take the reader's state.
#include "remote/queue_manager.h"

#include <xxhash.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <utility>

#include "http/compression.h"
#include "http/config_client_options.h"
#include "ingest/remote_write_encoder.h"
#include "tsdb/wal/segment.h"

namespace osprey::remote {
namespace {

using Clock = std::chrono::steady_clock;

bool Retryable(const Result<http::ClientResponse>& r, bool retry_on_429) {
  if (!r.ok()) {
    return r.status().code() == StatusCode::kUnavailable ||
           r.status().code() == StatusCode::kDeadlineExceeded;
  }
  return r->status >= 500 || (r->status == 429 && retry_on_429);
}

}  // namespace

std::string QueueHash(const config::RemoteWriteConfig& c) {
  std::string key = c.url;
  key += '\0';
  key += c.name;
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016" PRIx64,
                static_cast<uint64_t>(XXH64(key.data(), key.size(), 0)));
  return buf;
}

QueueManager::QueueManager(FileSystem& fs, QueueOptions options, http::ClientOptions client_options,
                           ingest::Relabeler relabeler, RemoteMetricFamilies& families,
                           Logger logger)
    : fs_(fs),
      options_(std::move(options)),
      client_options_(std::move(client_options)),
      relabeler_(std::move(relabeler)),
      logger_(std::move(logger)),
      metrics_(families, options_.name, options_.config.url),
      tailer_(fs, options_.wal_dir, options_.current_segment, logger_) {}

Result<std::unique_ptr<QueueManager>> QueueManager::Start(FileSystem& fs, QueueOptions options,
                                                          RemoteMetricFamilies& families,
                                                          Logger logger) {
  OSPREY_ASSIGN_OR_RETURN(http::ClientOptions client,
                          http::ClientOptionsFromConfig(options.config.http_client));
  client.user_agent = options.user_agent;
  Result<ingest::Relabeler> relabeler =
      ingest::Relabeler::Create(options.config.write_relabel_configs);
  if (!relabeler.ok()) {
    return Status(StatusCode::kInvalidArgument, relabeler.status().message())
        .Annotate("write_relabel_configs");
  }
  const int shard_count =
      static_cast<int>(std::max<int64_t>(1, options.config.queue_config.min_shards));
  std::unique_ptr<QueueManager> q(new QueueManager(fs, std::move(options), std::move(client),
                                                   std::move(relabeler).value(), families,
                                                   std::move(logger)));
  Result<WalPosition> saved = ReadPositionFile(fs, q->options_.state_dir);
  if (!saved.ok() && saved.status().code() != StatusCode::kNotFound) {
    q->logger_.Warn("Unreadable remote_write position; starting at the end of the WAL",
                    {{"err", saved.status()}});
  }
  q->resume_.assign(static_cast<size_t>(shard_count), kBeforeWal);
  bool at_end = true;
  bool save_now = false;
  if (saved.ok()) {
    at_end = false;
    if (saved->shards.size() == q->resume_.size()) {
      q->resume_ = saved->shards;
    } else {
      // Another shard count: series map to other shards. Resume at the lowest position;
      // samples after it may be sent twice.
      q->resume_.assign(q->resume_.size(), saved->Min());
    }
  } else if (q->options_.start_after.has_value()) {
    // New, with a start given (RemoteStorage: where the WAL was when storage opened): as if
    // that had been saved. Saved at once, so a crash before the first send keeps it.
    at_end = false;
    save_now = true;
    q->resume_.assign(q->resume_.size(), *q->options_.start_after);
  }
  for (int i = 0; i < shard_count; ++i) {
    q->shards_.push_back(std::make_unique<Shard>());
    MutexLock lock(q->shards_.back()->mu);
    q->shards_.back()->done = q->resume_[static_cast<size_t>(i)];
  }
  const SampleKey start =
      at_end ? SampleKey{INT32_MAX, 0, 0} : *std::min_element(q->resume_.begin(), q->resume_.end());
  q->tailer_.Start(start);
  if (save_now) {
    q->dirty_ = true;
    q->MaybeSavePosition(true);
  }
  if (at_end) {
    // Series only up to the end of what is there now; then save that as the position, so
    // a crash before the first send does not skip what comes next.
    struct SeriesOnly : WalTailer::Handler {
      QueueManager* q;
      void OnSeries(std::span<const tsdb::RefSeries> s) override { q->OnSeries(s); }
      bool OnSamples(int, uint64_t, std::span<const tsdb::RefSample>) override { return true; }
    } series_only;
    series_only.q = q.get();
    OSPREY_RETURN_IF_ERROR(q->tailer_.ReadAvailable(series_only));
    const SampleKey here = KeyBefore(q->tailer_.segment(), q->tailer_.offset());
    q->resume_.assign(q->resume_.size(), here);
    for (auto& s : q->shards_) {
      MutexLock lock(s->mu);
      s->done = here;
    }
    q->tailer_.SetStart(here);
    q->dirty_ = true;
    q->MaybeSavePosition(true);
  }
  q->metrics_.shards.Set(shard_count);
  q->last_save_ = Clock::now();
  for (auto& s : q->shards_) {
    Shard* shard = s.get();
    QueueManager* self = q.get();
    shard->thread = std::jthread([self, shard] { self->ShardLoop(*shard); });
  }
  q->reader_ = std::jthread([self = q.get()] { self->ReaderLoop(); });
  q->logger_.Info("Started remote_write queue",
                  {{"url", q->options_.config.url},
                   {"shards", shard_count},
                   {"resume_segment", start.segment == INT32_MAX ? -1 : start.segment}});
  return q;
}

QueueManager::~QueueManager() { Stop(std::chrono::milliseconds(0)); }

void QueueManager::Stop(std::chrono::milliseconds deadline) {
  if (stopped_.exchange(true)) return;
  {
    MutexLock lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  for (auto& s : shards_) {
    MutexLock lock(s->mu);
    s->cv.notify_all();
    s->space_cv.notify_all();
  }
  if (reader_.joinable()) reader_.join();
  // Shards now flush their queues; past the deadline they give up.
  const Clock::time_point until = Clock::now() + deadline;
  for (auto& s : shards_) {
    while (true) {
      {
        MutexLock lock(s->mu);
        if (s->queue.empty() && !s->inflight) break;
      }
      if (Clock::now() >= until) break;
      MutexLock lock(stop_mu_);
      stop_cv_.wait_for(stop_mu_, std::chrono::milliseconds(10));
    }
  }
  {
    MutexLock lock(stop_mu_);
    hard_stop_ = true;
  }
  stop_cv_.notify_all();
  for (auto& s : shards_) {
    {
      MutexLock lock(s->mu);
      s->cv.notify_all();
    }
    if (s->thread.joinable()) s->thread.join();
  }
  MaybeSavePosition(true);
  metrics_.shards.Set(0);
  logger_.Info("Stopped remote_write queue", {{"url", options_.config.url}});
}

SampleKey QueueManager::Watermark(Shard& s) const {
  MutexLock lock(s.mu);
  if (s.queue.empty() && !s.inflight && !s.unsent) return std::max(s.done, s.idle_mark);
  return s.done;
}

WalPosition QueueManager::Position() const {
  WalPosition p;
  for (const auto& s : shards_) p.shards.push_back(Watermark(*s));
  return p;
}

int QueueManager::MinSegmentNeeded() const {
  const SampleKey min = Position().Min();
  // The record a key names (or the one after a KeyBefore key) is in its segment or later.
  return std::max(0, min.offset == UINT64_MAX ? min.segment + 1 : min.segment);
}

void QueueManager::MaybeSavePosition(bool force) {
  if (!dirty_.load()) return;
  const Clock::time_point now = Clock::now();
  if (!force && now - last_save_ < options_.position_save_interval) return;
  MutexLock lock(save_mu_);
  last_save_ = now;
  dirty_ = false;
  Status s = WritePositionFile(fs_, options_.state_dir, Position());
  if (!s.ok()) {
    dirty_ = true;
    logger_.Warn("Saving the remote_write position failed", {{"err", s}});
  }
}

void QueueManager::ReaderLoop() {
  while (!stopping_.load()) {
    Status s = tailer_.ReadAvailable(*this);
    if (!s.ok()) logger_.Warn("Reading the WAL failed; retrying", {{"err", s}});
    MaybeSavePosition(false);
    MutexLock lock(stop_mu_);
    if (stopping_.load()) break;
    stop_cv_.wait_for(stop_mu_, options_.poll_interval);
  }
}

void QueueManager::OnSeries(std::span<const tsdb::RefSeries> series) {
  for (const tsdb::RefSeries& rs : series) {
    auto [it, inserted] = series_.try_emplace(rs.ref);
    if (!inserted) continue;  // logged again after a failed batch: same labels
    auto entry = std::make_unique<SeriesEntry>();
    model::Labels labels = rs.labels;
    if (!options_.external_labels.empty()) {
      model::LabelsBuilder b(labels);
      for (const auto& [name, value] : options_.external_labels) {
        if (!labels.Has(name)) b.Set(name, value);
      }
      labels = b.Build();
    }
    std::optional<model::Labels> out = relabeler_.Process(labels);
    if (out.has_value() && !out->empty()) {
      entry->labels = std::move(*out);
    } else {
      entry->dropped = true;
    }
    it->second = std::move(entry);
  }
}

uint64_t QueueManager::BacklogBytes(int segment) const {
  const int current = options_.current_segment();
  Result<std::vector<int>> segments = tsdb::wal_format::ListSegments(fs_, options_.wal_dir);
  if (!segments.ok()) return 0;
  uint64_t bytes = 0;
  for (int i : *segments) {
    if (i < segment || i >= current) continue;
    bytes += fs_.FileSize(tsdb::wal_format::SegmentPath(options_.wal_dir, i)).value_or(0);
  }
  return bytes;
}

void QueueManager::DropBacklog() {
  skipping_ = true;
  uint64_t dropped = 0;
  for (auto& s : shards_) {
    MutexLock lock(s->mu);
    dropped += s->queue.size();
    s->queue.clear();
    ++s->abandon_gen;
    s->done = std::max(s->done, s->idle_mark);
    s->cv.notify_all();
    s->space_cv.notify_all();
  }
  stop_cv_.notify_all();
  metrics_.dropped_backlog.Inc(static_cast<double>(dropped));
  metrics_.samples_pending.Dec(static_cast<double>(dropped));
  dirty_ = true;
  logger_.Warn(
      "remote_write is too far behind: the WAL backlog exceeds the cap; dropping samples "
      "until it is back under it",
      {{"url", options_.config.url}, {"max_backlog_bytes", options_.max_backlog_bytes}});
}

void QueueManager::OnCorruption(int /*segment*/, uint64_t /*offset*/) {
  metrics_.dropped_corrupt.Inc();
}

bool QueueManager::OnSamples(int segment, uint64_t offset,
                             std::span<const tsdb::RefSample> samples) {
  if (segment != last_segment_seen_) {
    last_segment_seen_ = segment;
    // The backlog is rechecked at each new segment (and while waiting for queue space).
    const bool over = BacklogBytes(segment) > options_.max_backlog_bytes;
    if (over && !skipping_) {
      DropBacklog();
    } else if (!over && skipping_) {
      skipping_ = false;
      logger_.Info("remote_write backlog is under the cap again", {{"url", options_.config.url}});
    }
  }
  const size_t n_shards = shards_.size();
  uint32_t first = 0;
  if (next_in_record_ && next_in_record_->segment == segment && next_in_record_->offset == offset) {
    first = next_in_record_->index;
  }
  next_in_record_.reset();
  for (uint32_t i = first; i < samples.size(); ++i) {
    const tsdb::RefSample& rs = samples[i];
    const SampleKey key{segment, offset, i};
    const size_t shard_index = static_cast<size_t>(rs.ref % n_shards);
    if (key <= resume_[shard_index]) continue;  // sent before the restart
    auto it = series_.find(rs.ref);
    if (it == series_.end()) {
      metrics_.dropped_unknown.Inc();
      continue;
    }
    if (it->second->dropped) {
      metrics_.dropped_relabel.Inc();
      continue;
    }
    if (static_cast<double>(rs.t) / 1000.0 > highest_ts_) {
      highest_ts_ = static_cast<double>(rs.t) / 1000.0;
      metrics_.highest_timestamp.Set(highest_ts_);
    }
    if (skipping_) {
      metrics_.dropped_backlog.Inc();
      continue;
    }
    Shard& s = *shards_[shard_index];
    MutexLock lock(s.mu);
    while (static_cast<int64_t>(s.queue.size()) >= options_.config.queue_config.capacity) {
      if (stopping_.load()) {
        next_in_record_ = key;
        return false;
      }
      s.space_cv.wait_for(s.mu, std::chrono::seconds(1));
      if (s.queue.size() < static_cast<size_t>(options_.config.queue_config.capacity)) break;
      // Still full: the remote is slow or down. Save what was sent meanwhile and check the
      // backlog (without this shard's lock: DropBacklog takes every shard's).
      s.mu.Unlock();
      MaybeSavePosition(false);
      const bool over = BacklogBytes(segment) > options_.max_backlog_bytes;
      if (over) DropBacklog();
      s.mu.Lock();
      if (skipping_) break;
    }
    if (skipping_) {
      metrics_.dropped_backlog.Inc();
      continue;
    }
    if (s.queue.empty()) s.first_queued = Clock::now();
    s.queue.push_back(Pending{it->second.get(), rs.t, rs.v, key});
    metrics_.samples_pending.Inc();
    s.cv.notify_all();
  }
  const SampleKey whole{segment, offset, SampleKey::kWholeRecord};
  for (auto& s : shards_) {
    MutexLock lock(s->mu);
    s->idle_mark = whole;
    // Skipping, nothing is queued (DropBacklog emptied the queues): the record is done.
    if (skipping_) s->done = std::max(s->done, whole);
  }
  dirty_ = true;
  return true;
}

void QueueManager::ShardLoop(Shard& s) {
  http::HttpClient client(client_options_);
  const auto& qc = options_.config.queue_config;
  const size_t max_batch = static_cast<size_t>(qc.max_samples_per_send);
  const auto deadline = std::chrono::milliseconds(qc.batch_send_deadline.ms);
  std::vector<Pending> batch;
  while (true) {
    uint64_t gen = 0;
    {
      MutexLock lock(s.mu);
      while (true) {
        if (hard_stop_.load()) return;
        if (s.queue.empty()) {
          if (stopping_.load()) return;
          s.cv.wait(s.mu);
          continue;
        }
        if (s.queue.size() >= max_batch || stopping_.load() ||
            Clock::now() >= s.first_queued + deadline) {
          break;
        }
        s.cv.wait_until(s.mu, s.first_queued + deadline);
      }
      const size_t n = std::min(max_batch, s.queue.size());
      batch.assign(s.queue.begin(), s.queue.begin() + static_cast<std::ptrdiff_t>(n));
      s.queue.erase(s.queue.begin(), s.queue.begin() + static_cast<std::ptrdiff_t>(n));
      if (!s.queue.empty()) s.first_queued = Clock::now();
      s.inflight = true;
      gen = s.abandon_gen;
      s.space_cv.notify_all();
    }
    const bool passed = SendBatch(s, client, batch, gen);
    metrics_.samples_pending.Dec(static_cast<double>(batch.size()));
    {
      MutexLock lock(s.mu);
      s.inflight = false;
      // Given up by a hard stop: not sent, so the position stays before it.
      if (passed) {
        s.done = std::max(s.done, batch.back().key);
      } else {
        s.unsent = true;
      }
    }
    dirty_ = true;
  }
}

bool QueueManager::Abandoned(Shard& s, uint64_t gen) {
  MutexLock lock(s.mu);
  return gen != s.abandon_gen;
}

bool QueueManager::Backoff(Shard& s, uint64_t gen, std::chrono::milliseconds d) {
  const Clock::time_point until = Clock::now() + d;
  while (Clock::now() < until) {
    if (hard_stop_.load() || Abandoned(s, gen)) return false;
    MutexLock lock(stop_mu_);
    if (hard_stop_.load()) return false;
    stop_cv_.wait_until(stop_mu_, std::min(until, Clock::now() + std::chrono::milliseconds(100)));
  }
  return !hard_stop_.load() && !Abandoned(s, gen);
}

bool QueueManager::SendBatch(Shard& s, http::HttpClient& client, const std::vector<Pending>& batch,
                             uint64_t gen) {
  // One TimeSeries per series, its samples in order.
  std::vector<const SeriesEntry*> order;
  std::unordered_map<const SeriesEntry*, std::vector<model::Sample>> by_series;
  double max_ts = 0;
  for (const Pending& p : batch) {
    auto [it, inserted] = by_series.try_emplace(p.series);
    if (inserted) order.push_back(p.series);
    it->second.push_back(model::Sample{.t = p.t, .v = p.v});
    max_ts = std::max(max_ts, static_cast<double>(p.t) / 1000.0);
  }
  ingest::WriteRequestEncoder enc;
  for (const SeriesEntry* e : order) enc.AddSeries(e->labels, by_series[e]);
  http::ClientRequest req;
  req.method = "POST";
  req.url = options_.config.url;
  req.body = http::SnappyCompress(enc.bytes());
  req.timeout = std::chrono::milliseconds(options_.config.remote_timeout.ms);
  req.accept_gzip = false;
  req.max_body_bytes = 1 << 20;
  req.headers = {{"Content-Encoding", "snappy"},
                 {"Content-Type", "application/x-protobuf"},
                 {"X-Prometheus-Remote-Write-Version", "0.1.0"}};
  for (const auto& [k, v] : options_.config.headers) req.headers.emplace_back(k, v);
  const auto& qc = options_.config.queue_config;
  auto backoff = std::chrono::milliseconds(qc.min_backoff.ms);
  const auto max_backoff = std::chrono::milliseconds(qc.max_backoff.ms);
  const double n = static_cast<double>(batch.size());
  while (true) {
    if (hard_stop_.load()) return false;
    if (Abandoned(s, gen)) {
      metrics_.dropped_backlog.Inc(n);
      return true;
    }
    const Clock::time_point start = Clock::now();
    Result<http::ClientResponse> r = client.Do(req);
    metrics_.sent_batch_duration.Observe(
        std::chrono::duration<double>(Clock::now() - start).count());
    if (r.ok() && r->status / 100 == 2) {
      metrics_.samples.Inc(n);
      metrics_.bytes.Inc(static_cast<double>(req.body.size()));
      double prev = highest_sent_ts_.load();
      while (max_ts > prev && !highest_sent_ts_.compare_exchange_weak(prev, max_ts)) {
      }
      metrics_.highest_sent_timestamp.Set(highest_sent_ts_.load());
      return true;
    }
    if (!Retryable(r, qc.retry_on_http_429)) {
      metrics_.samples_failed.Inc(n);
      logger_.Warn("remote_write: non-recoverable error; dropping the batch",
                   {{"url", options_.config.url},
                    {"samples", batch.size()},
                    {"err", r.ok() ? std::string("HTTP status ")
                                         .append(std::to_string(r->status))
                                         .append(": ")
                                         .append(r->body.substr(0, 256))
                                   : r.status().ToString()}});
      return true;
    }
    metrics_.samples_retried.Inc(n);
    logger_.Debug("remote_write: retrying a batch",
                  {{"url", options_.config.url},
                   {"err", r.ok() ? std::string("HTTP status ").append(std::to_string(r->status))
                                  : r.status().ToString()}});
    if (!Backoff(s, gen, backoff)) continue;  // the loop's first check ends it
    backoff = std::min(backoff * 2, max_backoff);
  }
}

}  // namespace osprey::remote
