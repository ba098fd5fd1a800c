// Spreads per-series work of one query over the machine's cores.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

#include "base/status.h"
#include "promql/value.h"

namespace osprey::promql::internal {

// One thread's share of the state: merged by the caller afterwards.
struct Worker {
  Annotations annotations;
  int64_t samples_read = 0;
  Status status;
};

// How many workers pay off for `series` series over `steps` steps; 1 when the store's
// iterators may not run on several threads.
inline size_t WorkerCount(bool concurrent, size_t series, size_t steps) {
  if (!concurrent || series < 256 || series * steps < 20000) return 1;
  return std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
}

// Calls fn(begin, end, worker) over [0, n) in blocks, on workers.size() threads (the
// calling thread included). A worker whose status failed takes no more blocks.
template <typename Fn>
void RunBlocks(size_t n, std::vector<Worker>& workers, Fn&& fn) {
  if (workers.size() == 1) {
    fn(size_t{0}, n, workers[0]);
    return;
  }
  std::atomic<size_t> next{0};
  constexpr size_t kBlock = 64;
  auto loop = [&](Worker& w) {
    while (w.status.ok()) {
      size_t b = next.fetch_add(kBlock);
      if (b >= n) return;
      fn(b, std::min(n, b + kBlock), w);
    }
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < workers.size(); ++t) pool.emplace_back(loop, std::ref(workers[t]));
  loop(workers[0]);
  for (std::thread& t : pool) t.join();
}

}  // namespace osprey::promql::internal
