#include "testing/mem_file_system.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace osprey::testing {
namespace {

// Collapses repeated '/' and drops a trailing one, so that "a//b/" and "a/b" name one file.
std::string Normalize(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (char c : path) {
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out += c;
  }
  if (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

// The prefix every path under `dir` starts with.
std::string ChildPrefix(const std::string& dir) { return dir == "/" ? dir : dir + "/"; }

bool IsUnder(const std::string& path, const std::string& prefix) {
  return path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

// File contents. Guarded by MemFileSystem::mu_ (not annotated: the analysis cannot name the
// owning file system's mutex from here).
struct MemFileSystem::Node {
  std::string data;
  uint64_t synced = 0;  // bytes that survive DropUnsyncedData
};

class MemFileSystem::File final : public WritableFile {
 public:
  File(MemFileSystem& fs, std::shared_ptr<Node> node, std::string path, uint64_t generation)
      : fs_(fs), node_(std::move(node)), path_(std::move(path)), generation_(generation) {}

  Status Flush() override {
    if (closed_) return Closed();
    MutexLock lock(fs_.mu_);
    return fs_.CheckWritable(generation_);
  }
  Status Sync() override {
    if (closed_) return Closed();
    return fs_.SyncNode(*node_, generation_);
  }
  Status Close() override {
    if (closed_) return OkStatus();
    closed_ = true;
    MutexLock lock(fs_.mu_);
    if (generation_ != fs_.generation_) {
      return FailedPreconditionError("close " + path_ + ": the file system crashed");
    }
    return OkStatus();
  }
  uint64_t Size() const override {
    MutexLock lock(fs_.mu_);
    return node_->data.size();
  }

 protected:
  Status AppendImpl(std::string_view data) override {
    if (closed_) return Closed();
    return fs_.AppendToNode(*node_, generation_, data).Annotate("append " + path_);
  }

 private:
  Status Closed() const { return FailedPreconditionError("file is closed: " + path_); }

  MemFileSystem& fs_;
  const std::shared_ptr<Node> node_;
  const std::string path_;
  const uint64_t generation_;
  bool closed_ = false;
};

class MemFileSystem::Reader final : public ReadableFile {
 public:
  Reader(const MemFileSystem& fs, std::shared_ptr<Node> node) : fs_(fs), node_(std::move(node)) {}

  Result<size_t> Read(uint64_t offset, std::span<char> buf) const override {
    MutexLock lock(fs_.mu_);
    const std::string& data = node_->data;
    if (offset >= data.size()) return size_t{0};
    size_t n = std::min<uint64_t>(buf.size(), data.size() - offset);
    std::memcpy(buf.data(), data.data() + offset, n);
    return n;
  }
  Result<uint64_t> Size() const override {
    MutexLock lock(fs_.mu_);
    return node_->data.size();
  }

 private:
  const MemFileSystem& fs_;
  const std::shared_ptr<Node> node_;
};

MemFileSystem::MemFileSystem() {
  MutexLock lock(mu_);
  dirs_.insert("/");
  dirs_.insert(".");
}

MemFileSystem::~MemFileSystem() = default;

bool MemFileSystem::DirExists(const std::string& dir) const { return dirs_.count(dir) > 0; }

Status MemFileSystem::CheckWritable(uint64_t generation) const {
  if (generation != generation_) {
    return FailedPreconditionError("the file system crashed since the file was opened");
  }
  return write_error_;
}

Result<std::unique_ptr<WritableFile>> MemFileSystem::OpenFile(const std::string& raw,
                                                              bool truncate) {
  const std::string path = Normalize(raw);
  MutexLock lock(mu_);
  if (DirExists(path)) return InvalidArgumentError("open " + path + ": is a directory");
  if (!DirExists(ParentDir(path))) {
    return NotFoundError("open " + path + ": no such directory");
  }
  std::shared_ptr<Node>& node = files_[path];
  if (node == nullptr) {
    node = std::make_shared<Node>();
    ++counters_.files_created;
  } else if (truncate) {
    node->data.clear();
    node->synced = 0;
  }
  return std::unique_ptr<WritableFile>(new File(*this, node, path, generation_));
}

Result<std::unique_ptr<WritableFile>> MemFileSystem::NewWritableFile(const std::string& path) {
  return OpenFile(path, /*truncate=*/true);
}

Result<std::unique_ptr<WritableFile>> MemFileSystem::NewAppendableFile(const std::string& path) {
  return OpenFile(path, /*truncate=*/false);
}

Result<std::unique_ptr<ReadableFile>> MemFileSystem::NewReadableFile(const std::string& raw) {
  const std::string path = Normalize(raw);
  MutexLock lock(mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return NotFoundError("open " + path + ": no such file");
  return std::unique_ptr<ReadableFile>(new Reader(*this, it->second));
}

Status MemFileSystem::AppendToNode(Node& node, uint64_t generation, std::string_view data) {
  MutexLock lock(mu_);
  OSPREY_RETURN_IF_ERROR(CheckWritable(generation));
  if (fail_after_armed_ && data.size() > fail_after_bytes_) {
    node.data.append(data.substr(0, fail_after_bytes_));
    counters_.appended_bytes += fail_after_bytes_;
    fail_after_armed_ = false;
    write_error_ = fail_after_error_;
    return write_error_;
  }
  if (fail_after_armed_) fail_after_bytes_ -= data.size();
  node.data.append(data);
  ++counters_.appends;
  counters_.appended_bytes += data.size();
  return OkStatus();
}

Status MemFileSystem::SyncNode(Node& node, uint64_t generation) {
  std::shared_ptr<const std::function<void()>> hook;
  {
    MutexLock lock(mu_);
    hook = sync_hook_;
  }
  if (hook != nullptr) (*hook)();
  MutexLock lock(mu_);
  OSPREY_RETURN_IF_ERROR(CheckWritable(generation));
  OSPREY_RETURN_IF_ERROR(sync_error_);
  node.synced = node.data.size();
  ++counters_.syncs;
  return OkStatus();
}

Result<std::vector<std::string>> MemFileSystem::ListDir(const std::string& raw) {
  const std::string dir = Normalize(raw);
  MutexLock lock(mu_);
  if (!DirExists(dir)) return NotFoundError("open directory " + dir + ": no such directory");
  std::vector<std::string> names;
  auto add_child = [&](const std::string& path) {
    if (dir == ".") {
      if (path != "." && path.find('/') == std::string::npos) names.push_back(path);
      return;
    }
    const std::string prefix = ChildPrefix(dir);
    if (!IsUnder(path, prefix)) return;
    std::string_view rest = std::string_view(path).substr(prefix.size());
    if (rest.find('/') == std::string_view::npos) names.emplace_back(rest);
  };
  for (const auto& [path, node] : files_) add_child(path);
  for (const std::string& d : dirs_) add_child(d);
  std::sort(names.begin(), names.end());
  return names;
}

Status MemFileSystem::CreateDirs(const std::string& raw) {
  const std::string dir = Normalize(raw);
  MutexLock lock(mu_);
  std::string current = dir;
  std::vector<std::string> missing;
  while (!DirExists(current)) {
    if (files_.count(current) > 0) {
      return InvalidArgumentError("create directory " + dir + ": " + current + " is a file");
    }
    missing.push_back(current);
    current = ParentDir(current);
  }
  for (const std::string& d : missing) dirs_.insert(d);
  return OkStatus();
}

Status MemFileSystem::Remove(const std::string& raw) {
  const std::string path = Normalize(raw);
  MutexLock lock(mu_);
  if (files_.erase(path) > 0) return OkStatus();
  if (!DirExists(path)) return NotFoundError("remove " + path + ": no such file");
  const std::string prefix = ChildPrefix(path);
  auto file_it = files_.upper_bound(prefix);
  auto dir_it = dirs_.upper_bound(prefix);
  if ((file_it != files_.end() && IsUnder(file_it->first, prefix)) ||
      (dir_it != dirs_.end() && IsUnder(*dir_it, prefix))) {
    return FailedPreconditionError("remove " + path + ": directory not empty");
  }
  dirs_.erase(path);
  return OkStatus();
}

Status MemFileSystem::RemoveAll(const std::string& raw) {
  const std::string path = Normalize(raw);
  MutexLock lock(mu_);
  if (files_.erase(path) > 0) return OkStatus();
  if (!DirExists(path)) return OkStatus();
  const std::string prefix = ChildPrefix(path);
  std::erase_if(files_, [&](const auto& e) { return IsUnder(e.first, prefix); });
  std::erase_if(durable_files_, [&](const auto& e) { return IsUnder(e.first, prefix); });
  std::erase_if(dirs_, [&](const std::string& d) { return IsUnder(d, prefix); });
  dirs_.erase(path);
  return OkStatus();
}

Status MemFileSystem::Rename(const std::string& raw_from, const std::string& raw_to) {
  const std::string from = Normalize(raw_from);
  const std::string to = Normalize(raw_to);
  const std::string what = "rename " + from + " to " + to;
  MutexLock lock(mu_);
  if (!DirExists(ParentDir(to))) return NotFoundError(what + ": no such directory");
  if (auto it = files_.find(from); it != files_.end()) {
    if (DirExists(to)) return InvalidArgumentError(what + ": target is a directory");
    std::shared_ptr<Node> node = it->second;
    files_.erase(it);
    files_[to] = std::move(node);
    return OkStatus();
  }
  if (!DirExists(from)) return NotFoundError(what + ": no such file or directory");
  if (from == to) return OkStatus();
  const std::string from_prefix = ChildPrefix(from);
  const std::string to_prefix = ChildPrefix(to);
  if (IsUnder(to, from_prefix)) return InvalidArgumentError(what + ": target is inside source");
  if (files_.count(to) > 0) return InvalidArgumentError(what + ": target is a file");
  for (const auto& [path, node] : files_) {
    if (IsUnder(path, to_prefix)) return FailedPreconditionError(what + ": target not empty");
  }
  for (const std::string& d : dirs_) {
    if (IsUnder(d, to_prefix)) return FailedPreconditionError(what + ": target not empty");
  }
  // Directory renames are durable at once: move both the current and the durable names.
  auto move_entries = [&](auto& map) {
    std::vector<std::pair<std::string, std::shared_ptr<Node>>> moved;
    for (auto it = map.begin(); it != map.end();) {
      if (IsUnder(it->first, from_prefix)) {
        moved.emplace_back(to_prefix + it->first.substr(from_prefix.size()), it->second);
        it = map.erase(it);
      } else {
        ++it;
      }
    }
    for (auto& [path, node] : moved) map[path] = std::move(node);
  };
  move_entries(files_);
  move_entries(durable_files_);
  std::vector<std::string> moved_dirs;
  for (auto it = dirs_.begin(); it != dirs_.end();) {
    if (IsUnder(*it, from_prefix)) {
      moved_dirs.push_back(to_prefix + it->substr(from_prefix.size()));
      it = dirs_.erase(it);
    } else {
      ++it;
    }
  }
  dirs_.erase(from);
  dirs_.insert(to);
  dirs_.insert(moved_dirs.begin(), moved_dirs.end());
  return OkStatus();
}

Result<uint64_t> MemFileSystem::FileSize(const std::string& raw) {
  const std::string path = Normalize(raw);
  MutexLock lock(mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return NotFoundError("stat " + path + ": no such file");
  return it->second->data.size();
}

Status MemFileSystem::Truncate(const std::string& raw, uint64_t size) {
  const std::string path = Normalize(raw);
  MutexLock lock(mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return NotFoundError("truncate " + path + ": no such file");
  Node& node = *it->second;
  node.data.resize(size, '\0');
  node.synced = std::min(node.synced, size);
  return OkStatus();
}

Status MemFileSystem::SyncDir(const std::string& raw) {
  const std::string dir = Normalize(raw);
  MutexLock lock(mu_);
  if (!DirExists(dir)) return NotFoundError("open directory " + dir + ": no such directory");
  std::erase_if(durable_files_, [&](const auto& e) { return ParentDir(e.first) == dir; });
  for (const auto& [path, node] : files_) {
    if (ParentDir(path) == dir) durable_files_[path] = node;
  }
  ++counters_.dir_syncs;
  return OkStatus();
}

bool MemFileSystem::Exists(const std::string& raw) {
  const std::string path = Normalize(raw);
  MutexLock lock(mu_);
  return files_.count(path) > 0 || DirExists(path);
}

void MemFileSystem::DropUnsyncedData() {
  MutexLock lock(mu_);
  ++generation_;
  for (auto it = durable_files_.begin(); it != durable_files_.end();) {
    it = DirExists(ParentDir(it->first)) ? std::next(it) : durable_files_.erase(it);
  }
  files_ = durable_files_;
  for (auto& [path, node] : files_) {
    node->data.resize(std::min<uint64_t>(node->data.size(), node->synced));
  }
}

void MemFileSystem::SetWriteError(Status error) {
  MutexLock lock(mu_);
  if (error.ok()) fail_after_armed_ = false;
  write_error_ = std::move(error);
}

void MemFileSystem::SetSyncError(Status error) {
  MutexLock lock(mu_);
  sync_error_ = std::move(error);
}

void MemFileSystem::FailAppendsAfter(uint64_t bytes, Status error) {
  MutexLock lock(mu_);
  fail_after_armed_ = true;
  fail_after_bytes_ = bytes;
  fail_after_error_ = std::move(error);
}

void MemFileSystem::SetSyncHook(std::function<void()> hook) {
  MutexLock lock(mu_);
  sync_hook_ = hook ? std::make_shared<const std::function<void()>>(std::move(hook)) : nullptr;
}

MemFileSystem::Counters MemFileSystem::counters() const {
  MutexLock lock(mu_);
  return counters_;
}

}  // namespace osprey::testing
