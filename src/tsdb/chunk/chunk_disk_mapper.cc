// Format: docs/format/head_chunks.md.
//
// Invariants:
// - A segment's `size` (guarded by mu_) only covers complete records: the writer pwrites a
//   record first and publishes the larger size afterwards, so Chunk() never sees a partial
//   record. Readers get the reference from the writer through the caller's own
//   synchronisation, which orders the pwrite before their read of the mapping.
// - Each segment is mapped once, read-only and shared; the page cache makes pwritten bytes
//   visible through the mapping. The segment being written is mapped at max_segment_size
//   (past the end of the file) so it never needs remapping; only bytes below `size` are read.
// - Only the writer thread inserts or erases segments, so it may use Segment pointers
//   without holding mu_.
#include "tsdb/chunk/chunk_disk_mapper.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <utility>

#include "tsdb/chunk/crc32c.h"
#include "tsdb/chunk/internal/varint.h"

namespace osprey::tsdb {
namespace {

constexpr uint8_t kMagic[4] = {'O', 'S', 'H', 'C'};
constexpr uint8_t kFormatVersion = 1;
constexpr size_t kSegmentHeaderSize = 8;  // Magic, version, 3 reserved zero bytes.
// series_ref, min_time, max_time, encoding.
constexpr size_t kRecordFixedSize = 8 + 8 + 8 + 1;
constexpr size_t kCrcSize = 4;

void StoreLittleEndian64(uint8_t* p, uint64_t v) {
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  std::memcpy(p, &v, 8);
}
void StoreLittleEndian32(uint8_t* p, uint32_t v) {
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
  std::memcpy(p, &v, 4);
}
uint64_t LoadLittleEndian64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}
uint32_t LoadLittleEndian32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
  return v;
}

std::string SegmentName(uint32_t number) {
  char name[16];
  std::snprintf(name, sizeof(name), "%06u", number);
  return name;
}

// Parses a segment file name (digits only); false for other files.
bool ParseSegmentName(std::string_view name, uint32_t* number) {
  if (name.empty() || name.size() > 10) return false;
  for (char c : name) {
    if (c < '0' || c > '9') return false;
  }
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(name.data(), name.data() + name.size(), v);
  if (ec != std::errc() || ptr != name.data() + name.size() || v == 0 ||
      v > std::numeric_limits<uint32_t>::max()) {
    return false;
  }
  *number = static_cast<uint32_t>(v);
  return true;
}

Status PwriteAll(int fd, const uint8_t* data, size_t size, uint64_t offset,
                 const std::string& path) {
  while (size > 0) {
    const ssize_t n = ::pwrite(fd, data, size, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("write " + path, errno);
    }
    data += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return OkStatus();
}

Status SyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open " + dir, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return ErrnoError("fsync " + dir, err);
  return OkStatus();
}

// A parsed record header; see ParseRecord.
struct Record {
  uint64_t series_ref;
  int64_t min_time;
  int64_t max_time;
  uint8_t encoding;
  const uint8_t* data;
  uint32_t data_len;
  uint64_t total_len;  // Whole record, CRC included.
};

// Parses and checks the record at `offset` of seg[0, size). On failure returns a reason.
const char* ParseRecord(const uint8_t* seg, uint64_t size, uint64_t offset, Record* rec) {
  if (offset < kSegmentHeaderSize || offset >= size) return "offset outside the segment";
  const uint8_t* p = seg + offset;
  const uint8_t* end = seg + size;
  if (static_cast<uint64_t>(end - p) < kRecordFixedSize + 1 + kCrcSize) return "truncated record";
  rec->series_ref = LoadLittleEndian64(p);
  rec->min_time = static_cast<int64_t>(LoadLittleEndian64(p + 8));
  rec->max_time = static_cast<int64_t>(LoadLittleEndian64(p + 16));
  rec->encoding = p[24];
  const uint8_t* q = p + kRecordFixedSize;
  uint64_t len;
  if (!chunk_internal::GetVarint(&q, end, &len)) return "truncated record";
  if (len > static_cast<uint64_t>(end - q) || static_cast<uint64_t>(end - q) - len < kCrcSize) {
    return "truncated record";
  }
  const uint8_t* crc_at = q + len;
  const uint32_t want = LoadLittleEndian32(crc_at);
  const uint32_t got = Crc32c(std::span<const uint8_t>(p, static_cast<size_t>(crc_at - p)));
  if (want != got) return "checksum mismatch";
  rec->data = q;
  rec->data_len = static_cast<uint32_t>(len);
  rec->total_len = static_cast<uint64_t>(crc_at + kCrcSize - p);
  return nullptr;
}

}  // namespace

struct ChunkDiskMapper::Segment {
  Segment() = default;
  Segment(const Segment&) = delete;
  Segment& operator=(const Segment&) = delete;
  ~Segment() {
    if (map != nullptr) ::munmap(const_cast<uint8_t*>(map), map_len);
    if (fd >= 0) ::close(fd);
  }

  uint32_t number = 0;
  std::string path;
  int fd = -1;
  const uint8_t* map = nullptr;  // Read-only shared mapping of map_len bytes, or null.
  size_t map_len = 0;
  // Bytes of complete records plus the header. Changed by the writer under mu_.
  uint64_t size = 0;
  // Writer-only fields.
  bool dirty = false;           // Has writes not yet fdatasync'ed.
  bool max_time_known = false;  // False for segments not yet read by IterateAllChunks.
  int64_t max_time = std::numeric_limits<int64_t>::min();
};

ChunkDiskMapper::ChunkDiskMapper(ChunkDiskMapperOptions options) : options_(std::move(options)) {}

ChunkDiskMapper::~ChunkDiskMapper() = default;

Result<std::unique_ptr<ChunkDiskMapper>> ChunkDiskMapper::Open(ChunkDiskMapperOptions options) {
  if (options.max_segment_size < 64 ||
      options.max_segment_size > std::numeric_limits<uint32_t>::max()) {
    return InvalidArgumentError("head chunks: max segment size must be in [64, 2^32 - 1], got " +
                                std::to_string(options.max_segment_size));
  }
  std::error_code ec;
  std::filesystem::create_directories(options.dir, ec);
  if (ec) return ErrnoError("create directory " + options.dir, ec.value());

  std::vector<uint32_t> numbers;
  for (const auto& entry : std::filesystem::directory_iterator(options.dir, ec)) {
    uint32_t number;
    if (entry.is_regular_file() && ParseSegmentName(entry.path().filename().string(), &number)) {
      numbers.push_back(number);
    }
  }
  if (ec) return ErrnoError("list " + options.dir, ec.value());
  std::sort(numbers.begin(), numbers.end());

  std::unique_ptr<ChunkDiskMapper> mapper(new ChunkDiskMapper(std::move(options)));
  const std::string& dir = mapper->options_.dir;
  MutexLock lock(mapper->mu_);
  for (uint32_t number : numbers) {
    auto seg = std::make_unique<Segment>();
    seg->number = number;
    seg->path = dir + "/" + SegmentName(number);
    seg->fd = ::open(seg->path.c_str(), O_RDWR | O_CLOEXEC);
    if (seg->fd < 0) return ErrnoError("open " + seg->path, errno);
    struct stat st;
    if (::fstat(seg->fd, &st) != 0) return ErrnoError("stat " + seg->path, errno);
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    mapper->next_segment_ = std::max(mapper->next_segment_, number + 1);
    if (size < kSegmentHeaderSize) {
      // Created but its header never made it to disk: holds no chunks.
      seg.reset();
      if (::unlink((dir + "/" + SegmentName(number)).c_str()) != 0) {
        return ErrnoError("remove torn segment " + dir + "/" + SegmentName(number), errno);
      }
      continue;
    }
    uint8_t header[kSegmentHeaderSize];
    if (::pread(seg->fd, header, sizeof(header), 0) != static_cast<ssize_t>(sizeof(header))) {
      return ErrnoError("read " + seg->path, errno);
    }
    if (std::memcmp(header, kMagic, sizeof(kMagic)) != 0) {
      return DataLossError("head chunks: " + seg->path + " is not a head chunk segment");
    }
    if (header[4] != kFormatVersion) {
      return DataLossError("head chunks: " + seg->path + " has unsupported format version " +
                           std::to_string(header[4]));
    }
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, seg->fd, 0);
    if (map == MAP_FAILED) return ErrnoError("mmap " + seg->path, errno);
    seg->map = static_cast<const uint8_t*>(map);
    seg->map_len = size;
    seg->size = size;
    mapper->segments_.emplace(number, std::move(seg));
  }
  return mapper;
}

Status ChunkDiskMapper::OpenNewSegment() {
  auto seg = std::make_unique<Segment>();
  seg->number = next_segment_;
  seg->path = options_.dir + "/" + SegmentName(seg->number);
  seg->fd = ::open(seg->path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (seg->fd < 0) return ErrnoError("create " + seg->path, errno);
  ++next_segment_;
  uint8_t header[kSegmentHeaderSize] = {};
  std::memcpy(header, kMagic, sizeof(kMagic));
  header[4] = kFormatVersion;
  Status s = PwriteAll(seg->fd, header, sizeof(header), 0, seg->path);
  if (s.ok()) s = SyncDir(options_.dir);
  void* map = MAP_FAILED;
  if (s.ok()) {
    map = ::mmap(nullptr, options_.max_segment_size, PROT_READ, MAP_SHARED, seg->fd, 0);
    if (map == MAP_FAILED) s = ErrnoError("mmap " + seg->path, errno);
  }
  if (!s.ok()) {
    ::unlink(seg->path.c_str());
    return s;
  }
  seg->map = static_cast<const uint8_t*>(map);
  seg->map_len = options_.max_segment_size;
  seg->size = kSegmentHeaderSize;
  seg->dirty = true;
  seg->max_time_known = true;
  active_ = seg.get();
  MutexLock lock(mu_);
  segments_.emplace(active_->number, std::move(seg));
  return OkStatus();
}

Result<ChunkDiskRef> ChunkDiskMapper::WriteChunk(uint64_t series_ref, int64_t min_time,
                                                 int64_t max_time, std::span<const uint8_t> data,
                                                 ChunkEncoding encoding) {
  if (closed_) return FailedPreconditionError("head chunks: mapper is closed");
  const uint64_t record_len =
      kRecordFixedSize + chunk_internal::VarintLength(data.size()) + data.size() + kCrcSize;
  if (kSegmentHeaderSize + record_len > options_.max_segment_size) {
    return InvalidArgumentError("head chunks: a " + std::to_string(data.size()) +
                                "-byte chunk does not fit in a segment");
  }
  if (active_ == nullptr || active_->size + record_len > options_.max_segment_size) {
    OSPREY_RETURN_IF_ERROR(OpenNewSegment());
  }
  record_buf_.resize(record_len);
  uint8_t* p = record_buf_.data();
  StoreLittleEndian64(p, series_ref);
  StoreLittleEndian64(p + 8, static_cast<uint64_t>(min_time));
  StoreLittleEndian64(p + 16, static_cast<uint64_t>(max_time));
  p[24] = static_cast<uint8_t>(encoding);
  uint8_t* q = chunk_internal::EncodeVarint(p + kRecordFixedSize, data.size());
  if (!data.empty()) std::memcpy(q, data.data(), data.size());
  q += data.size();
  StoreLittleEndian32(q, Crc32c(std::span<const uint8_t>(p, static_cast<size_t>(q - p))));

  const uint64_t offset = active_->size;
  Status s = PwriteAll(active_->fd, p, record_len, offset, active_->path);
  if (!s.ok()) {
    // Drop any partial record so the next write starts on a clean tail.
    if (::ftruncate(active_->fd, static_cast<off_t>(offset)) != 0) {
      return s.Annotate("and truncating back failed");
    }
    return s;
  }
  active_->dirty = true;
  active_->max_time = std::max(active_->max_time, max_time);
  {
    MutexLock lock(mu_);
    active_->size = offset + record_len;
  }
  return ChunkDiskRef(active_->number, static_cast<uint32_t>(offset));
}

Result<std::span<const uint8_t>> ChunkDiskMapper::Chunk(ChunkDiskRef ref) const {
  const uint8_t* map;
  uint64_t size;
  {
    MutexLock lock(mu_);
    auto it = segments_.find(ref.segment());
    if (it == segments_.end()) {
      return NotFoundError("head chunks: no segment " + std::to_string(ref.segment()));
    }
    map = it->second->map;
    size = it->second->size;
  }
  if (ref.offset() < kSegmentHeaderSize || ref.offset() >= size) {
    return NotFoundError("head chunks: offset " + std::to_string(ref.offset()) +
                         " is outside segment " + std::to_string(ref.segment()));
  }
  Record rec;
  if (const char* why = ParseRecord(map, size, ref.offset(), &rec); why != nullptr) {
    return DataLossError("head chunks: segment " + std::to_string(ref.segment()) + " offset " +
                         std::to_string(ref.offset()) + ": " + why);
  }
  return std::span<const uint8_t>(rec.data, rec.data_len);
}

Status ChunkDiskMapper::Sync() {
  std::vector<Segment*> dirty;
  {
    MutexLock lock(mu_);
    for (auto& [number, seg] : segments_) {
      if (seg->dirty) dirty.push_back(seg.get());
    }
  }
  // Without the lock: fdatasync may take a while and readers must not wait for it.
  for (Segment* seg : dirty) {
    if (::fdatasync(seg->fd) != 0) return ErrnoError("fdatasync " + seg->path, errno);
    seg->dirty = false;
  }
  return OkStatus();
}

Status ChunkDiskMapper::IterateAllChunks(const std::function<Status(const DiskChunk&)>& fn,
                                         ChunkReplayReport* report) {
  ChunkReplayReport local;
  ChunkReplayReport& r = report != nullptr ? *report : local;
  std::vector<Segment*> segs;
  {
    MutexLock lock(mu_);
    for (auto& [number, seg] : segments_) segs.push_back(seg.get());
  }
  for (Segment* seg : segs) {
    ++r.segments;
    uint64_t size;
    {
      MutexLock lock(mu_);
      size = seg->size;
    }
    int64_t max_time = std::numeric_limits<int64_t>::min();
    uint64_t offset = kSegmentHeaderSize;
    while (offset < size) {
      Record rec;
      if (const char* why = ParseRecord(seg->map, size, offset, &rec); why != nullptr) {
        r.corruptions.push_back("segment " + std::to_string(seg->number) + " at offset " +
                                std::to_string(offset) + ": " + why);
        r.truncated_bytes += size - offset;
        if (::ftruncate(seg->fd, static_cast<off_t>(offset)) != 0) {
          return ErrnoError("truncate " + seg->path, errno);
        }
        seg->dirty = true;
        MutexLock lock(mu_);
        seg->size = offset;
        break;
      }
      DiskChunk chunk;
      chunk.ref = ChunkDiskRef(seg->number, static_cast<uint32_t>(offset));
      chunk.series_ref = rec.series_ref;
      chunk.min_time = rec.min_time;
      chunk.max_time = rec.max_time;
      chunk.encoding = static_cast<ChunkEncoding>(rec.encoding);
      chunk.data = std::span<const uint8_t>(rec.data, rec.data_len);
      OSPREY_RETURN_IF_ERROR(fn(chunk));
      ++r.chunks;
      max_time = std::max(max_time, rec.max_time);
      offset += rec.total_len;
    }
    seg->max_time = max_time;
    seg->max_time_known = true;
  }
  return OkStatus();
}

Status ChunkDiskMapper::CutSegment() {
  if (active_ != nullptr && active_->size > kSegmentHeaderSize) active_ = nullptr;
  return OkStatus();
}

Status ChunkDiskMapper::DeleteSegment(uint32_t number) {
  const std::string path = options_.dir + "/" + SegmentName(number);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return ErrnoError("remove " + path, errno);
  std::unique_ptr<Segment> doomed;
  {
    MutexLock lock(mu_);
    auto it = segments_.find(number);
    if (it == segments_.end()) return OkStatus();
    if (it->second.get() == active_) active_ = nullptr;
    doomed = std::move(it->second);
    segments_.erase(it);
  }
  // Unmapped and closed here, outside the lock.
  return OkStatus();
}

Status ChunkDiskMapper::TruncateBefore(uint32_t segment) {
  for (uint32_t number : Segments()) {
    if (number >= segment) break;
    OSPREY_RETURN_IF_ERROR(DeleteSegment(number));
  }
  return OkStatus();
}

Status ChunkDiskMapper::TruncateOlderThan(int64_t min_time, uint32_t* deleted) {
  std::vector<uint32_t> doomed;
  {
    MutexLock lock(mu_);
    for (auto& [number, seg] : segments_) {
      if (seg->max_time_known && seg->max_time < min_time) doomed.push_back(number);
    }
  }
  for (uint32_t number : doomed) OSPREY_RETURN_IF_ERROR(DeleteSegment(number));
  if (deleted != nullptr) *deleted = static_cast<uint32_t>(doomed.size());
  return OkStatus();
}

Status ChunkDiskMapper::Close() {
  if (closed_) return OkStatus();
  OSPREY_RETURN_IF_ERROR(Sync());
  closed_ = true;
  active_ = nullptr;
  return OkStatus();
}

std::vector<uint32_t> ChunkDiskMapper::Segments() const {
  MutexLock lock(mu_);
  std::vector<uint32_t> out;
  out.reserve(segments_.size());
  for (const auto& [number, seg] : segments_) out.push_back(number);
  return out;
}

uint64_t ChunkDiskMapper::TotalBytes() const {
  MutexLock lock(mu_);
  uint64_t total = 0;
  for (const auto& [number, seg] : segments_) total += seg->size;
  return total;
}

}  // namespace osprey::tsdb
