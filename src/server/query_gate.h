// A counting semaphore with a deadline: at most `slots` queries evaluate at once
// (--query.max-concurrency); the others wait in line, and the wait counts toward their
// timeout, as in Prometheus's query gate.
//
//   QueryGate gate(20);
//   if (!gate.Acquire(deadline)) return Timeout("query timed out in query queue");
//   QueryGate::Slot slot(gate);  // releases on scope exit
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "base/check.h"
#include "base/thread_annotations.h"

namespace osprey::server {

// Thread-safe.
class QueryGate {
 public:
  // Requires: slots >= 1.
  explicit QueryGate(int slots) : slots_(slots) { OSPREY_CHECK(slots >= 1) << slots; }
  QueryGate(const QueryGate&) = delete;
  QueryGate& operator=(const QueryGate&) = delete;

  // Takes a slot, waiting while all are taken. False when `deadline` passed first (then no
  // slot is held). Unchecked by the analysis because std::unique_lock is not annotated;
  // mu_ is held wherever active_ is touched.
  bool Acquire(std::chrono::steady_clock::time_point deadline) OSPREY_NO_THREAD_SAFETY_ANALYSIS {
    std::unique_lock<Mutex> lock(mu_);
    bool got = freed_.wait_until(
        lock, deadline, [this]() OSPREY_NO_THREAD_SAFETY_ANALYSIS { return active_ < slots_; });
    if (!got) return false;
    ++active_;
    return true;
  }

  // Requires: a slot taken by Acquire().
  void Release() OSPREY_EXCLUDES(mu_) {
    {
      MutexLock lock(mu_);
      OSPREY_CHECK(active_ > 0) << "QueryGate::Release without Acquire";
      --active_;
    }
    freed_.notify_one();
  }

  int slots() const { return slots_; }
  int active() const OSPREY_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    return active_;
  }

  // Releases an acquired slot when it goes out of scope.
  class Slot {
   public:
    // Requires: a slot of `gate` taken by Acquire().
    explicit Slot(QueryGate& gate) : gate_(gate) {}
    ~Slot() { gate_.Release(); }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    QueryGate& gate_;
  };

 private:
  const int slots_;
  mutable Mutex mu_;
  std::condition_variable_any freed_;
  int active_ OSPREY_GUARDED_BY(mu_) = 0;
};

}  // namespace osprey::server
