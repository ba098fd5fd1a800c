// Invariant: (segment_, offset_) is the start of a record not yet delivered, or the end of
// the data read so far. It only moves past a record once the handler took it, so an error or
// a handler that stops makes the next call deliver the same record again.
#include "remote/wal_tailer.h"

#include <utility>
#include <vector>

#include "tsdb/wal/checkpoint.h"
#include "tsdb/wal/wal_reader.h"

namespace osprey::remote {

WalTailer::WalTailer(FileSystem& fs, std::string wal_dir, std::function<int()> current_segment,
                     Logger logger)
    : fs_(fs),
      dir_(std::move(wal_dir)),
      current_segment_(std::move(current_segment)),
      logger_(std::move(logger)) {}

void WalTailer::Start(SampleKey start) {
  start_ = start;
  started_ = false;
  segment_ = 0;
  offset_ = 0;
}

Status WalTailer::ReadCheckpointSeries(Handler& handler) {
  Result<tsdb::CheckpointRef> cp = tsdb::LastCheckpoint(fs_, dir_);
  if (cp.status().code() == StatusCode::kNotFound) return OkStatus();
  OSPREY_RETURN_IF_ERROR(cp.status());
  OSPREY_ASSIGN_OR_RETURN(auto reader, tsdb::WalReader::Open(fs_, {tsdb::SegmentRange{cp->dir}}));
  while (reader->Next()) {
    if (tsdb::GetRecordType(reader->Record()) != tsdb::RecordType::kSeries) continue;
    if (tsdb::DecodeSeries(reader->Record(), &series_).ok()) handler.OnSeries(series_);
  }
  if (reader->corruption() != nullptr) {
    // Checkpoints are written whole and renamed into place: damage is not a write in
    // progress. Series it held resolve from the segments or stay unknown (counted).
    logger_.Warn("Damaged WAL checkpoint; reading on without it", {{"err", reader->status()}});
    return OkStatus();
  }
  return reader->status();
}

Status WalTailer::ReadAvailable(Handler& handler) {
  if (!started_) {
    OSPREY_RETURN_IF_ERROR(ReadCheckpointSeries(handler));
    started_ = true;
  }
  // Read before the segments: any segment below it was complete when it was read.
  const int current = current_segment_();
  OSPREY_ASSIGN_OR_RETURN(
      auto reader, tsdb::WalReader::Open(fs_, {tsdb::SegmentRange{dir_, segment_, -1, offset_}}));
  while (reader->Next()) {
    const int seg = reader->segment();
    const uint64_t off = reader->offset();
    const std::string_view rec = reader->Record();
    switch (tsdb::GetRecordType(rec)) {
      case tsdb::RecordType::kSeries:
        if (tsdb::DecodeSeries(rec, &series_).ok()) {
          handler.OnSeries(series_);
        } else {
          logger_.Warn("Undecodable WAL series record skipped",
                       {{"segment", seg}, {"offset", off}});
        }
        break;
      case tsdb::RecordType::kSamples:
        if (SampleKey{seg, off, SampleKey::kWholeRecord} < start_) break;
        if (!tsdb::DecodeSamples(rec, &samples_).ok()) {
          logger_.Warn("Undecodable WAL samples record skipped",
                       {{"segment", seg}, {"offset", off}});
          break;
        }
        if (!handler.OnSamples(seg, off, samples_)) {
          segment_ = seg;
          offset_ = off;
          return OkStatus();
        }
        break;
      default:
        break;
    }
    segment_ = seg;
    offset_ = reader->end_offset();
  }
  if (const tsdb::CorruptionInfo* c = reader->corruption()) {
    if (c->segment >= current) {
      // A record still being written: resume at its start.
      segment_ = c->segment;
      offset_ = c->offset;
      return OkStatus();
    }
    logger_.Warn("Damaged WAL segment; the rest of it is not sent",
                 {{"segment", c->segment}, {"offset", c->offset}, {"reason", c->reason}});
    handler.OnCorruption(c->segment, c->offset);
    segment_ = c->segment + 1;
    offset_ = 0;
    return OkStatus();
  }
  return reader->status();
}

}  // namespace osprey::remote
