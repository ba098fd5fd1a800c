// Runs the dispatcher's timed work: one timer thread holds the due times of every
// aggregation group flush and notification retry, and a small pool of worker threads runs
// them. No thread per group or per notification, so a thousand groups cost a thousand map
// entries; a slow notifier occupies one worker for the length of one request (notifiers bound
// their requests with timeouts) and retries wait on the timer, not on a worker.
//
// Time is read from a Clock so that tests drive it: after advancing a fake clock, call Wake()
// and then WaitIdleForTest().
//
//   TaskScheduler s(clock, {.workers = 4});
//   TaskId id = s.ScheduleAt(clock.NowMillis() + 30'000, [] { Flush(); });
//   s.Cancel(id);
//
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "base/thread_annotations.h"

namespace osprey::alerting {

using TaskId = uint64_t;

class TaskScheduler {
 public:
  struct Options {
    int workers = 8;
    // Longest real-time sleep of the timer thread before it re-reads the clock (covers wall
    // clock steps).
    int64_t max_sleep_ms = 1000;
  };

  TaskScheduler(const Clock& clock, Options options);
  ~TaskScheduler();  // Stop().
  TaskScheduler(const TaskScheduler&) = delete;
  TaskScheduler& operator=(const TaskScheduler&) = delete;

  // Runs `fn` on a worker once the clock reads `at_ms` or later. After Stop(), does nothing
  // and returns 0.
  TaskId ScheduleAt(int64_t at_ms, std::function<void()> fn);
  // Runs `fn` on a worker as soon as one is free.
  TaskId Submit(std::function<void()> fn) { return ScheduleAt(INT64_MIN, std::move(fn)); }
  // Forgets a task that has not started yet; a no-op for started, finished or unknown ids.
  void Cancel(TaskId id);
  // Makes the timer thread re-read the clock now (after a fake clock moved).
  void Wake();
  // Drops every pending task, waits for running ones to finish, joins the threads. Prompt:
  // bounded by the longest task running at the time. Idempotent.
  void Stop();
  // Blocks until no task is due at the clock's current time and none is queued or running.
  void WaitIdleForTest() OSPREY_NO_THREAD_SAFETY_ANALYSIS;

  size_t pending_for_test() const;

 private:
  struct Task {
    TaskId id;
    std::function<void()> fn;
  };
  // Unchecked by the analysis (std::unique_lock is not annotated); mu_ is held wherever
  // guarded members are touched.
  void TimerLoop() OSPREY_NO_THREAD_SAFETY_ANALYSIS;
  void WorkerLoop() OSPREY_NO_THREAD_SAFETY_ANALYSIS;
  bool IdleLocked(int64_t now) const OSPREY_REQUIRES(mu_);

  const Clock& clock_;
  const Options options_;

  mutable Mutex mu_;
  std::condition_variable_any timer_cv_;   // Timers changed, Wake() or Stop().
  std::condition_variable_any worker_cv_;  // ready_ grew or Stop().
  std::condition_variable_any idle_cv_;    // A task finished or timers moved.
  bool stopped_ OSPREY_GUARDED_BY(mu_) = false;
  TaskId next_id_ OSPREY_GUARDED_BY(mu_) = 1;
  // Pending timers by (due time, id); timer_due_ maps an id back to its due time.
  std::map<std::pair<int64_t, TaskId>, std::function<void()>> timers_ OSPREY_GUARDED_BY(mu_);
  std::unordered_map<TaskId, int64_t> timer_due_ OSPREY_GUARDED_BY(mu_);
  std::deque<Task> ready_ OSPREY_GUARDED_BY(mu_);
  int running_ OSPREY_GUARDED_BY(mu_) = 0;
  uint64_t wake_seq_ OSPREY_GUARDED_BY(mu_) = 0;

  std::vector<std::thread> threads_;  // Timer thread first, then the workers.
};

}  // namespace osprey::alerting
