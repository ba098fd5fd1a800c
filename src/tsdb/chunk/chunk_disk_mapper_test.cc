#include "tsdb/chunk/chunk_disk_mapper.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "testing/temp_dir.h"
#include "tsdb/chunk/xor_chunk.h"

namespace osprey::tsdb {
namespace {

std::vector<uint8_t> ChunkBytes(int seed, int samples) {
  XorChunk chunk;
  for (int i = 0; i < samples; ++i) chunk.Append(seed * 1'000'000LL + i * 15'000LL, seed + i * 0.5);
  return {chunk.bytes().begin(), chunk.bytes().end()};
}

std::vector<uint8_t> ToVector(std::span<const uint8_t> s) { return {s.begin(), s.end()}; }

std::unique_ptr<ChunkDiskMapper> OpenOrDie(const std::string& dir, uint64_t max_size = 1 << 20) {
  auto m = ChunkDiskMapper::Open({.dir = dir, .max_segment_size = max_size});
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return std::move(m).value();
}

uint64_t FileSize(const std::string& path) { return std::filesystem::file_size(path); }

struct Written {
  ChunkDiskRef ref;
  uint64_t series;
  int64_t mint, maxt;
  std::vector<uint8_t> data;
};

std::vector<DiskChunk> ReadAll(ChunkDiskMapper& m, ChunkReplayReport* report = nullptr) {
  std::vector<DiskChunk> out;
  Status s = m.IterateAllChunks(
      [&](const DiskChunk& c) {
        out.push_back(c);
        return OkStatus();
      },
      report);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

TEST(ChunkDiskMapperTest, WrittenChunksReadBackThroughTheMapping) {
  testing::TempDir tmp;
  auto m = OpenOrDie(tmp.Join("chunks_head"));
  std::vector<Written> written;
  for (int i = 0; i < 50; ++i) {
    std::vector<uint8_t> data = ChunkBytes(i, 1 + i * 3);
    auto ref = m->WriteChunk(1000 + i, i * 10, i * 10 + 9, data);
    ASSERT_TRUE(ref.ok()) << ref.status().ToString();
    written.push_back({*ref, static_cast<uint64_t>(1000 + i), i * 10, i * 10 + 9, data});
  }
  for (const Written& w : written) {
    auto got = m->Chunk(w.ref);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(ToVector(*got), w.data);
    EXPECT_TRUE(XorChunk::Validate(*got).ok());
  }
  EXPECT_EQ(m->Segments(), std::vector<uint32_t>{1});
  EXPECT_TRUE(std::filesystem::exists(tmp.Join("chunks_head/000001")));
  ASSERT_TRUE(m->Close().ok());
}

TEST(ChunkDiskMapperTest, ReopenReplaysEveryChunkAndWritesToANewSegment) {
  testing::TempDir tmp;
  std::vector<Written> written;
  {
    auto m = OpenOrDie(tmp.path(), 1024);
    for (int i = 0; i < 100; ++i) {
      std::vector<uint8_t> data = ChunkBytes(i, 20);
      auto ref = m->WriteChunk(i, i, i + 100, data);
      ASSERT_TRUE(ref.ok());
      written.push_back({*ref, static_cast<uint64_t>(i), i, i + 100, data});
    }
    EXPECT_GT(m->Segments().size(), 3u);  // Small segments were cut.
    for (uint32_t s : m->Segments()) {
      EXPECT_LE(
          FileSize(tmp.Join(std::string(6 - std::to_string(s).size(), '0') + std::to_string(s))),
          1024u);
    }
    ASSERT_TRUE(m->Close().ok());
  }
  auto m = OpenOrDie(tmp.path(), 1024);
  const std::vector<uint32_t> before = m->Segments();
  ChunkReplayReport report;
  std::vector<DiskChunk> got = ReadAll(*m, &report);
  ASSERT_EQ(got.size(), written.size());
  EXPECT_EQ(report.chunks, written.size());
  EXPECT_EQ(report.truncated_bytes, 0u);
  EXPECT_TRUE(report.corruptions.empty());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].ref, written[i].ref);
    EXPECT_EQ(got[i].series_ref, written[i].series);
    EXPECT_EQ(got[i].min_time, written[i].mint);
    EXPECT_EQ(got[i].max_time, written[i].maxt);
    EXPECT_EQ(got[i].encoding, ChunkEncoding::kXor);
    EXPECT_EQ(ToVector(got[i].data), written[i].data);
    auto via_ref = m->Chunk(written[i].ref);
    ASSERT_TRUE(via_ref.ok());
    EXPECT_EQ(ToVector(*via_ref), written[i].data);
  }
  auto ref = m->WriteChunk(7, 1, 2, ChunkBytes(1, 1));
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->segment(), before.back() + 1);
}

TEST(ChunkDiskMapperTest, TornTailIsTruncatedAndReported) {
  testing::TempDir tmp;
  ChunkDiskRef last;
  {
    auto m = OpenOrDie(tmp.path());
    for (int i = 0; i < 10; ++i) last = m->WriteChunk(i, 0, 1, ChunkBytes(i, 30)).value();
    ASSERT_TRUE(m->Close().ok());
  }
  const std::string path = tmp.Join("000001");
  const uint64_t full = FileSize(path);
  // A crash in the middle of the last record.
  std::filesystem::resize_file(path, full - 7);
  auto m = OpenOrDie(tmp.path());
  ChunkReplayReport report;
  std::vector<DiskChunk> got = ReadAll(*m, &report);
  EXPECT_EQ(got.size(), 9u);
  ASSERT_EQ(report.corruptions.size(), 1u);
  EXPECT_NE(report.corruptions[0].find("segment 1 at offset " + std::to_string(last.offset())),
            std::string::npos)
      << report.corruptions[0];
  EXPECT_EQ(report.truncated_bytes, full - 7 - last.offset());
  EXPECT_EQ(FileSize(path), last.offset());
  EXPECT_EQ(m->Chunk(last).status().code(), StatusCode::kNotFound);
  // A second replay finds a clean segment.
  ChunkReplayReport again;
  EXPECT_EQ(ReadAll(*m, &again).size(), 9u);
  EXPECT_TRUE(again.corruptions.empty());
}

TEST(ChunkDiskMapperTest, CorruptedRecordEndsItsSegmentButLaterSegmentsSurvive) {
  testing::TempDir tmp;
  std::vector<ChunkDiskRef> refs;
  {
    auto m = OpenOrDie(tmp.path(), 512);
    for (int i = 0; i < 40; ++i) refs.push_back(m->WriteChunk(i, i, i, ChunkBytes(i, 25)).value());
    ASSERT_TRUE(m->Close().ok());
  }
  ASSERT_GE(refs.back().segment(), 3u);
  // Flip a byte inside the third record of segment 1.
  std::vector<ChunkDiskRef> seg1;
  for (ChunkDiskRef r : refs) {
    if (r.segment() == 1) seg1.push_back(r);
  }
  ASSERT_GE(seg1.size(), 4u);
  {
    const int fd = ::open(tmp.Join("000001").c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    uint8_t b;
    ASSERT_EQ(::pread(fd, &b, 1, seg1[2].offset() + 30), 1);
    b ^= 0x40;
    ASSERT_EQ(::pwrite(fd, &b, 1, seg1[2].offset() + 30), 1);
    ::close(fd);
  }
  auto m = OpenOrDie(tmp.path(), 512);
  // Reads through a reference see the damage before any replay.
  EXPECT_EQ(m->Chunk(seg1[2]).status().code(), StatusCode::kDataLoss);
  ChunkReplayReport report;
  std::vector<DiskChunk> got = ReadAll(*m, &report);
  ASSERT_EQ(report.corruptions.size(), 1u);
  EXPECT_NE(report.corruptions[0].find("checksum mismatch"), std::string::npos);
  EXPECT_EQ(got.size(), refs.size() - (seg1.size() - 2));
  EXPECT_TRUE(m->Chunk(seg1[1]).ok());
  EXPECT_TRUE(m->Chunk(refs.back()).ok());
}

TEST(ChunkDiskMapperTest, BadReferencesAreErrorsNotCrashes) {
  testing::TempDir tmp;
  auto m = OpenOrDie(tmp.path());
  ChunkDiskRef ref = m->WriteChunk(1, 0, 1, ChunkBytes(1, 5)).value();
  EXPECT_EQ(m->Chunk(ChunkDiskRef()).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(m->Chunk(ChunkDiskRef(9, 8)).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(m->Chunk(ChunkDiskRef(1, 0)).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(m->Chunk(ChunkDiskRef(1, 1 << 30)).status().code(), StatusCode::kNotFound);
  // Pointing into the middle of a record fails its checks.
  for (uint32_t off = ref.offset() + 1; off < ref.offset() + 30; ++off) {
    auto got = m->Chunk(ChunkDiskRef(1, off));
    EXPECT_FALSE(got.ok()) << off;
  }
}

TEST(ChunkDiskMapperTest, RejectsChunkLargerThanASegment) {
  testing::TempDir tmp;
  auto m = OpenOrDie(tmp.path(), 256);
  std::vector<uint8_t> big(300, 1);
  EXPECT_EQ(m->WriteChunk(1, 0, 1, big).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(m->WriteChunk(1, 0, 1, std::vector<uint8_t>(100, 1)).ok());
  EXPECT_EQ(ChunkDiskMapper::Open({.dir = tmp.path(), .max_segment_size = 10}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(ChunkDiskMapperTest, TruncateOlderThanDeletesOnlySegmentsWhollyBeforeTheTime) {
  testing::TempDir tmp;
  auto m = OpenOrDie(tmp.path(), 1024);
  std::vector<ChunkDiskRef> refs;
  for (int i = 0; i < 60; ++i) {
    refs.push_back(m->WriteChunk(i, i * 100, i * 100 + 99, ChunkBytes(i, 10)).value());
  }
  const std::vector<uint32_t> before = m->Segments();
  ASSERT_GE(before.size(), 4u);
  // Keep everything that has a chunk ending at or after 2000 (chunk 20 onwards).
  uint32_t deleted = 0;
  ASSERT_TRUE(m->TruncateOlderThan(2000, &deleted).ok());
  EXPECT_GT(deleted, 0u);
  EXPECT_TRUE(m->Chunk(refs[20]).ok());
  EXPECT_EQ(m->Chunk(refs[0]).status().code(), StatusCode::kNotFound);
  for (int i = 0; i < 60; ++i) {
    if (i >= 20) {
      EXPECT_TRUE(m->Chunk(refs[i]).ok()) << i;
    }
  }
  EXPECT_FALSE(std::filesystem::exists(tmp.Join("000001")));
  // Everything is older than this, including the segment being written.
  ASSERT_TRUE(m->TruncateOlderThan(1'000'000).ok());
  EXPECT_TRUE(m->Segments().empty());
  auto ref = m->WriteChunk(1, 0, 1, ChunkBytes(1, 2));
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->segment(), before.back() + 1);
}

TEST(ChunkDiskMapperTest, OldSegmentsAreKeptByTimeUntilReplayed) {
  testing::TempDir tmp;
  {
    auto m = OpenOrDie(tmp.path());
    ASSERT_TRUE(m->WriteChunk(1, 0, 10, ChunkBytes(1, 3)).ok());
    ASSERT_TRUE(m->Close().ok());
  }
  auto m = OpenOrDie(tmp.path());
  uint32_t deleted = 7;
  ASSERT_TRUE(m->TruncateOlderThan(100, &deleted).ok());
  EXPECT_EQ(deleted, 0u);
  ReadAll(*m);
  ASSERT_TRUE(m->TruncateOlderThan(100, &deleted).ok());
  EXPECT_EQ(deleted, 1u);
}

TEST(ChunkDiskMapperTest, TruncateBeforeDeletesLowerSegments) {
  testing::TempDir tmp;
  auto m = OpenOrDie(tmp.path(), 512);
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(m->WriteChunk(i, i, i, ChunkBytes(i, 10)).ok());
  std::vector<uint32_t> segs = m->Segments();
  ASSERT_GE(segs.size(), 3u);
  ASSERT_TRUE(m->TruncateBefore(segs[2]).ok());
  EXPECT_EQ(m->Segments(), std::vector<uint32_t>(segs.begin() + 2, segs.end()));
  ASSERT_TRUE(m->CutSegment().ok());
  auto ref = m->WriteChunk(1, 0, 1, ChunkBytes(1, 2));
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->segment(), segs.back() + 1);
}

TEST(ChunkDiskMapperTest, ForeignFilesAreRejectedAndEmptyOnesRemoved) {
  testing::TempDir tmp;
  tmp.WriteFile("000001", "");          // Torn creation: removed.
  tmp.WriteFile("notes.txt", "hello");  // Not a segment name: ignored.
  {
    auto m = OpenOrDie(tmp.path());
    EXPECT_TRUE(m->Segments().empty());
    EXPECT_FALSE(std::filesystem::exists(tmp.Join("000001")));
    auto ref = m->WriteChunk(1, 0, 1, ChunkBytes(1, 2));
    ASSERT_TRUE(ref.ok());
    EXPECT_EQ(ref->segment(), 2u);
  }
  tmp.WriteFile("000009", "this is not a segment");
  EXPECT_EQ(ChunkDiskMapper::Open({.dir = tmp.path()}).status().code(), StatusCode::kDataLoss);
}

TEST(ChunkDiskMapperTest, ReplayStopsAtTheVisitorsError) {
  testing::TempDir tmp;
  auto m = OpenOrDie(tmp.path());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(m->WriteChunk(i, i, i, ChunkBytes(i, 2)).ok());
  int calls = 0;
  Status s = m->IterateAllChunks(
      [&](const DiskChunk&) { return ++calls == 3 ? InternalError("stop") : OkStatus(); });
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_EQ(calls, 3);
}

TEST(ChunkDiskMapperTest, ClosedMapperRejectsWritesButStillReads) {
  testing::TempDir tmp;
  auto m = OpenOrDie(tmp.path());
  ChunkDiskRef ref = m->WriteChunk(1, 0, 1, ChunkBytes(1, 2)).value();
  ASSERT_TRUE(m->Sync().ok());
  ASSERT_TRUE(m->Close().ok());
  ASSERT_TRUE(m->Close().ok());
  EXPECT_EQ(m->WriteChunk(1, 0, 1, ChunkBytes(1, 2)).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_TRUE(m->Chunk(ref).ok());
}

TEST(ChunkDiskMapperTest, ReadersRunConcurrentlyWithTheWriter) {
  testing::TempDir tmp;
  auto m = OpenOrDie(tmp.path(), 8192);
  constexpr int kChunks = 2000;
  std::vector<std::vector<uint8_t>> payloads;
  for (int i = 0; i < kChunks; ++i) payloads.push_back(ChunkBytes(i % 50, 1 + i % 40));
  std::vector<std::atomic<uint64_t>> refs(kChunks);
  std::atomic<int> published{0};
  std::atomic<bool> failed{false};
  auto reader = [&] {
    int checked = 0;
    while (checked < kChunks) {
      const int n = published.load(std::memory_order_acquire);
      for (int i = checked; i < n; ++i) {
        auto got = m->Chunk(ChunkDiskRef::FromValue(refs[i].load(std::memory_order_relaxed)));
        if (!got.ok() || ToVector(*got) != payloads[i]) failed = true;
      }
      checked = n;
      std::this_thread::yield();
    }
  };
  std::thread r1(reader), r2(reader);
  for (int i = 0; i < kChunks; ++i) {
    auto ref = m->WriteChunk(i, i, i, payloads[i]);
    ASSERT_TRUE(ref.ok());
    refs[i].store(ref->value(), std::memory_order_relaxed);
    published.store(i + 1, std::memory_order_release);
  }
  r1.join();
  r2.join();
  EXPECT_FALSE(failed.load());
  EXPECT_GT(m->Segments().size(), 10u);
  EXPECT_GT(m->TotalBytes(), 0u);
}

}  // namespace
}  // namespace osprey::tsdb
