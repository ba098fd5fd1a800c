// BlockWriter: streams data frames while series arrive, writes the index at Finish().
// Format: docs/format/block.md.
#include "tsdb/block/block_writer.h"

#include <algorithm>
#include <map>
#include <roaring/roaring.hh>
#include <string_view>
#include <utility>

#include "tsdb/block/internal/encoding.h"
#include "tsdb/chunk/column_codec.h"
#include "tsdb/chunk/crc32c.h"

namespace osprey::tsdb {

using block_internal::FrameKind;
using block_internal::PostingsEncoding;
using block_internal::PutFixed32;
using block_internal::PutVarint;
using block_internal::Section;

namespace {

// Symbol -> ref, assigned in sorted order at Finish().
using SymbolMap = std::map<std::string, uint32_t, std::less<>>;
using Symbol = SymbolMap::value_type;

struct ChunkRec {
  int64_t min_t = 0;
  int64_t max_t = 0;
  uint32_t num_samples = 0;
  uint32_t ts_len = 0;
  uint32_t vs_len = 0;
};

struct SeriesRec {
  uint32_t labels_begin = 0;  // index into label_syms (name, value, name, value, ...)
  uint32_t num_labels = 0;
  uint32_t chunks_begin = 0;
  uint32_t num_chunks = 0;
};

struct FrameRec {
  FrameKind kind;
  uint32_t raw_len;
  uint32_t comp_len;
};

std::string FileHeader(const char magic[4]) {
  std::string h(magic, 4);
  h.push_back(static_cast<char>(block_internal::kFormatVersion));
  h.append(3, '\0');
  return h;
}

void AppendSection(std::string* out, Section id, std::string_view payload) {
  out->push_back(static_cast<char>(id));
  PutFixed32(out, static_cast<uint32_t>(payload.size()));
  out->append(payload);
  PutFixed32(out, Crc32c(payload));
}

std::string EncodePostings(const std::vector<uint32_t>& ids) {
  std::string delta;
  delta.push_back(static_cast<char>(PostingsEncoding::kDeltaVarint));
  PutVarint(&delta, ids.size());
  uint32_t prev = 0;
  for (uint32_t id : ids) {
    PutVarint(&delta, id - prev);
    prev = id;
  }
  if (ids.size() < 64) return delta;
  Roaring r(ids.size(), ids.data());
  r.runOptimize();
  const size_t n = r.getSizeInBytes(/*portable=*/true);
  if (n + 1 >= delta.size()) return delta;
  std::string out(n + 1, '\0');
  out[0] = static_cast<char>(PostingsEncoding::kRoaring);
  r.write(out.data() + 1, /*portable=*/true);
  return out;
}

}  // namespace

struct BlockWriter::State {
  FileSystem* fs = nullptr;
  std::string parent_dir;
  std::string tmp_dir;
  model::TimeRange range;
  BlockWriterOptions options;
  BlockMeta meta;
  std::unique_ptr<WritableFile> data;
  bool finished = false;
  Status error;  // sticky I/O error

  SymbolMap symbols;
  std::vector<Symbol*> label_syms;
  std::vector<SeriesRec> series;
  std::vector<ChunkRec> chunks;
  std::vector<FrameRec> frames;
  std::string ts_buf;
  std::string vs_buf;
  model::Labels prev_labels;

  Symbol* Intern(std::string_view s) {
    auto it = symbols.find(s);
    if (it == symbols.end()) it = symbols.emplace(std::string(s), 0).first;
    return &*it;
  }

  Status Flush(FrameKind kind) {
    std::string& buf = kind == FrameKind::kTimestamps ? ts_buf : vs_buf;
    if (buf.empty()) return OkStatus();
    std::string comp = ZstdCompress(buf, options.zstd_level);
    PutFixed32(&comp, Crc32c(std::string_view(comp)));
    frames.push_back(
        {kind, static_cast<uint32_t>(buf.size()), static_cast<uint32_t>(comp.size() - 4)});
    buf.clear();
    return data->Append(comp);
  }

  Status AddColumn(FrameKind kind, const std::string& column) {
    std::string& buf = kind == FrameKind::kTimestamps ? ts_buf : vs_buf;
    if (!buf.empty() && buf.size() + column.size() > options.frame_bytes) {
      OSPREY_RETURN_IF_ERROR(Flush(kind));
    }
    buf.append(column);
    if (buf.size() >= options.frame_bytes) OSPREY_RETURN_IF_ERROR(Flush(kind));
    return OkStatus();
  }

  std::string BuildIndex();
};

std::string BlockWriter::State::BuildIndex() {
  uint32_t next = 0;
  for (Symbol& s : symbols) s.second = next++;

  std::string index = FileHeader(block_internal::kIndexMagic);
  std::string buf;
  PutVarint(&buf, symbols.size());
  for (const Symbol& s : symbols) {
    PutVarint(&buf, s.first.size());
    buf.append(s.first);
  }
  AppendSection(&index, Section::kSymbols, buf);

  buf.clear();
  PutVarint(&buf, series.size());
  for (const SeriesRec& s : series) {
    PutVarint(&buf, s.num_labels);
    for (uint32_t i = 0; i < 2 * s.num_labels; ++i) {
      PutVarint(&buf, label_syms[s.labels_begin + i]->second);
    }
    PutVarint(&buf, s.num_chunks);
    for (uint32_t i = 0; i < s.num_chunks; ++i) {
      const ChunkRec& c = chunks[s.chunks_begin + i];
      // Unsigned differences: exact, as range.min <= min_t <= max_t, even for wide ranges.
      PutVarint(&buf, static_cast<uint64_t>(c.min_t) - static_cast<uint64_t>(range.min));
      PutVarint(&buf, static_cast<uint64_t>(c.max_t) - static_cast<uint64_t>(c.min_t));
      PutVarint(&buf, c.num_samples);
      PutVarint(&buf, c.ts_len);
      PutVarint(&buf, c.vs_len);
    }
  }
  AppendSection(&index, Section::kSeries, buf);

  // name ref -> value ref -> series ids (ascending, since series are visited in order).
  std::map<uint32_t, std::map<uint32_t, std::vector<uint32_t>>> postings;
  for (uint32_t id = 0; id < series.size(); ++id) {
    const SeriesRec& s = series[id];
    for (uint32_t i = 0; i < s.num_labels; ++i) {
      postings[label_syms[s.labels_begin + 2 * i]->second]
              [label_syms[s.labels_begin + 2 * i + 1]->second]
                  .push_back(id);
    }
  }
  buf.clear();
  PutVarint(&buf, postings.size());
  for (const auto& [name, values] : postings) {
    PutVarint(&buf, name);
    PutVarint(&buf, values.size());
    for (const auto& [value, ids] : values) {
      PutVarint(&buf, value);
      std::string p = EncodePostings(ids);
      PutVarint(&buf, p.size());
      buf.append(p);
    }
  }
  AppendSection(&index, Section::kLabels, buf);

  buf.clear();
  PutVarint(&buf, frames.size());
  for (const FrameRec& f : frames) {
    buf.push_back(static_cast<char>(f.kind));
    PutVarint(&buf, f.raw_len);
    PutVarint(&buf, f.comp_len);
  }
  AppendSection(&index, Section::kFrames, buf);
  return index;
}

BlockWriter::BlockWriter(std::unique_ptr<State> state) : s_(std::move(state)) {}

BlockWriter::~BlockWriter() {
  if (s_ != nullptr && !s_->finished) {
    s_->data.reset();
    s_->fs->RemoveAll(s_->tmp_dir).IgnoreError();
  }
}

Result<std::unique_ptr<BlockWriter>> BlockWriter::Create(FileSystem& fs, std::string parent_dir,
                                                         model::TimeRange range,
                                                         BlockWriterOptions options) {
  if (range.min > range.max) return InvalidArgumentError("block range: min > max");
  if (options.frame_bytes == 0) options.frame_bytes = 1;
  if (options.max_samples_per_chunk == 0) options.max_samples_per_chunk = 1;
  auto s = std::make_unique<State>();
  s->fs = &fs;
  s->parent_dir = std::move(parent_dir);
  s->range = range;
  SystemClock system_clock;
  const Clock& clock = options.clock != nullptr ? *options.clock : system_clock;
  std::random_device rd;
  std::mt19937_64 rng((static_cast<uint64_t>(rd()) << 32) ^ rd() ^
                      static_cast<uint64_t>(clock.MonotonicNanos()));
  s->meta.ulid = NewUlid(clock.NowMillis(), rng);
  s->meta.range = range;
  s->meta.compaction_level = options.compaction_level;
  s->meta.sources = options.sources;
  if (s->meta.sources.empty()) s->meta.sources.push_back(s->meta.ulid);
  std::sort(s->meta.sources.begin(), s->meta.sources.end());
  s->options = std::move(options);
  s->tmp_dir = JoinPath(s->parent_dir, s->meta.ulid + ".tmp");
  OSPREY_RETURN_IF_ERROR(fs.CreateDirs(s->tmp_dir));
  auto data = fs.NewWritableFile(JoinPath(s->tmp_dir, "data"));
  if (!data.ok()) {
    fs.RemoveAll(s->tmp_dir).IgnoreError();
    return data.status();
  }
  s->data = std::move(data).value();
  std::unique_ptr<BlockWriter> w(new BlockWriter(std::move(s)));
  OSPREY_RETURN_IF_ERROR(w->s_->data->Append(FileHeader(block_internal::kDataMagic)));
  return w;
}

Status BlockWriter::AddSeries(const model::Labels& labels, std::span<const int64_t> ts,
                              std::span<const double> vs) {
  State& s = *s_;
  if (s.finished) return FailedPreconditionError("block writer: already finished");
  if (!s.error.ok()) return s.error;
  if (ts.size() != vs.size()) {
    return InvalidArgumentError("block writer: timestamps and values differ in length");
  }
  if (labels.empty()) return InvalidArgumentError("block writer: empty label set");
  if (!s.series.empty() && !(s.prev_labels < labels)) {
    return InvalidArgumentError("block writer: series out of order: " + labels.ToString() +
                                " after " + s.prev_labels.ToString());
  }
  for (size_t i = 0; i < ts.size(); ++i) {
    if (!s.range.Contains(ts[i])) {
      return InvalidArgumentError("block writer: sample outside the block range in " +
                                  labels.ToString());
    }
    if (i > 0 && ts[i] <= ts[i - 1]) {
      return InvalidArgumentError("block writer: timestamps not increasing in " +
                                  labels.ToString());
    }
  }
  if (ts.empty()) return OkStatus();
  s.prev_labels = labels;

  SeriesRec rec;
  rec.labels_begin = static_cast<uint32_t>(s.label_syms.size());
  rec.num_labels = static_cast<uint32_t>(labels.size());
  for (const model::Label& l : labels) {
    s.label_syms.push_back(s.Intern(l.name));
    s.label_syms.push_back(s.Intern(l.value));
  }
  rec.chunks_begin = static_cast<uint32_t>(s.chunks.size());
  for (size_t begin = 0; begin < ts.size(); begin += s.options.max_samples_per_chunk) {
    const size_t n = std::min(ts.size() - begin, s.options.max_samples_per_chunk);
    const std::string tcol = EncodeTimestamps(ts.subspan(begin, n));
    const std::string vcol = EncodeValues(vs.subspan(begin, n));
    Status st = s.AddColumn(FrameKind::kTimestamps, tcol);
    if (st.ok()) st = s.AddColumn(FrameKind::kValues, vcol);
    if (!st.ok()) {
      s.error = st;
      return st;
    }
    s.chunks.push_back({ts[begin], ts[begin + n - 1], static_cast<uint32_t>(n),
                        static_cast<uint32_t>(tcol.size()), static_cast<uint32_t>(vcol.size())});
    ++rec.num_chunks;
    s.meta.stats.num_samples += n;
  }
  s.series.push_back(rec);
  return OkStatus();
}

Result<BlockMeta> BlockWriter::Finish() {
  State& s = *s_;
  if (s.finished) return FailedPreconditionError("block writer: already finished");
  if (!s.error.ok()) return s.error;
  auto fail = [&s](Status st) {
    s.error = st;
    return st;
  };
  Status st = s.Flush(FrameKind::kTimestamps);
  if (st.ok()) st = s.Flush(FrameKind::kValues);
  if (st.ok()) st = s.data->Sync();
  if (st.ok()) st = s.data->Close();
  if (!st.ok()) return fail(st);

  s.meta.stats.num_series = s.series.size();
  s.meta.stats.num_chunks = s.chunks.size();
  const std::string index = s.BuildIndex();
  for (const auto& [name, contents] :
       {std::pair<std::string, std::string>{"index", index},
        std::pair<std::string, std::string>{"meta.json", SerializeBlockMeta(s.meta)}}) {
    auto file = s.fs->NewWritableFile(JoinPath(s.tmp_dir, name));
    if (!file.ok()) return fail(file.status());
    st = (*file)->Append(contents);
    if (st.ok()) st = (*file)->Sync();
    if (st.ok()) st = (*file)->Close();
    if (!st.ok()) return fail(st);
  }
  st = s.fs->SyncDir(s.tmp_dir);
  const std::string final_dir = JoinPath(s.parent_dir, s.meta.ulid);
  if (st.ok()) st = s.fs->Rename(s.tmp_dir, final_dir);
  if (!st.ok()) return fail(st);
  s.finished = true;
  OSPREY_RETURN_IF_ERROR(s.fs->SyncDir(s.parent_dir));
  return s.meta;
}

uint64_t BlockWriter::data_bytes() const { return s_->data != nullptr ? s_->data->Size() : 0; }

Result<BlockMeta> WriteBlock(FileSystem& fs, const std::string& parent_dir, model::TimeRange range,
                             storage::Querier& source, BlockWriterOptions options) {
  OSPREY_ASSIGN_OR_RETURN(auto writer,
                          BlockWriter::Create(fs, parent_dir, range, std::move(options)));
  const model::Matcher all[] = {model::Matcher::MustCreate(model::MatchType::kRegexMatch,
                                                           std::string(model::kMetricName), ".*")};
  storage::SelectHints hints;
  hints.start = range.min;
  hints.end = range.max;
  std::unique_ptr<storage::SeriesSet> set = source.Select(hints, all);
  std::vector<int64_t> ts;
  std::vector<double> vs;
  while (set->Next()) {
    const storage::Series& series = set->At();
    ts.clear();
    vs.clear();
    std::unique_ptr<storage::SampleIterator> it = series.Iterator();
    if (it->Seek(range.min)) {
      do {
        const model::Sample smp = it->At();
        if (smp.t > range.max) break;
        ts.push_back(smp.t);
        vs.push_back(smp.v);
      } while (it->Next());
    }
    OSPREY_RETURN_IF_ERROR(it->status());
    OSPREY_RETURN_IF_ERROR(writer->AddSeries(series.labels(), ts, vs));
  }
  OSPREY_RETURN_IF_ERROR(set->status());
  return writer->Finish();
}

}  // namespace osprey::tsdb
