#include "alerting/task_scheduler.h"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <utility>

namespace osprey::alerting {

TaskScheduler::TaskScheduler(const Clock& clock, Options options)
    : clock_(clock), options_(options) {
  threads_.emplace_back([this] { TimerLoop(); });
  for (int i = 0; i < std::max(1, options_.workers); ++i) {
    threads_.emplace_back([this] { WorkerLoop(); });
  }
}

TaskScheduler::~TaskScheduler() { Stop(); }

TaskId TaskScheduler::ScheduleAt(int64_t at_ms, std::function<void()> fn) {
  MutexLock lock(mu_);
  if (stopped_) return 0;
  const TaskId id = next_id_++;
  if (at_ms == INT64_MIN) {
    ready_.push_back(Task{id, std::move(fn)});
    worker_cv_.notify_one();
    return id;
  }
  const bool earliest = timers_.empty() || at_ms < timers_.begin()->first.first;
  timers_.emplace(std::make_pair(at_ms, id), std::move(fn));
  timer_due_.emplace(id, at_ms);
  if (earliest) {
    ++wake_seq_;  // The timer thread sleeps until the old first timer: recompute.
    timer_cv_.notify_one();
  }
  return id;
}

void TaskScheduler::Cancel(TaskId id) {
  std::function<void()> dropped;  // Destroyed after the lock is released.
  MutexLock lock(mu_);
  auto due = timer_due_.find(id);
  if (due != timer_due_.end()) {
    auto it = timers_.find(std::make_pair(due->second, id));
    dropped = std::move(it->second);
    timers_.erase(it);
    timer_due_.erase(due);
    idle_cv_.notify_all();
    return;
  }
  auto it = std::find_if(ready_.begin(), ready_.end(), [id](const Task& t) { return t.id == id; });
  if (it != ready_.end()) {
    dropped = std::move(it->fn);
    ready_.erase(it);
    idle_cv_.notify_all();
  }
}

void TaskScheduler::Wake() {
  MutexLock lock(mu_);
  ++wake_seq_;
  timer_cv_.notify_all();
}

void TaskScheduler::Stop() {
  std::map<std::pair<int64_t, TaskId>, std::function<void()>> timers;
  std::deque<Task> ready;
  {
    MutexLock lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    timers.swap(timers_);
    timer_due_.clear();
    ready.swap(ready_);
    timer_cv_.notify_all();
    worker_cv_.notify_all();
    idle_cv_.notify_all();
  }
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  // `timers` and `ready` are destroyed here, outside the lock: their captures may own
  // objects whose destructors call back into this scheduler.
}

bool TaskScheduler::IdleLocked(int64_t now) const {
  return ready_.empty() && running_ == 0 && (timers_.empty() || timers_.begin()->first.first > now);
}

void TaskScheduler::WaitIdleForTest() {
  std::unique_lock<Mutex> lock(mu_);
  while (!stopped_) {
    if (IdleLocked(clock_.NowMillis())) return;
    ++wake_seq_;
    timer_cv_.notify_all();
    idle_cv_.wait_for(lock, std::chrono::milliseconds(10));
  }
}

size_t TaskScheduler::pending_for_test() const {
  MutexLock lock(mu_);
  return timers_.size() + ready_.size();
}

void TaskScheduler::TimerLoop() {
  std::unique_lock<Mutex> lock(mu_);
  while (!stopped_) {
    const int64_t now = clock_.NowMillis();
    bool moved = false;
    while (!timers_.empty() && timers_.begin()->first.first <= now) {
      auto node = timers_.extract(timers_.begin());
      timer_due_.erase(node.key().second);
      ready_.push_back(Task{node.key().second, std::move(node.mapped())});
      moved = true;
    }
    if (moved) {
      worker_cv_.notify_all();
      idle_cv_.notify_all();
    }
    const uint64_t seq = wake_seq_;
    int64_t sleep_ms = options_.max_sleep_ms;
    if (!timers_.empty()) sleep_ms = std::min(sleep_ms, timers_.begin()->first.first - now);
    // A timer added earlier than the current first one, Wake() and Stop() notify timer_cv_.
    timer_cv_.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(sleep_ms, 1)),
                       [&]() OSPREY_NO_THREAD_SAFETY_ANALYSIS {
                         return stopped_ || wake_seq_ != seq ||
                                (!timers_.empty() && timers_.begin()->first.first <= now);
                       });
  }
}

void TaskScheduler::WorkerLoop() {
  std::unique_lock<Mutex> lock(mu_);
  while (true) {
    worker_cv_.wait(
        lock, [this]() OSPREY_NO_THREAD_SAFETY_ANALYSIS { return stopped_ || !ready_.empty(); });
    if (stopped_) return;
    Task task = std::move(ready_.front());
    ready_.pop_front();
    ++running_;
    lock.unlock();
    task.fn();
    task.fn = nullptr;  // Destroy captures before re-taking the lock.
    lock.lock();
    --running_;
    idle_cv_.notify_all();
  }
}

}  // namespace osprey::alerting
