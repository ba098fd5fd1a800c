#include "base/file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace osprey {
namespace {

// Appends smaller than this are gathered in user space; larger ones go straight to write(2).
constexpr size_t kWriteBufferSize = 64 << 10;

Status WriteAll(int fd, const std::string& path, std::string_view data) {
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("write " + path, errno);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return OkStatus();
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(int fd, std::string path, uint64_t size)
      : fd_(fd), path_(std::move(path)), size_(size) {}
  ~PosixWritableFile() override { Close().IgnoreError(); }

  Status Flush() override {
    if (fd_ < 0) return Closed();
    return FlushBuffer();
  }

  Status Sync() override {
    if (fd_ < 0) return Closed();
    OSPREY_RETURN_IF_ERROR(FlushBuffer());
    if (::fdatasync(fd_) != 0) return ErrnoError("fdatasync " + path_, errno);
    return OkStatus();
  }

  Status Close() override {
    if (fd_ < 0) return OkStatus();
    Status s = FlushBuffer();
    if (::close(fd_) != 0 && s.ok()) s = ErrnoError("close " + path_, errno);
    fd_ = -1;
    return s;
  }

  uint64_t Size() const override { return size_; }

 protected:
  Status AppendImpl(std::string_view data) override {
    if (fd_ < 0) return Closed();
    if (buffer_.size() + data.size() > kWriteBufferSize) {
      OSPREY_RETURN_IF_ERROR(FlushBuffer());
      if (data.size() >= kWriteBufferSize) {
        OSPREY_RETURN_IF_ERROR(WriteAll(fd_, path_, data));
        size_ += data.size();
        return OkStatus();
      }
    }
    if (buffer_.capacity() < kWriteBufferSize) buffer_.reserve(kWriteBufferSize);
    buffer_.append(data);
    size_ += data.size();
    return OkStatus();
  }

 private:
  Status Closed() const { return FailedPreconditionError("file is closed: " + path_); }

  // The buffer is dropped even when the write fails: the caller learns of the failure and
  // the bytes are not written twice. (Some of them may have reached the file.)
  Status FlushBuffer() {
    if (buffer_.empty()) return OkStatus();
    Status s = WriteAll(fd_, path_, buffer_);
    if (!s.ok()) size_ -= buffer_.size();
    buffer_.clear();
    return s;
  }

  int fd_;
  const std::string path_;
  uint64_t size_;
  std::string buffer_;
};

class PosixReadableFile final : public ReadableFile {
 public:
  PosixReadableFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixReadableFile() override { ::close(fd_); }

  Result<size_t> Read(uint64_t offset, std::span<char> buf) const override {
    size_t done = 0;
    while (done < buf.size()) {
      ssize_t n =
          ::pread(fd_, buf.data() + done, buf.size() - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoError("read " + path_, errno);
      }
      if (n == 0) break;
      done += static_cast<size_t>(n);
    }
    return done;
  }

  Result<uint64_t> Size() const override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return ErrnoError("stat " + path_, errno);
    return static_cast<uint64_t>(st.st_size);
  }

 private:
  const int fd_;
  const std::string path_;
};

Result<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0644);
  if (fd < 0) return ErrnoError("open " + path, errno);
  uint64_t size = 0;
  if ((flags & O_APPEND) != 0) {
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      Status s = ErrnoError("stat " + path, errno);
      ::close(fd);
      return s;
    }
    size = static_cast<uint64_t>(st.st_size);
  }
  return std::unique_ptr<WritableFile>(new PosixWritableFile(fd, path, size));
}

}  // namespace

Result<std::unique_ptr<WritableFile>> PosixFileSystem::NewWritableFile(const std::string& path) {
  return OpenWritable(path, O_TRUNC);
}

Result<std::unique_ptr<WritableFile>> PosixFileSystem::NewAppendableFile(const std::string& path) {
  return OpenWritable(path, O_APPEND);
}

Result<std::unique_ptr<ReadableFile>> PosixFileSystem::NewReadableFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open " + path, errno);
  return std::unique_ptr<ReadableFile>(new PosixReadableFile(fd, path));
}

Result<std::vector<std::string>> PosixFileSystem::ListDir(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return ErrnoError("open directory " + dir, errno);
  std::vector<std::string> names;
  errno = 0;
  while (struct dirent* e = ::readdir(d)) {
    std::string_view name(e->d_name);
    if (name != "." && name != "..") names.emplace_back(name);
  }
  int err = errno;
  ::closedir(d);
  if (err != 0) return ErrnoError("read directory " + dir, err);
  std::sort(names.begin(), names.end());
  return names;
}

Status PosixFileSystem::CreateDirs(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return ErrnoError("create directory " + dir, ec.value());
  return OkStatus();
}

Status PosixFileSystem::Remove(const std::string& path) {
  if (::remove(path.c_str()) != 0) return ErrnoError("remove " + path, errno);
  return OkStatus();
}

Status PosixFileSystem::RemoveAll(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) return ErrnoError("remove " + path, ec.value());
  return OkStatus();
}

Status PosixFileSystem::Rename(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return ErrnoError("rename " + from + " to " + to, errno);
  }
  return OkStatus();
}

Result<uint64_t> PosixFileSystem::FileSize(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return ErrnoError("stat " + path, errno);
  return static_cast<uint64_t>(st.st_size);
}

Status PosixFileSystem::Truncate(const std::string& path, uint64_t size) {
  if (::truncate(path.c_str(), static_cast<off_t>(size)) != 0) {
    return ErrnoError("truncate " + path, errno);
  }
  return OkStatus();
}

Status PosixFileSystem::SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open directory " + dir, errno);
  Status s;
  if (::fsync(fd) != 0) s = ErrnoError("fsync directory " + dir, errno);
  ::close(fd);
  return s;
}

bool PosixFileSystem::Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::string JoinPath(std::string_view dir, std::string_view name) {
  std::string out(dir);
  if (!out.empty() && out.back() != '/') out += '/';
  out += name;
  return out;
}

std::string ParentDir(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

Result<std::string> ReadFileToString(FileSystem& fs, const std::string& path) {
  OSPREY_ASSIGN_OR_RETURN(std::unique_ptr<ReadableFile> file, fs.NewReadableFile(path));
  OSPREY_ASSIGN_OR_RETURN(uint64_t size, file->Size());
  std::string out(size, '\0');
  OSPREY_ASSIGN_OR_RETURN(size_t n, file->Read(0, std::span<char>(out.data(), out.size())));
  out.resize(n);
  return out;
}

Status WriteFileAtomically(FileSystem& fs, const std::string& path, std::string_view contents) {
  const std::string tmp = path + ".tmp";
  OSPREY_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, fs.NewWritableFile(tmp));
  OSPREY_RETURN_IF_ERROR(file->Append(contents));
  OSPREY_RETURN_IF_ERROR(file->Sync());
  OSPREY_RETURN_IF_ERROR(file->Close());
  OSPREY_RETURN_IF_ERROR(fs.Rename(tmp, path));
  return fs.SyncDir(ParentDir(path));
}

}  // namespace osprey
