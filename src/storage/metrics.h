// The metric storage seam, after Prometheus's storage/interface.go: writes and reads are
// separate, small and batch-shaped. Ingest, the agent and rules write through Appendable;
// PromQL and the HTTP API read through Queryable. Neither side knows tsdb exists.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "model/labels.h"
#include "model/matcher.h"
#include "model/sample.h"

namespace osprey::storage {

// A storage-internal handle for a series, returned by Append and passed back as a hint
// to skip the label lookup. 0 means none.
using SeriesRef = uint64_t;
inline constexpr SeriesRef kNoRef = 0;

// One batch of writes. End with Commit() or Rollback(), then discard.
// Thread-compatible: give each writer its own Appender.
class Appender {
 public:
  virtual ~Appender() = default;
  // `hint`: a ref returned earlier for these labels, or kNoRef. Cache the result. A ref
  // names one label set forever. With a hint, `labels` may be empty: a store that does not
  // know the ref then returns kNotFound without side effects, and the caller retries with
  // the labels.
  // Rejections are expected outcomes with specific codes: kOutOfBounds (too old, out of
  // order), kAlreadyExists (duplicate timestamp, different value), kInvalidArgument (bad
  // labels), kResourceExhausted (a series limit). A rejected sample does not spoil the
  // rest of the batch.
  virtual Result<SeriesRef> Append(SeriesRef hint, const model::Labels& labels,
                                   const model::Sample& sample) = 0;
  // Makes the batch durable (in the write-ahead log) and visible to readers.
  // kUnavailable / kResourceExhausted when the log cannot be written (disk full): nothing
  // of the batch is kept.
  virtual Status Commit() = 0;
  virtual void Rollback() = 0;
};

class Appendable {
 public:
  virtual ~Appendable() = default;
  virtual std::unique_ptr<Appender> NewAppender() = 0;
};

// Iterates one series' samples in increasing time order.
class SampleIterator {
 public:
  virtual ~SampleIterator() = default;
  // Advances; false at the end or on error (see status()).
  virtual bool Next() = 0;
  // Advances to the first sample with t >= `t` (staying put if already there); false
  // when there is none.
  virtual bool Seek(model::Timestamp t) = 0;
  // Requires: the last Next() or Seek() returned true.
  virtual model::Sample At() const = 0;
  virtual Status status() const = 0;
};

class Series {
 public:
  virtual ~Series() = default;
  virtual const model::Labels& labels() const = 0;
  // A fresh iterator over the samples inside the querier's time range. It stays valid
  // while its SeriesSet lives, also after the set moved on to the next series.
  virtual std::unique_ptr<SampleIterator> Iterator() const = 0;
};

// A lazy set of series sorted by labels.
class SeriesSet {
 public:
  virtual ~SeriesSet() = default;
  virtual bool Next() = 0;
  // The current series. The reference stays valid until the next call to Next().
  // Requires: the last Next() returned true.
  virtual const Series& At() const = 0;
  virtual Status status() const = 0;
};

// What the caller will do with the series; lets the store skip work.
struct SelectHints {
  model::Timestamp start = model::kMinTimestamp;
  model::Timestamp end = model::kMaxTimestamp;
  int64_t step_ms = 0;
  int64_t range_ms = 0;
  std::string func;
  // Only the label sets are needed (/api/v1/series): iterators may be empty.
  bool series_only = false;
};

// Reads over one inclusive time range. Use from one thread at a time. Data appended
// after the querier was created may or may not be visible.
class Querier {
 public:
  virtual ~Querier() = default;
  virtual std::unique_ptr<SeriesSet> Select(const SelectHints& hints,
                                            std::span<const model::Matcher> matchers) = 0;
  // Sorted, unique label names of series matching all matchers (all series when none).
  virtual Result<std::vector<std::string>> LabelNames(std::span<const model::Matcher> matchers) = 0;
  // Sorted, unique values of `name` over series matching all matchers.
  virtual Result<std::vector<std::string>> LabelValues(
      std::string_view name, std::span<const model::Matcher> matchers) = 0;
  // Whether iterators of different series from this querier may be advanced on different
  // threads at once (the querier itself stays single-threaded). Lets PromQL decode
  // series in parallel.
  virtual bool ConcurrentIterators() const { return false; }
};

class Queryable {
 public:
  virtual ~Queryable() = default;
  virtual Result<std::unique_ptr<Querier>> NewQuerier(model::TimeRange range) = 0;
};

// A SeriesSet with no series, or failing with `status`.
std::unique_ptr<SeriesSet> EmptySeriesSet(Status status = OkStatus());

}  // namespace osprey::storage
