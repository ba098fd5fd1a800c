#include "tsdb/wal/checkpoint.h"

#include <algorithm>
#include <vector>

#include "tsdb/wal/records.h"
#include "tsdb/wal/segment.h"
#include "tsdb/wal/segment_writer.h"
#include "tsdb/wal/wal.h"
#include "tsdb/wal/wal_reader.h"

namespace osprey::tsdb {
namespace {

// Rewrites the records read from `reader` into `writer`, filtered (see Checkpoint()).
class CheckpointFilter {
 public:
  CheckpointFilter(const std::function<bool(storage::SeriesRef)>& keep, model::Timestamp mint,
                   SegmentWriter& writer, CheckpointStats& stats)
      : keep_(keep), mint_(mint), writer_(writer), stats_(stats) {}

  Status Process(std::string_view record) {
    switch (GetRecordType(record)) {
      case RecordType::kSeries:
        return ProcessSeries(record);
      case RecordType::kSamples:
        return ProcessSamples(record);
      case RecordType::kTombstones:
        return ProcessTombstones(record);
      case RecordType::kUnknown:
        break;
    }
    ++stats_.other_records;
    return writer_.Add(record);
  }

 private:
  Status ProcessSeries(std::string_view record) {
    OSPREY_RETURN_IF_ERROR(DecodeSeries(record, &series_));
    const size_t before = series_.size();
    std::erase_if(series_, [&](const RefSeries& s) { return !keep_(s.ref); });
    stats_.series_kept += static_cast<int64_t>(series_.size());
    stats_.series_dropped += static_cast<int64_t>(before - series_.size());
    if (series_.empty()) return OkStatus();
    out_.clear();
    EncodeSeries(series_, out_);
    return writer_.Add(out_);
  }

  Status ProcessSamples(std::string_view record) {
    OSPREY_RETURN_IF_ERROR(DecodeSamples(record, &samples_));
    const size_t before = samples_.size();
    std::erase_if(samples_, [&](const RefSample& s) { return s.t < mint_ || !keep_(s.ref); });
    stats_.samples_kept += static_cast<int64_t>(samples_.size());
    stats_.samples_dropped += static_cast<int64_t>(before - samples_.size());
    if (samples_.empty()) return OkStatus();
    out_.clear();
    EncodeSamples(samples_, out_);
    return writer_.Add(out_);
  }

  Status ProcessTombstones(std::string_view record) {
    OSPREY_RETURN_IF_ERROR(DecodeTombstones(record, &tombstones_));
    const size_t before = tombstones_.size();
    std::erase_if(tombstones_, [&](const Tombstone& t) { return t.maxt < mint_ || !keep_(t.ref); });
    stats_.tombstones_kept += static_cast<int64_t>(tombstones_.size());
    stats_.tombstones_dropped += static_cast<int64_t>(before - tombstones_.size());
    if (tombstones_.empty()) return OkStatus();
    out_.clear();
    EncodeTombstones(tombstones_, out_);
    return writer_.Add(out_);
  }

  const std::function<bool(storage::SeriesRef)>& keep_;
  const model::Timestamp mint_;
  SegmentWriter& writer_;
  CheckpointStats& stats_;
  std::vector<RefSeries> series_;
  std::vector<RefSample> samples_;
  std::vector<Tombstone> tombstones_;
  std::string out_;
};

Result<CheckpointStats> WriteCheckpoint(Wal& wal, int from, int to,
                                        const std::function<bool(storage::SeriesRef)>& keep,
                                        model::Timestamp mint, const std::string& tmp) {
  FileSystem& fs = wal.fs();
  std::vector<SegmentRange> ranges;
  Result<CheckpointRef> last = LastCheckpoint(fs, wal.dir());
  if (last.ok()) {
    if (last->index >= to) {
      return FailedPreconditionError("wal checkpoint " + last->dir + " already covers segment " +
                                     std::to_string(to));
    }
    ranges.push_back(SegmentRange{last->dir, 0, -1});
    from = std::max(from, last->index + 1);
  } else if (last.status().code() != StatusCode::kNotFound) {
    return last.status();
  }
  OSPREY_ASSIGN_OR_RETURN(std::vector<int> segments, wal_format::ListSegments(fs, wal.dir()));
  if (!std::binary_search(segments.begin(), segments.end(), to)) {
    return NotFoundError("wal segment " + wal_format::SegmentPath(wal.dir(), to) +
                         " does not exist");
  }
  ranges.push_back(SegmentRange{wal.dir(), from, to});
  OSPREY_ASSIGN_OR_RETURN(std::unique_ptr<WalReader> reader, WalReader::Open(fs, ranges));

  OSPREY_RETURN_IF_ERROR(fs.CreateDirs(tmp));
  SegmentWriter writer(fs, tmp, wal.options().segment_size, wal.options().compress,
                       /*metrics=*/nullptr);
  OSPREY_RETURN_IF_ERROR(writer.OpenSegment(0));
  CheckpointStats stats;
  stats.checkpoint_index = to;
  CheckpointFilter filter(keep, mint, writer, stats);
  while (reader->Next()) OSPREY_RETURN_IF_ERROR(filter.Process(reader->Record()));
  OSPREY_RETURN_IF_ERROR(reader->status());
  OSPREY_RETURN_IF_ERROR(writer.Close());
  return stats;
}

}  // namespace

Result<CheckpointRef> LastCheckpoint(FileSystem& fs, const std::string& dir) {
  OSPREY_ASSIGN_OR_RETURN(std::vector<std::string> names, fs.ListDir(dir));
  CheckpointRef best;
  for (const std::string& name : names) {
    std::optional<int> index = wal_format::ParseCheckpointName(name);
    if (index && *index > best.index) best = CheckpointRef{JoinPath(dir, name), *index};
  }
  if (best.index < 0) return NotFoundError("no wal checkpoint in " + dir);
  return best;
}

Status DeleteCheckpointsBefore(FileSystem& fs, const std::string& dir, int index) {
  OSPREY_ASSIGN_OR_RETURN(std::vector<std::string> names, fs.ListDir(dir));
  for (const std::string& name : names) {
    std::string_view n = name;
    const bool tmp = n.ends_with(wal_format::kTmpSuffix);
    if (tmp) n.remove_suffix(wal_format::kTmpSuffix.size());
    std::optional<int> i = wal_format::ParseCheckpointName(n);
    if (i && (tmp || *i < index)) OSPREY_RETURN_IF_ERROR(fs.RemoveAll(JoinPath(dir, name)));
  }
  return OkStatus();
}

Result<CheckpointStats> Checkpoint(Wal& wal, int from, int to,
                                   const std::function<bool(storage::SeriesRef)>& keep,
                                   model::Timestamp mint) {
  FileSystem& fs = wal.fs();
  if (to >= wal.Segments().second) {
    return FailedPreconditionError("wal checkpoint up to segment " + std::to_string(to) +
                                   " includes the current segment; call NextSegment first");
  }
  const std::string name = wal_format::CheckpointName(to);
  const std::string final_dir = JoinPath(wal.dir(), name);
  const std::string tmp = final_dir + std::string(wal_format::kTmpSuffix);
  OSPREY_RETURN_IF_ERROR(fs.RemoveAll(tmp));
  Result<CheckpointStats> stats = WriteCheckpoint(wal, from, to, keep, mint, tmp);
  if (!stats.ok()) {
    fs.RemoveAll(tmp).IgnoreError();
    return stats.status().Annotate("wal checkpoint " + name);
  }
  OSPREY_RETURN_IF_ERROR(fs.Rename(tmp, final_dir));
  OSPREY_RETURN_IF_ERROR(fs.SyncDir(wal.dir()));
  return stats;
}

}  // namespace osprey::tsdb
