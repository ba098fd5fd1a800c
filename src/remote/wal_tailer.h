// Follows Osprey's WAL while the head writes it, after Prometheus's tsdb/wlog/watcher.go: hands
// series definitions and samples, in WAL order, to a handler. The remote_write queue uses it
// so that what it ships is what was made durable, and so that it can resume after an
// outage or a restart from a saved position instead of losing data.
//
//   WalTailer tailer(fs, wal_dir, [&wal] { return wal.Segments().second; }, logger);
//   tailer.Start(saved_position.Min());
//   while (running) { OSPREY_RETURN_IF_ERROR(tailer.ReadAvailable(handler)); wait a bit; }
//
// Reading a segment being written: a record the writer has not finished looks like a torn
// tail; in the current segment (or a later one) that means "not yet", and the next call
// resumes at the last complete record. Damage in a closed segment is logged, counted by the
// caller (Handler::OnCorruption) and skipped: the rest of that segment is lost to the remote.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "base/file_system.h"
#include "base/logger.h"
#include "base/status.h"
#include "remote/wal_position.h"
#include "tsdb/wal/records.h"

namespace osprey::remote {

// Single-threaded.
class WalTailer {
 public:
  class Handler {
   public:
    virtual ~Handler() = default;
    virtual void OnSeries(std::span<const tsdb::RefSeries> series) = 0;
    // The samples of the record starting at `offset` of `segment` (samples[i] has key
    // {segment, offset, i}). Return false to stop reading (ReadAvailable then returns and
    // the next call delivers this record again).
    virtual bool OnSamples(int segment, uint64_t offset,
                           std::span<const tsdb::RefSample> samples) = 0;
    // A closed segment was damaged from `offset` on; reading goes on in the next segment.
    virtual void OnCorruption(int /*segment*/, uint64_t /*offset*/) {}
  };

  // `current_segment`: the segment the WAL writes now (Wal::Segments().second), thread-safe.
  WalTailer(FileSystem& fs, std::string wal_dir, std::function<int()> current_segment,
            Logger logger);

  // Sets where samples start: records before the one `start` names deliver only their series
  // (from the last checkpoint and every segment on disk, so that refs resolve), samples from
  // the record `start` names on (the handler skips the ones sent already). kBeforeWal: all.
  void Start(SampleKey start);
  // Moves the start without reading the series again (after a first ReadAvailable).
  void SetStart(SampleKey start) { start_ = start; }

  // Delivers every complete record written since the last call (the first call also reads
  // the checkpoint and the older segments for series). Returns OK at the end of what is
  // there, or when the handler stopped; errors are I/O errors (reading resumes at the same
  // place next time).
  Status ReadAvailable(Handler& handler);

  // The next byte to read: segment and offset. Advances as records are delivered.
  int segment() const { return segment_; }
  uint64_t offset() const { return offset_; }

 private:
  Status ReadCheckpointSeries(Handler& handler);

  FileSystem& fs_;
  const std::string dir_;
  const std::function<int()> current_segment_;
  const Logger logger_;
  SampleKey start_ = kBeforeWal;
  bool started_ = false;
  int segment_ = 0;
  uint64_t offset_ = 0;
  std::vector<tsdb::RefSeries> series_;
  std::vector<tsdb::RefSample> samples_;
};

}  // namespace osprey::remote
