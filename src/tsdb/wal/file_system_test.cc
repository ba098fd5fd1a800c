// Tests of the file-system seam the WAL stands on: PosixFileSystem in a temp dir, and the
// crash and error model of testing::MemFileSystem.
#include "base/file_system.h"

#include <cerrno>

#include "gtest/gtest.h"
#include "testing/mem_file_system.h"
#include "testing/temp_dir.h"

namespace osprey {
namespace {

using testing::MemFileSystem;

void WriteFile(FileSystem& fs, const std::string& path, std::string_view data, bool sync) {
  auto file = fs.NewWritableFile(path);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_TRUE((*file)->Append(data).ok());
  if (sync) {
    ASSERT_TRUE((*file)->Sync().ok());
  }
  ASSERT_TRUE((*file)->Close().ok());
}

std::string Read(FileSystem& fs, const std::string& path) {
  auto data = ReadFileToString(fs, path);
  if (!data.ok()) return data.status().ToString();
  return *data;
}

// The contract every FileSystem keeps, run against both implementations.
void CheckBasicOperations(FileSystem& fs, const std::string& root) {
  const std::string dir = JoinPath(root, "a/b");
  ASSERT_TRUE(fs.CreateDirs(dir).ok());
  ASSERT_TRUE(fs.CreateDirs(dir).ok());  // exists: fine
  EXPECT_TRUE(fs.Exists(dir));

  const std::string f = JoinPath(dir, "f");
  WriteFile(fs, f, "hello", /*sync=*/true);
  EXPECT_EQ(Read(fs, f), "hello");
  {
    auto app = fs.NewAppendableFile(f);
    ASSERT_TRUE(app.ok());
    EXPECT_EQ((*app)->Size(), 5u);
    const uint8_t more[] = {' ', 'w', 'o', 'r', 'l', 'd'};
    ASSERT_TRUE((*app)->Append(std::span<const uint8_t>(more)).ok());
    EXPECT_EQ((*app)->Size(), 11u);
    ASSERT_TRUE((*app)->Sync().ok());
    ASSERT_TRUE((*app)->Close().ok());
    EXPECT_EQ((*app)->Append("x").code(), StatusCode::kFailedPrecondition);
  }
  EXPECT_EQ(Read(fs, f), "hello world");
  auto size = fs.FileSize(f);
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, 11u);

  auto reader = fs.NewReadableFile(f);
  ASSERT_TRUE(reader.ok());
  char buf[8];
  auto n = (*reader)->Read(6, std::span<char>(buf));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string_view(buf, *n), "world");
  n = (*reader)->Read(100, std::span<char>(buf));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0u);

  ASSERT_TRUE(fs.Truncate(f, 5).ok());
  EXPECT_EQ(Read(fs, f), "hello");

  WriteFile(fs, JoinPath(dir, "g"), "g", true);
  ASSERT_TRUE(fs.CreateDirs(JoinPath(dir, "sub")).ok());
  auto names = fs.ListDir(dir);
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"f", "g", "sub"}));

  ASSERT_TRUE(fs.Rename(JoinPath(dir, "g"), f).ok());  // replaces f
  EXPECT_EQ(Read(fs, f), "g");
  EXPECT_FALSE(fs.Exists(JoinPath(dir, "g")));
  ASSERT_TRUE(fs.SyncDir(dir).ok());

  const std::string moved = JoinPath(root, "moved");
  ASSERT_TRUE(fs.Rename(dir, moved).ok());
  EXPECT_EQ(Read(fs, JoinPath(moved, "f")), "g");
  EXPECT_FALSE(fs.Exists(dir));

  EXPECT_EQ(fs.Remove(JoinPath(moved, "nope")).code(), StatusCode::kNotFound);
  EXPECT_EQ(fs.NewReadableFile(JoinPath(moved, "nope")).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(fs.NewWritableFile(JoinPath(root, "no/such/dir/f")).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(fs.ListDir(JoinPath(root, "nodir")).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(fs.Remove(JoinPath(moved, "f")).ok());
  ASSERT_TRUE(fs.Remove(JoinPath(moved, "sub")).ok());
  ASSERT_TRUE(fs.RemoveAll(JoinPath(root, "a")).ok());
  ASSERT_TRUE(fs.RemoveAll(moved).ok());
  ASSERT_TRUE(fs.RemoveAll(moved).ok());  // absent: fine
  EXPECT_FALSE(fs.Exists(moved));
}

TEST(PosixFileSystemTest, BasicOperations) {
  testing::TempDir tmp;
  PosixFileSystem fs;
  CheckBasicOperations(fs, tmp.path());
}

TEST(PosixFileSystemTest, WriteFileAtomicallyReplacesContents) {
  testing::TempDir tmp;
  PosixFileSystem fs;
  const std::string path = tmp.Join("meta.json");
  ASSERT_TRUE(WriteFileAtomically(fs, path, "old").ok());
  ASSERT_TRUE(WriteFileAtomically(fs, path, "new").ok());
  EXPECT_EQ(Read(fs, path), "new");
  EXPECT_FALSE(fs.Exists(path + ".tmp"));
}

TEST(PosixFileSystemTest, FullDiskIsResourceExhausted) {
  EXPECT_EQ(ErrnoError("write /data/wal/00000001", ENOSPC).code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(ErrnoError("write /data/wal/00000001", EDQUOT).code(), StatusCode::kResourceExhausted);
}

TEST(FileSystemPathTest, JoinAndParent) {
  EXPECT_EQ(JoinPath("/a", "b"), "/a/b");
  EXPECT_EQ(JoinPath("/a/", "b"), "/a/b");
  EXPECT_EQ(ParentDir("/a/b"), "/a");
  EXPECT_EQ(ParentDir("/a/b/"), "/a");
  EXPECT_EQ(ParentDir("/a"), "/");
  EXPECT_EQ(ParentDir("a"), ".");
}

TEST(MemFileSystemTest, BasicOperations) {
  MemFileSystem fs;
  CheckBasicOperations(fs, "/root");
}

TEST(MemFileSystemTest, CrashKeepsOnlySyncedBytes) {
  MemFileSystem fs;
  ASSERT_TRUE(fs.CreateDirs("/d").ok());
  auto file = fs.NewWritableFile("/d/f");
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE(fs.SyncDir("/d").ok());
  ASSERT_TRUE((*file)->Append("synced").ok());
  ASSERT_TRUE((*file)->Sync().ok());
  ASSERT_TRUE((*file)->Append(" lost").ok());
  EXPECT_EQ(Read(fs, "/d/f"), "synced lost");

  fs.DropUnsyncedData();
  EXPECT_EQ(Read(fs, "/d/f"), "synced");
  // The handle died with the crash: nothing it does reaches the file.
  EXPECT_EQ((*file)->Append("x").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ((*file)->Sync().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Read(fs, "/d/f"), "synced");
}

TEST(MemFileSystemTest, CrashUndoesNameChangesNotSyncedInTheirDirectory) {
  MemFileSystem fs;
  ASSERT_TRUE(fs.CreateDirs("/d").ok());
  WriteFile(fs, "/d/kept", "k", /*sync=*/true);
  WriteFile(fs, "/d/removed", "r", true);
  ASSERT_TRUE(fs.SyncDir("/d").ok());
  WriteFile(fs, "/d/new", "n", true);  // synced data, but the name was never synced
  ASSERT_TRUE(fs.Remove("/d/removed").ok());
  ASSERT_TRUE(fs.Rename("/d/kept", "/d/renamed").ok());

  fs.DropUnsyncedData();
  auto names = fs.ListDir("/d");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"kept", "removed"}));

  WriteFile(fs, "/d/new", "n", true);
  ASSERT_TRUE(fs.Rename("/d/kept", "/d/renamed").ok());
  ASSERT_TRUE(fs.SyncDir("/d").ok());
  fs.DropUnsyncedData();
  names = fs.ListDir("/d");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"new", "removed", "renamed"}));
  EXPECT_EQ(Read(fs, "/d/renamed"), "k");
}

TEST(MemFileSystemTest, DirectoryRenameIsDurableAtOnce) {
  MemFileSystem fs;
  ASSERT_TRUE(fs.CreateDirs("/d/tmp").ok());
  WriteFile(fs, "/d/tmp/f", "data", true);
  ASSERT_TRUE(fs.SyncDir("/d/tmp").ok());
  ASSERT_TRUE(fs.Rename("/d/tmp", "/d/final").ok());
  fs.DropUnsyncedData();
  EXPECT_EQ(Read(fs, "/d/final/f"), "data");
  EXPECT_FALSE(fs.Exists("/d/tmp"));
}

TEST(MemFileSystemTest, WriteErrorFailsWritesUntilCleared) {
  MemFileSystem fs;
  ASSERT_TRUE(fs.CreateDirs("/d").ok());
  auto file = fs.NewWritableFile("/d/f");
  ASSERT_TRUE(file.ok());
  fs.SetWriteError(ResourceExhaustedError("disk full"));
  EXPECT_EQ((*file)->Append("x").code(), StatusCode::kResourceExhausted);
  EXPECT_EQ((*file)->Sync().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ((*file)->Flush().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(Read(fs, "/d/f"), "");
  fs.SetWriteError(OkStatus());
  EXPECT_TRUE((*file)->Append("y").ok());
  EXPECT_EQ(Read(fs, "/d/f"), "y");
}

TEST(MemFileSystemTest, SyncErrorFailsOnlySyncs) {
  MemFileSystem fs;
  ASSERT_TRUE(fs.CreateDirs("/d").ok());
  auto file = fs.NewWritableFile("/d/f");
  ASSERT_TRUE(file.ok());
  fs.SetSyncError(DataLossError("EIO"));
  EXPECT_TRUE((*file)->Append("x").ok());
  EXPECT_EQ((*file)->Sync().code(), StatusCode::kDataLoss);
  fs.SetSyncError(OkStatus());
  EXPECT_TRUE((*file)->Sync().ok());
}

TEST(MemFileSystemTest, FailAppendsAfterTearsTheCrossingAppend) {
  MemFileSystem fs;
  ASSERT_TRUE(fs.CreateDirs("/d").ok());
  auto file = fs.NewWritableFile("/d/f");
  ASSERT_TRUE(file.ok());
  fs.FailAppendsAfter(5, ResourceExhaustedError("disk full"));
  EXPECT_TRUE((*file)->Append("abc").ok());
  EXPECT_EQ((*file)->Append("defgh").code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(Read(fs, "/d/f"), "abcde");
  EXPECT_EQ((*file)->Append("i").code(), StatusCode::kResourceExhausted);
  fs.SetWriteError(OkStatus());
  EXPECT_TRUE((*file)->Append("i").ok());
  EXPECT_EQ(Read(fs, "/d/f"), "abcdei");
}

TEST(MemFileSystemTest, CountsSyncsAndAppends) {
  MemFileSystem fs;
  ASSERT_TRUE(fs.CreateDirs("/d").ok());
  WriteFile(fs, "/d/f", "abc", true);
  ASSERT_TRUE(fs.SyncDir("/d").ok());
  MemFileSystem::Counters c = fs.counters();
  EXPECT_EQ(c.appends, 1u);
  EXPECT_EQ(c.appended_bytes, 3u);
  EXPECT_EQ(c.syncs, 1u);
  EXPECT_EQ(c.dir_syncs, 1u);
  EXPECT_EQ(c.files_created, 1u);
}

}  // namespace
}  // namespace osprey
