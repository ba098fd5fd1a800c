// Clang thread-safety annotations (-Wthread-safety) and an annotated mutex.
// libstdc++'s std::mutex carries no annotations, so guarded members use osprey::Mutex.
#pragma once

#include <condition_variable>
#include <mutex>

#if defined(__clang__)
#define OSPREY_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define OSPREY_THREAD_ANNOTATION(x)
#endif

#define OSPREY_CAPABILITY(x) OSPREY_THREAD_ANNOTATION(capability(x))
#define OSPREY_SCOPED_CAPABILITY OSPREY_THREAD_ANNOTATION(scoped_lockable)
#define OSPREY_GUARDED_BY(x) OSPREY_THREAD_ANNOTATION(guarded_by(x))
#define OSPREY_PT_GUARDED_BY(x) OSPREY_THREAD_ANNOTATION(pt_guarded_by(x))
#define OSPREY_REQUIRES(...) OSPREY_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define OSPREY_ACQUIRE(...) OSPREY_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define OSPREY_RELEASE(...) OSPREY_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define OSPREY_EXCLUDES(...) OSPREY_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define OSPREY_NO_THREAD_SAFETY_ANALYSIS OSPREY_THREAD_ANNOTATION(no_thread_safety_analysis)

namespace osprey {

// A std::mutex the thread-safety analysis understands.
class OSPREY_CAPABILITY("mutex") Mutex {
 public:
  void Lock() OSPREY_ACQUIRE() { mu_.lock(); }
  void Unlock() OSPREY_RELEASE() { mu_.unlock(); }
  // For std::condition_variable_any and std::unique_lock.
  void lock() OSPREY_ACQUIRE() { mu_.lock(); }
  void unlock() OSPREY_RELEASE() { mu_.unlock(); }

 private:
  std::mutex mu_;
};

// RAII lock of a Mutex.
class OSPREY_SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) OSPREY_ACQUIRE(mu) : mu_(mu) { mu_.Lock(); }
  ~MutexLock() OSPREY_RELEASE() { mu_.Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex& mu_;
};

}  // namespace osprey
