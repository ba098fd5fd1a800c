#include "remote/remote_storage.h"

#include <algorithm>
#include <set>
#include <thread>
#include <utility>

namespace osprey::remote {

RemoteStorage::RemoteStorage(FileSystem& fs, RemoteStorageOptions options,
                             metrics::Registry& registry, Logger logger)
    : fs_(fs),
      options_(std::move(options)),
      logger_(std::move(logger)),
      families_(registry),
      startup_mark_(options_.current_segment ? KeyBefore(options_.current_segment(), 0)
                                             : kBeforeWal) {}

RemoteStorage::~RemoteStorage() { Close(std::chrono::milliseconds(0)); }

Status RemoteStorage::ApplyConfig(const std::vector<config::RemoteWriteConfig>& configs,
                                  const std::map<std::string, std::string>& external_labels) {
  MutexLock lock(mu_);
  if (closed_) return FailedPreconditionError("remote storage is closed");
  Status first_error;
  std::map<std::string, const config::RemoteWriteConfig*> wanted;
  for (const config::RemoteWriteConfig& c : configs) {
    const std::string hash = QueueHash(c);
    if (!wanted.emplace(hash, &c).second) {
      Status s = InvalidArgumentError(std::string("duplicate remote write configs are not allowed, "
                                                  "found duplicate for URL: ")
                                          .append(c.url));
      if (first_error.ok()) first_error = s;
    }
  }
  // Stop what was removed or changed, in parallel: each may take the flush deadline.
  std::vector<std::unique_ptr<QueueManager>> stopping;
  for (auto it = queues_.begin(); it != queues_.end();) {
    auto w = wanted.find(it->first);
    const bool keep = w != wanted.end() && *w->second == it->second->options().config &&
                      it->second->options().external_labels == external_labels;
    if (keep) {
      wanted.erase(w);
      ++it;
    } else {
      stopping.push_back(std::move(it->second));
      it = queues_.erase(it);
    }
  }
  {
    std::vector<std::jthread> stoppers;
    for (auto& q : stopping) {
      stoppers.emplace_back([&q, d = options_.restart_flush_deadline] { q->Stop(d); });
    }
  }
  stopping.clear();
  for (const auto& [hash, c] : wanted) {
    QueueOptions o;
    o.config = *c;
    o.name = c->name.empty() ? hash.substr(0, 6) : c->name;
    o.external_labels = external_labels;
    o.state_dir = JoinPath(options_.state_dir, hash);
    o.wal_dir = options_.wal_dir;
    o.current_segment = options_.current_segment;
    o.max_backlog_bytes = options_.max_backlog_bytes;
    o.poll_interval = options_.poll_interval;
    o.position_save_interval = options_.position_save_interval;
    o.user_agent = options_.user_agent;
    if (!applied_) o.start_after = startup_mark_;
    Result<std::unique_ptr<QueueManager>> q = QueueManager::Start(
        fs_, std::move(o), families_,
        logger_.With({{"component", "remote"},
                      {"remote_name", c->name.empty() ? hash.substr(0, 6) : c->name}}));
    if (!q.ok()) {
      Status s = q.status().Annotate(std::string("remote_write ").append(c->url));
      logger_.Error("Cannot start remote_write queue", {{"err", s}});
      if (first_error.ok()) first_error = s;
      continue;
    }
    queues_.emplace(hash, std::move(q).value());
  }
  applied_ = true;
  return first_error;
}

int RemoteStorage::MinSegmentNeeded() const {
  MutexLock lock(mu_);
  int min = INT_MAX;
  for (const auto& [hash, q] : queues_) min = std::min(min, q->MinSegmentNeeded());
  return min;
}

void RemoteStorage::Close(std::chrono::milliseconds deadline) {
  std::map<std::string, std::unique_ptr<QueueManager>> queues;
  {
    MutexLock lock(mu_);
    if (closed_) return;
    closed_ = true;
    queues = std::move(queues_);
    queues_.clear();
  }
  std::vector<std::jthread> stoppers;
  for (auto& [hash, q] : queues) {
    QueueManager* p = q.get();
    stoppers.emplace_back([p, deadline] { p->Stop(deadline); });
  }
}

size_t RemoteStorage::QueueCount() const {
  MutexLock lock(mu_);
  return queues_.size();
}

const QueueManager* RemoteStorage::QueueForTest(const std::string& hash) const {
  MutexLock lock(mu_);
  auto it = queues_.find(hash);
  return it == queues_.end() ? nullptr : it->second.get();
}

}  // namespace osprey::remote
