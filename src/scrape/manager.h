// The scrape manager: one pool per scrape_configs job, each with its service discovery and
// one loop per target, scraping on a fixed schedule spread over the interval by a stable
// per-target offset. Prometheus's scrape.Manager + scrapePool + scrapeLoop.
//
//   scrape::Manager m({.storage = db, .registry = registry, .logger = logger, .clock = clock});
//   m.ApplyConfig(cfg);                       // start, or reload keeping unchanged pools
//   scrape::TargetsView v = m.Targets();      // for /api/v1/targets
//
// Threads: a discovery thread (refreshes static/file/http SD, syncs pools), a scheduler
// thread (starts due scrapes), libcurl's transfer thread (http::AsyncHttpClient, all
// transfers at once, so a slow target delays nobody), and worker threads that parse and
// append finished scrapes. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/logger.h"
#include "base/status.h"
#include "config/config.h"
#include "metrics/registry.h"
#include "model/labels.h"
#include "scrape/target_writer.h"
#include "storage/metrics.h"

namespace osprey::scrape {

struct ManagerOptions {
  storage::Appendable* storage = nullptr;
  // Where scraped exemplars go; null: dropped.
  storage::ExemplarStore* exemplars = nullptr;
  metrics::Registry* registry = nullptr;
  const Logger* logger = nullptr;
  const Clock* clock = nullptr;
  // Parse-and-append threads; 0: the number of cores.
  int workers = 0;
  // How often file_sd files are checked for changes.
  int64_t file_poll_ms = 5000;
  std::string user_agent = "Osprey";
};

// One active target as /api/v1/targets shows it.
struct ActiveTarget {
  model::Labels discovered_labels;
  model::Labels labels;
  std::string scrape_pool;
  std::string scrape_url;
  std::string last_error;
  int64_t last_scrape_ms = 0;  // 0: never scraped
  double last_scrape_duration_s = 0;
  std::string health = "unknown";  // "up", "down", "unknown"
  std::string scrape_interval;
  std::string scrape_timeout;
};

struct DroppedTarget {
  model::Labels discovered_labels;
  std::string scrape_pool;
};

struct TargetsView {
  std::vector<ActiveTarget> active;
  std::vector<DroppedTarget> dropped;
  std::map<std::string, int64_t> dropped_counts;  // by pool
};

// Metadata of one metric of one target (/api/v1/targets/metadata).
struct TargetMetadata {
  model::Labels target;
  std::string metric;
  MetricMetadata metadata;
};

// An in-process target (the built-in host collectors): its body comes from a function, not
// HTTP, and is then relabeled, staled and reported like any scraped body. `config` names
// the job, its interval and its one target (static_configs) with that target's labels.
struct InternalJob {
  config::ScrapeConfig config;
  // Appends a Prometheus text format body. Called on a worker thread, one call at a time.
  // Reloads keep the job running while `config` is equal and this is the same function.
  std::shared_ptr<const std::function<void(std::string&)>> body;
};

class Manager {
 public:
  explicit Manager(ManagerOptions options);
  // Stops every loop (writing staleness markers) and joins the threads.
  ~Manager();
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  // Starts pools for new jobs, stops pools of removed jobs (their series go stale),
  // restarts pools whose config changed, and leaves pools with an equal config running.
  // kInvalidArgument when a relabel regex cannot be compiled (nothing changes then).
  Status ApplyConfig(const config::Config& cfg, const std::vector<InternalJob>& internal = {});

  TargetsView Targets() const;
  std::vector<TargetMetadata> Metadata() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace osprey::scrape
