// The file-system seam: everything storage code does with files goes through a FileSystem&
// passed to its constructor, so tests can run on testing::MemFileSystem (in memory, with
// crash and disk-full injection) and production on PosixFileSystem.
//
//   OSPREY_ASSIGN_OR_RETURN(auto file, fs.NewWritableFile(dir + "/00000000"));
//   OSPREY_RETURN_IF_ERROR(file->Append(bytes));
//   OSPREY_RETURN_IF_ERROR(file->Sync());       // the bytes are durable
//   OSPREY_RETURN_IF_ERROR(fs.SyncDir(dir));    // and so is the file's name
//
// Errors name the path. A full disk (ENOSPC, EDQUOT) is kResourceExhausted so that callers can
// answer "503, try later"; a missing file is kNotFound.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace osprey {

// A file opened for appending. Thread-compatible: one writer at a time. Data handed to
// Append() may be buffered until Flush(), Sync() or Close(). Dropping the object without
// Close() closes it and ignores errors.
class WritableFile {
 public:
  virtual ~WritableFile() = default;

  Status Append(std::string_view data) { return AppendImpl(data); }
  Status Append(std::span<const uint8_t> data) {
    return AppendImpl(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
  }
  // Hands buffered data to the operating system (it survives a crash of this process, not
  // of the machine).
  virtual Status Flush() = 0;
  // Flush() and then makes the data durable (fdatasync). The file's directory entry needs
  // FileSystem::SyncDir() once after the file was created or renamed.
  virtual Status Sync() = 0;
  // Flushes and closes. Later calls of any method fail with kFailedPrecondition.
  virtual Status Close() = 0;
  // Bytes in the file, including those still buffered.
  virtual uint64_t Size() const = 0;

 protected:
  virtual Status AppendImpl(std::string_view data) = 0;
};

// A file opened for reading at any offset. Thread-safe (pread style, no shared position).
class ReadableFile {
 public:
  virtual ~ReadableFile() = default;
  // Reads up to buf.size() bytes at `offset` into buf; returns how many were read, fewer only
  // at the end of the file (0 at or past it).
  virtual Result<size_t> Read(uint64_t offset, std::span<char> buf) const = 0;
  virtual Result<uint64_t> Size() const = 0;
};

// Thread-safe. Paths are '/'-separated; a directory listing holds names, not paths.
class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Creates or truncates `path`. Requires: its directory exists (else kNotFound).
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) = 0;
  // Opens `path` for appending at its end, creating it when absent.
  virtual Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) = 0;
  virtual Result<std::unique_ptr<ReadableFile>> NewReadableFile(const std::string& path) = 0;

  // Names of the entries of `dir` (files and directories, without "." and ".."), sorted.
  virtual Result<std::vector<std::string>> ListDir(const std::string& dir) = 0;
  // Creates `dir` and its missing parents; OK when it exists.
  virtual Status CreateDirs(const std::string& dir) = 0;
  // Removes a file or an empty directory; kNotFound when absent.
  virtual Status Remove(const std::string& path) = 0;
  // Removes `path` and everything under it; OK when absent.
  virtual Status RemoveAll(const std::string& path) = 0;
  // Atomically renames a file (replacing an existing file `to`) or a directory (`to` must
  // not exist or be an empty directory). Durable once SyncDir() of both parents returned.
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  virtual Result<uint64_t> FileSize(const std::string& path) = 0;
  // Shrinks (or zero-extends) a file to `size` bytes.
  virtual Status Truncate(const std::string& path, uint64_t size) = 0;
  // Makes the creations, renames and removals of entries of `dir` durable.
  virtual Status SyncDir(const std::string& dir) = 0;
  virtual bool Exists(const std::string& path) = 0;
};

// The operating system's file system. Thread-safe, stateless.
class PosixFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override;
  Result<std::unique_ptr<ReadableFile>> NewReadableFile(const std::string& path) override;
  Result<std::vector<std::string>> ListDir(const std::string& dir) override;
  Status CreateDirs(const std::string& dir) override;
  Status Remove(const std::string& path) override;
  Status RemoveAll(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Result<uint64_t> FileSize(const std::string& path) override;
  Status Truncate(const std::string& path, uint64_t size) override;
  Status SyncDir(const std::string& dir) override;
  bool Exists(const std::string& path) override;
};

// `dir` + "/" + `name` (no doubled slash when dir ends with one).
std::string JoinPath(std::string_view dir, std::string_view name);
// Everything before the last '/': "a/b" -> "a", "/a" -> "/", "a" -> ".".
std::string ParentDir(std::string_view path);

// Reads a whole file.
Result<std::string> ReadFileToString(FileSystem& fs, const std::string& path);
// Writes `contents` to a temporary file beside `path`, syncs it, renames it over `path` and
// syncs the directory: readers see the old or the new contents, never a mix.
Status WriteFileAtomically(FileSystem& fs, const std::string& path, std::string_view contents);

}  // namespace osprey
