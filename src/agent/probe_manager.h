// Runs the configured uptime probes (osprey.yml `probes:`) on a small pool of threads and
// writes their results, blackbox_exporter's metric names, through storage::Appendable.
//
//   agent::ProbeManager probes({.storage = db, .registry = &registry, .clock = &clock,
//                               .logger = &logger});
//   OSPREY_RETURN_IF_ERROR(probes.ApplyConfig(cfg.probes));
//
// Scheduling: each probe runs every `interval` at a stable offset (hash of its name modulo the
// interval, like the scrape loops). A due probe goes to an idle thread; a run is cut at the
// probe's timeout, so one slow probe holds at most one thread. When no thread is idle, or the
// probe's previous run is still going, the run is skipped and counted, never queued.
//
// Each run writes, with one Appender and one Commit at the run's start time, series labelled
// {job="probe", probe=<name>, instance=<target>, module=<module>} plus the probe's labels:
// probe_success, probe_duration_seconds and the module's metrics (see probe_runner.h and the
// agent README). Series a run stops writing, and every series of a removed or changed probe,
// get a staleness marker.
//
// Own metrics: osprey_probe_runs_total{module,result="success"|"failure"},
// osprey_probe_skipped_total.
//
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/logger.h"
#include "base/status.h"
#include "base/thread_annotations.h"
#include "config/probe_config.h"
#include "metrics/registry.h"
#include "storage/metrics.h"

namespace osprey::agent {

struct ProbeManagerOptions {
  storage::Appendable* storage = nullptr;
  metrics::Registry* registry = nullptr;
  const Clock* clock = nullptr;
  const Logger* logger = nullptr;
  int threads = 4;
};

class ProbeManager {
 public:
  explicit ProbeManager(ProbeManagerOptions options);
  // Stops scheduling, waits for runs in progress (each bounded by its timeout) and writes
  // staleness markers for every series the probes wrote.
  ~ProbeManager();
  ProbeManager(const ProbeManager&) = delete;
  ProbeManager& operator=(const ProbeManager&) = delete;

  // Replaces the set of probes. Probes whose config is unchanged keep running on their
  // schedule; changed and removed ones are stopped and their series marked stale. The configs
  // were validated by the config module; an unknown module is kInvalidArgument naming the
  // probe, and then nothing changes.
  Status ApplyConfig(const std::vector<config::ProbeConfig>& probes);

  // The stable offset of a probe within its interval, in ms.
  static int64_t OffsetForTest(const config::ProbeConfig& probe);

 private:
  struct Probe;
  struct Job;

  void SchedulerLoop(std::stop_token stop);
  void WorkerLoop(std::stop_token stop);
  void RunOnce(const std::shared_ptr<Probe>& probe, int64_t start_ms);
  // Writes staleness markers for the probe's series and forgets it. Blocks while a run of it
  // is writing.
  void Retire(const std::shared_ptr<Probe>& probe);

  const ProbeManagerOptions options_;
  metrics::Family<metrics::Counter>& runs_;
  metrics::Counter& skipped_;

  Mutex mu_;
  std::condition_variable_any cv_;  // scheduler: probes changed, stopping; workers: jobs
  std::map<std::string, std::shared_ptr<Probe>> probes_ OSPREY_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<Job>> jobs_ OSPREY_GUARDED_BY(mu_);
  int idle_workers_ OSPREY_GUARDED_BY(mu_) = 0;
  bool stopping_ OSPREY_GUARDED_BY(mu_) = false;

  std::vector<std::jthread> workers_;
  std::jthread scheduler_;
};

}  // namespace osprey::agent
