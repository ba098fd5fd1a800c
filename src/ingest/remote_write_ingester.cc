// Invariant: a hint-cache entry is inserted only after the series' labels passed
// CheckSortedLabels with this ingester's (fixed) limits, so a cache hit may skip the checks:
// equal label keys mean equal label lists (remote_write_decoder.h).
#include "ingest/remote_write_ingester.h"

#include <utility>

#include "ingest/remote_write_decoder.h"

namespace osprey::ingest {
namespace {

// Scratch objects kept for reuse; more concurrent requests than this allocate their own.

}  // namespace

struct RemoteWriteIngester::Scratch {
  RemoteWriteDecoder decoder;
};

class RemoteWriteIngester::SeriesVisitor final : public WriteRequestVisitor {
 public:
  SeriesVisitor(RemoteWriteIngester& ingester, storage::Appender& appender, WriteOutcome& outcome)
      : ingester_(ingester), app_(appender), outcome_(outcome) {}

  int64_t hits() const { return hits_; }
  int64_t misses() const { return misses_; }

  Status OnTimeSeries(const TimeSeriesView& series) override {
    if (series.histogram_count > 0) [[unlikely]] {
      outcome_.Reject(kReasonHistogramsUnsupported, series.histogram_count, series.labels,
                      "native histograms are not supported");
    }
    const std::span<const model::Sample> samples = series.samples;
    if (samples.empty()) return OkStatus();
    const uint64_t hash = SeriesHintCache::Hash(series.label_key);
    storage::SeriesRef ref = ingester_.hint_cache_.Lookup(hash, series.label_key);
    size_t i = 0;
    if (ref != storage::kNoRef) {
      ++hits_;
      for (; i < samples.size(); ++i) {
        Result<storage::SeriesRef> r = app_.Append(ref, ingester_.no_labels_, samples[i]);
        if (r.ok()) [[likely]] {
          ++outcome_.samples_accepted;
          if (*r != ref && *r != storage::kNoRef) [[unlikely]] {
            ref = *r;
            ingester_.hint_cache_.Insert(hash, series.label_key, ref);
          }
          continue;
        }
        if (r.status().code() == StatusCode::kNotFound) {
          // The storage no longer knows the ref: append the rest with full labels.
          ingester_.hint_cache_.Erase(hash, series.label_key);
          ref = storage::kNoRef;
          break;
        }
        RejectByStorage(series, r.status());
      }
      if (i == samples.size()) return OkStatus();
    } else {
      ++misses_;
    }

    std::string_view reason;
    if (Status s = CheckSortedLabels(series.labels, ingester_.limits_, &reason); !s.ok()) {
      outcome_.Reject(reason, static_cast<int64_t>(samples.size() - i), series.labels, s.message());
      return OkStatus();
    }
    const model::Labels labels = BuildLabels(series.labels);
    for (; i < samples.size(); ++i) {
      Result<storage::SeriesRef> r = app_.Append(ref, labels, samples[i]);
      if (!r.ok()) {
        RejectByStorage(series, r.status());
        continue;
      }
      ++outcome_.samples_accepted;
      if (*r != ref && *r != storage::kNoRef) {
        ref = *r;
        ingester_.hint_cache_.Insert(hash, series.label_key, ref);
      }
    }
    return OkStatus();
  }

 private:
  void RejectByStorage(const TimeSeriesView& series, const Status& status) {
    outcome_.Reject(StatusCodeName(status.code()), 1, series.labels, status.message());
  }

  RemoteWriteIngester& ingester_;
  storage::Appender& app_;
  WriteOutcome& outcome_;
  int64_t hits_ = 0;
  int64_t misses_ = 0;
};

RemoteWriteIngester::RemoteWriteIngester(storage::Appendable& appendable, IngestMetrics& metrics,
                                         const RemoteWriteIngesterOptions& options)
    : appendable_(appendable),
      metrics_(metrics),
      limits_(options.limits),
      hint_cache_(options.hint_cache) {}

RemoteWriteIngester::~RemoteWriteIngester() = default;

Result<WriteOutcome> RemoteWriteIngester::Ingest(std::string_view request) {
  std::unique_ptr<Scratch> scratch = scratch_pool_.Acquire();
  std::unique_ptr<storage::Appender> app = appendable_.NewAppender();
  WriteOutcome outcome;
  SeriesVisitor visitor(*this, *app, outcome);
  Status decoded = scratch->decoder.Decode(request, visitor);
  scratch_pool_.Release(std::move(scratch));
  metrics_.RecordHintCache(kProtocolRemoteWrite, visitor.hits(), visitor.misses());
  if (!decoded.ok()) {
    app->Rollback();
    metrics_.RecordMalformed(kProtocolRemoteWrite);
    return decoded;
  }
  if (Status committed = app->Commit(); !committed.ok()) {
    outcome.CommitFailed(std::move(committed));
  }
  metrics_.Record(kProtocolRemoteWrite, outcome);
  return outcome;
}

}  // namespace osprey::ingest
