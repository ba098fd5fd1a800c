// A reader-writer lock the thread-safety analysis understands, preferring writers.
//
// std::shared_mutex on glibc prefers readers, so a steady stream of queries could starve
// the ingest threads; this wraps a pthread rwlock of kind
// PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP: once a writer waits, new readers queue
// behind it. Consequence: a thread must never take the same RwMutex shared twice (a
// writer arriving in between would deadlock it).
//
// TODO(lead): move next to osprey::Mutex in base/thread_annotations.h if other modules
// want it.
#pragma once

#include <pthread.h>

#include "base/check.h"
#include "base/thread_annotations.h"

#ifndef OSPREY_ACQUIRE_SHARED
#define OSPREY_ACQUIRE_SHARED(...) OSPREY_THREAD_ANNOTATION(acquire_shared_capability(__VA_ARGS__))
#endif
#ifndef OSPREY_RELEASE_SHARED
#define OSPREY_RELEASE_SHARED(...) OSPREY_THREAD_ANNOTATION(release_shared_capability(__VA_ARGS__))
#endif
#ifndef OSPREY_RELEASE_GENERIC
#define OSPREY_RELEASE_GENERIC(...) \
  OSPREY_THREAD_ANNOTATION(release_generic_capability(__VA_ARGS__))
#endif
#ifndef OSPREY_REQUIRES_SHARED
#define OSPREY_REQUIRES_SHARED(...) \
  OSPREY_THREAD_ANNOTATION(requires_shared_capability(__VA_ARGS__))
#endif

namespace osprey::tsdb {

class OSPREY_CAPABILITY("mutex") RwMutex {
 public:
  RwMutex() {
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    OSPREY_CHECK(pthread_rwlock_init(&rw_, &attr) == 0) << "pthread_rwlock_init";
    pthread_rwlockattr_destroy(&attr);
  }
  ~RwMutex() { pthread_rwlock_destroy(&rw_); }
  RwMutex(const RwMutex&) = delete;
  RwMutex& operator=(const RwMutex&) = delete;

  void Lock() OSPREY_ACQUIRE() { pthread_rwlock_wrlock(&rw_); }
  void Unlock() OSPREY_RELEASE() { pthread_rwlock_unlock(&rw_); }
  void ReaderLock() OSPREY_ACQUIRE_SHARED() { pthread_rwlock_rdlock(&rw_); }
  void ReaderUnlock() OSPREY_RELEASE_SHARED() { pthread_rwlock_unlock(&rw_); }

 private:
  pthread_rwlock_t rw_;
};

// RAII exclusive lock of an RwMutex.
class OSPREY_SCOPED_CAPABILITY WriterLock {
 public:
  explicit WriterLock(RwMutex& mu) OSPREY_ACQUIRE(mu) : mu_(mu) { mu_.Lock(); }
  ~WriterLock() OSPREY_RELEASE() { mu_.Unlock(); }
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;

 private:
  RwMutex& mu_;
};

// RAII shared lock of an RwMutex.
class OSPREY_SCOPED_CAPABILITY ReaderLock {
 public:
  explicit ReaderLock(RwMutex& mu) OSPREY_ACQUIRE_SHARED(mu) : mu_(mu) { mu_.ReaderLock(); }
  ~ReaderLock() OSPREY_RELEASE_GENERIC() { mu_.ReaderUnlock(); }
  ReaderLock(const ReaderLock&) = delete;
  ReaderLock& operator=(const ReaderLock&) = delete;

 private:
  RwMutex& mu_;
};

}  // namespace osprey::tsdb
