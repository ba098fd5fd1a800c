// A small free list of per-request scratch objects (decoders, buffers), so receivers do not
// allocate them per request. Shared by the remote_write, Influx and OTLP ingesters.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "base/thread_annotations.h"

namespace osprey::ingest::internal {

// Thread-safe. T may be incomplete where the pool is declared; it must be complete where
// Acquire, Release and the destructor are instantiated (the owner's .cc file).
template <typename T>
class ScratchPool {
 public:
  // At most `max_pooled` released objects are kept; the rest are freed.
  explicit ScratchPool(size_t max_pooled = 16) : max_pooled_(max_pooled) {}

  // A pooled object, or a new default-constructed one.
  std::unique_ptr<T> Acquire() OSPREY_EXCLUDES(mu_) {
    {
      MutexLock lock(mu_);
      if (!pool_.empty()) {
        std::unique_ptr<T> t = std::move(pool_.back());
        pool_.pop_back();
        return t;
      }
    }
    return std::make_unique<T>();
  }

  void Release(std::unique_ptr<T> t) OSPREY_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    if (pool_.size() < max_pooled_) pool_.push_back(std::move(t));
  }

 private:
  const size_t max_pooled_;
  Mutex mu_;
  std::vector<std::unique_ptr<T>> pool_ OSPREY_GUARDED_BY(mu_);
};

}  // namespace osprey::ingest::internal
