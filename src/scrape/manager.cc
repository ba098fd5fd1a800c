#include "scrape/manager.h"

#include <xxhash.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>

#include "http/client.h"
#include "http/config_client_options.h"
#include "http/response.h"
#include "ingest/exposition.h"
#include "scrape/discovery.h"
#include "scrape/target.h"

namespace osprey::scrape {
namespace {

std::string StatusLine(int status) {
  std::string s = "server returned HTTP status " + std::to_string(status);
  std::string_view reason = http::ReasonPhrase(status);
  if (!reason.empty()) {
    s += ' ';
    s += reason;
  }
  return s;
}

}  // namespace

struct Pool;

// One target's loop. Fixed members are set before the loop is shared; `writer` is used by
// one worker at a time (in_flight); the rest is guarded by `mu`.
struct Loop {
  TargetSpec spec;
  std::string pool_name;
  std::shared_ptr<const http::ClientOptions> client_options;
  std::shared_ptr<const std::function<void(std::string&)>> body;  // internal targets
  int64_t body_size_limit = 0;
  int64_t offset_ms = 0;
  std::unique_ptr<TargetWriter> writer;

  std::mutex mu;
  bool in_flight = false;
  bool stopped = false;
  std::string last_error;
  int64_t last_scrape_ms = 0;
  double last_duration_s = 0;
  std::string health = "unknown";
  std::shared_ptr<const std::map<std::string, MetricMetadata>> metadata;
};

struct Pool {
  config::ScrapeConfig cfg;
  std::shared_ptr<const std::function<void(std::string&)>> body;  // internal jobs
  std::shared_ptr<const WriterSettings> settings;
  ingest::Relabeler relabeler;
  std::shared_ptr<const http::ClientOptions> client_options;
  std::string client_error;  // when the credentials files could not be read

  std::mutex sd_mu;  // discovery refreshes, on the discovery thread
  std::vector<std::unique_ptr<Discoverer>> discoverers;

  // Guarded by State::mu.
  bool retired = false;
  std::map<uint64_t, std::shared_ptr<Loop>> loops;
  std::vector<DroppedTarget> dropped;
};

struct Job {
  std::shared_ptr<Loop> loop;
  bool stale_only = false;
  model::Timestamp t = 0;
  int64_t start_nanos = 0;
  Result<http::ClientResponse> response = CancelledError("");
};

struct Manager::State {
  explicit State(ManagerOptions o)
      : options(std::move(o)),
        scrapes_total(options.registry->NewCounter("osprey_target_scrapes_total",
                                                   "Scrapes finished, successful or not.")),
        scrape_failures_total(options.registry->NewCounter(
            "osprey_target_scrape_failures_total",
            "Scrapes that failed (no response, bad status, bad body, a limit).")),
        sample_limit_total(options.registry->NewCounter(
            "osprey_target_scrapes_exceeded_sample_limit_total",
            "Scrapes that failed because they had more samples than sample_limit.")),
        samples_rejected_total(options.registry->NewCounter(
            "osprey_target_scrape_samples_rejected_total",
            "Scraped samples the storage rejected (out of order, duplicate, ...).")),
        exemplars_rejected_total(options.registry->NewCounter(
            "osprey_target_scrape_exemplars_rejected_total",
            "Scraped exemplars dropped: over the label length limit, or out of order.")),
        sd_failures(options.registry->NewCounterFamily(
            "osprey_sd_refresh_failures_total",
            "Service discovery refreshes that failed; the last good targets stay.",
            {"mechanism"})) {}

  void StartThreads() {
    http = std::make_unique<http::AsyncHttpClient>();
    int n = options.workers > 0
                ? options.workers
                : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    for (int i = 0; i < n; ++i) workers.emplace_back([this] { WorkerMain(); });
    scheduler = std::thread([this] { SchedulerMain(); });
    discovery = std::thread([this] { DiscoveryMain(); });
  }

  void StopThreads() {
    {
      std::lock_guard lock(sched_mu);
      stopping = true;
    }
    sched_cv.notify_all();
    sd_cv.notify_all();
    scheduler.join();
    discovery.join();
    {
      std::lock_guard lock(mu);
      for (auto& [name, pool] : pools) RetirePool(*pool);
      pools.clear();
    }
    http.reset();  // cancels transfers in flight; their jobs write staleness markers
    {
      std::lock_guard lock(jobs_mu);
      workers_stop = true;
    }
    jobs_cv.notify_all();
    for (std::thread& w : workers) w.join();
  }

  // ---- pools and targets (mu held) ----

  void RetirePool(Pool& pool) {
    pool.retired = true;
    for (auto& [key, loop] : pool.loops) StopLoop(loop);
    pool.loops.clear();
  }

  void StopLoop(const std::shared_ptr<Loop>& loop) {
    std::lock_guard lock(loop->mu);
    loop->stopped = true;
    if (!loop->in_flight) {
      loop->in_flight = true;
      PushJob(Job{.loop = loop, .stale_only = true});
    }
  }

  void SyncPool(Pool& pool, const std::vector<DiscoveredTarget>& discovered) {
    std::map<uint64_t, TargetSpec> specs;
    std::vector<DroppedTarget> dropped;
    for (const DiscoveredTarget& d : discovered) {
      Result<std::optional<TargetSpec>> spec = PopulateTarget(pool.cfg, pool.relabeler, d);
      if (!spec.ok()) {
        options.logger->Warn("creating target failed", {{"scrape_pool", pool.cfg.job_name},
                                                        {"err", spec.status().message()}});
        dropped.push_back({d.labels, pool.cfg.job_name});
        continue;
      }
      if (!spec->has_value()) {
        dropped.push_back({d.labels, pool.cfg.job_name});
        continue;
      }
      specs.emplace((*spec)->key, std::move(**spec));
    }
    if (pool.cfg.target_limit > 0 && specs.size() > pool.cfg.target_limit) {
      options.logger->Error("target_limit exceeded: no target of the pool is scraped",
                            {{"scrape_pool", pool.cfg.job_name},
                             {"targets", std::to_string(specs.size())},
                             {"limit", std::to_string(pool.cfg.target_limit)}});
      specs.clear();
    }
    // Stop loops whose target went away; start loops for new targets.
    for (auto it = pool.loops.begin(); it != pool.loops.end();) {
      if (specs.count(it->first) == 0) {
        StopLoop(it->second);
        it = pool.loops.erase(it);
      } else {
        ++it;
      }
    }
    for (auto& [key, spec] : specs) {
      auto existing = pool.loops.find(key);
      if (existing != pool.loops.end()) continue;
      auto loop = std::make_shared<Loop>();
      loop->spec = std::move(spec);
      loop->pool_name = pool.cfg.job_name;
      loop->client_options = pool.client_options;
      loop->body = pool.body;
      if (pool.body != nullptr) loop->spec.url = "osprey://internal/" + pool.cfg.job_name;
      loop->body_size_limit = pool.cfg.body_size_limit;
      loop->writer = std::make_unique<TargetWriter>(loop->spec.labels, pool.settings,
                                                    *options.storage, options.exemplars);
      const int64_t interval = std::max<int64_t>(1, loop->spec.interval.ms);
      loop->offset_ms = static_cast<int64_t>(key % static_cast<uint64_t>(interval));
      if (!pool.client_error.empty()) loop->last_error = pool.client_error;
      pool.loops.emplace(key, loop);
      Schedule(loop, FirstScrapeTime(*loop));
    }
    pool.dropped = std::move(dropped);
  }

  int64_t FirstScrapeTime(const Loop& loop) const {
    const int64_t now = options.clock->NowMillis();
    const int64_t interval = std::max<int64_t>(1, loop.spec.interval.ms);
    int64_t t = now - now % interval + loop.offset_ms;
    if (t < now) t += interval;
    return t;
  }

  // ---- scheduling ----

  void Schedule(const std::shared_ptr<Loop>& loop, int64_t at_ms) {
    {
      std::lock_guard lock(sched_mu);
      schedule.emplace(at_ms, loop);
    }
    sched_cv.notify_one();
  }

  void SchedulerMain() {
    std::unique_lock lock(sched_mu);
    while (!stopping) {
      if (schedule.empty()) {
        sched_cv.wait(lock);
        continue;
      }
      const int64_t now = options.clock->NowMillis();
      const int64_t due = schedule.begin()->first;
      if (due > now) {
        sched_cv.wait_for(lock, std::chrono::milliseconds(due - now));
        continue;
      }
      std::shared_ptr<Loop> loop = schedule.begin()->second.lock();
      schedule.erase(schedule.begin());
      if (loop == nullptr) continue;
      {
        std::lock_guard loop_lock(loop->mu);
        if (loop->stopped) continue;
      }
      const int64_t interval = std::max<int64_t>(1, loop->spec.interval.ms);
      int64_t next = due + interval;
      if (next <= now) next += (now - next) / interval * interval + interval;  // fell behind
      schedule.emplace(next, loop);
      lock.unlock();
      StartScrape(loop);
      lock.lock();
    }
  }

  void StartScrape(const std::shared_ptr<Loop>& loop) {
    {
      std::lock_guard lock(loop->mu);
      if (loop->stopped || loop->in_flight) return;  // a scrape is still running: skip
      loop->in_flight = true;
    }
    if (loop->body != nullptr) {
      PushJob(Job{.loop = loop,
                  .t = options.clock->NowMillis(),
                  .start_nanos = options.clock->MonotonicNanos()});
      return;
    }
    http::ClientRequest req;
    req.url = loop->spec.url;
    req.timeout = std::chrono::milliseconds(loop->spec.timeout.ms);
    req.max_body_bytes = loop->body_size_limit;
    req.headers.emplace_back("Accept", std::string(ingest::kScrapeAcceptHeader));
    char timeout[32];
    std::snprintf(timeout, sizeof timeout, "%g", static_cast<double>(loop->spec.timeout.ms) / 1000);
    req.headers.emplace_back("X-Prometheus-Scrape-Timeout-Seconds", timeout);
    const model::Timestamp t = options.clock->NowMillis();
    const int64_t start = options.clock->MonotonicNanos();
    http->Start(
        *loop->client_options, std::move(req),
        [this, loop, t, start](Result<http::ClientResponse> r) {
          PushJob(Job{.loop = loop, .t = t, .start_nanos = start, .response = std::move(r)});
        });
  }

  // ---- workers ----

  void PushJob(Job job) {
    {
      std::lock_guard lock(jobs_mu);
      jobs.push_back(std::move(job));
    }
    jobs_cv.notify_one();
  }

  void WorkerMain() {
    ingest::ExpositionParser parser;
    for (;;) {
      Job job;
      {
        std::unique_lock lock(jobs_mu);
        jobs_cv.wait(lock, [this] { return workers_stop || !jobs.empty(); });
        if (jobs.empty()) return;
        job = std::move(jobs.front());
        jobs.pop_front();
      }
      Process(parser, job);
    }
  }

  void Process(ingest::ExpositionParser& parser, Job& job) {
    Loop& loop = *job.loop;
    bool stopped;
    {
      std::lock_guard lock(loop.mu);
      stopped = loop.stopped;
    }
    if (job.stale_only || stopped) {
      loop.writer->StaleAll(options.clock->NowMillis());
      return;  // in_flight stays true: the loop never runs again
    }
    if (loop.body != nullptr) {
      http::ClientResponse produced;
      produced.status = 200;
      produced.content_type = "text/plain; version=0.0.4";
      (*loop.body)(produced.body);
      job.response = std::move(produced);
    }
    ScrapeCounts counts;
    std::string error;
    bool staled = false;  // AppendBody failed and already marked the old series stale
    const Result<http::ClientResponse>& r = job.response;
    if (!r.ok()) {
      error = r.status().message();
    } else if (r->status != 200) {
      error = StatusLine(r->status);
    } else if (Result<ingest::ExpositionFormat> format =
                   ingest::FormatForContentType(r->content_type);
               !format.ok()) {
      error = format.status().message();
    } else {
      Result<ScrapeCounts> appended = loop.writer->AppendBody(parser, *format, r->body, job.t);
      if (appended.ok()) {
        counts = *appended;
      } else {
        error = appended.status().message();
        staled = true;
        if (appended.status().message().starts_with("sample_limit exceeded")) {
          sample_limit_total.Inc();
        }
      }
    }
    if (!error.empty() && !staled) loop.writer->AppendFailure(job.t);
    const double duration =
        static_cast<double>(options.clock->MonotonicNanos() - job.start_nanos) / 1e9;
    loop.writer->WriteReport(error.empty(), duration, counts, job.t).IgnoreError();
    scrapes_total.Inc();
    if (!error.empty()) scrape_failures_total.Inc();
    if (counts.samples_rejected > 0) samples_rejected_total.Inc(counts.samples_rejected);
    if (counts.exemplars_rejected > 0) exemplars_rejected_total.Inc(counts.exemplars_rejected);

    std::shared_ptr<const std::map<std::string, MetricMetadata>> metadata;
    {
      std::lock_guard lock(loop.mu);
      metadata = loop.metadata;
    }
    if (error.empty() && (metadata == nullptr || *metadata != loop.writer->metadata())) {
      metadata =
          std::make_shared<const std::map<std::string, MetricMetadata>>(loop.writer->metadata());
    }
    bool stale_now = false;
    {
      std::lock_guard lock(loop.mu);
      loop.last_error = error;
      loop.last_scrape_ms = job.t;
      loop.last_duration_s = duration;
      loop.health = error.empty() ? "up" : "down";
      loop.metadata = std::move(metadata);
      if (loop.stopped) {
        stale_now = true;
      } else {
        loop.in_flight = false;
      }
    }
    if (stale_now) loop.writer->StaleAll(options.clock->NowMillis());
  }

  // ---- discovery ----

  void DiscoveryMain() {
    for (;;) {
      std::vector<std::shared_ptr<Pool>> current;
      {
        std::lock_guard lock(mu);
        for (auto& [name, pool] : pools) current.push_back(pool);
      }
      const auto now = std::chrono::steady_clock::now();
      for (const std::shared_ptr<Pool>& pool : current) RefreshPool(*pool, now);
      std::unique_lock lock(sched_mu);
      if (stopping) return;
      sd_cv.wait_for(lock,
                     std::chrono::milliseconds(std::min<int64_t>(options.file_poll_ms, 1000)));
      if (stopping) return;
    }
  }

  void RefreshPool(Pool& pool, std::chrono::steady_clock::time_point now) {
    std::lock_guard sd_lock(pool.sd_mu);
    bool changed = false;
    for (auto& d : pool.discoverers) {
      // File SD polls modification times on every pass; a full re-read is due per its
      // refresh_interval. The pass itself runs every file_poll_ms at most.
      Result<bool> r = d->Refresh(now, false);
      if (!r.ok()) {
        sd_failures.WithLabels({d->mechanism()}).Inc();
        options.logger->Warn("service discovery refresh failed; keeping the last targets",
                             {{"scrape_pool", pool.cfg.job_name},
                              {"mechanism", std::string(d->mechanism())},
                              {"err", r.status().message()}});
        changed = true;  // the discoverer may have kept some files' targets and changed others
      } else if (*r) {
        changed = true;
      }
    }
    if (!changed) return;
    std::vector<DiscoveredTarget> all;
    for (auto& d : pool.discoverers) {
      all.insert(all.end(), d->targets().begin(), d->targets().end());
    }
    std::lock_guard lock(mu);
    if (!pool.retired) SyncPool(pool, all);
  }

  const ManagerOptions options;
  metrics::Counter& scrapes_total;
  metrics::Counter& scrape_failures_total;
  metrics::Counter& sample_limit_total;
  metrics::Counter& samples_rejected_total;
  metrics::Counter& exemplars_rejected_total;
  metrics::Family<metrics::Counter>& sd_failures;
  std::unique_ptr<http::AsyncHttpClient> http;

  mutable std::mutex mu;
  std::map<std::string, std::shared_ptr<Pool>> pools;  // guarded by mu

  std::mutex sched_mu;
  std::condition_variable sched_cv;
  std::condition_variable sd_cv;
  bool stopping = false;                                 // guarded by sched_mu
  std::multimap<int64_t, std::weak_ptr<Loop>> schedule;  // guarded by sched_mu

  std::mutex jobs_mu;
  std::condition_variable jobs_cv;
  std::deque<Job> jobs;       // guarded by jobs_mu
  bool workers_stop = false;  // guarded by jobs_mu

  std::thread scheduler;
  std::thread discovery;
  std::vector<std::thread> workers;
};

Manager::Manager(ManagerOptions options) : state_(std::make_unique<State>(std::move(options))) {
  state_->StartThreads();
}

Manager::~Manager() { state_->StopThreads(); }

Status Manager::ApplyConfig(const config::Config& cfg, const std::vector<InternalJob>& internal) {
  // Build every new pool first so that a bad regex changes nothing.
  std::map<std::string, std::shared_ptr<Pool>> next;
  std::vector<InternalJob> jobs;
  for (const config::ScrapeConfig& sc : cfg.scrape_configs) jobs.push_back({sc, nullptr});
  for (const InternalJob& j : internal) {
    for (const InternalJob& other : jobs) {
      if (other.config.job_name == j.config.job_name) {
        return InvalidArgumentError("scrape job name \"" + j.config.job_name +
                                    "\" is taken by Osprey's built-in " + j.config.job_name +
                                    " metrics; rename the job or disable them");
      }
    }
    jobs.push_back(j);
  }
  {
    std::lock_guard lock(state_->mu);
    for (const InternalJob& job : jobs) {
      const config::ScrapeConfig& sc = job.config;
      auto existing = state_->pools.find(sc.job_name);
      if (existing != state_->pools.end() && existing->second->cfg == sc &&
          existing->second->body == job.body) {
        next.emplace(sc.job_name, existing->second);
        continue;
      }
      OSPREY_ASSIGN_OR_RETURN(ingest::Relabeler relabeler,
                              ingest::Relabeler::Create(sc.relabel_configs));
      OSPREY_ASSIGN_OR_RETURN(ingest::Relabeler metric_relabeler,
                              ingest::Relabeler::Create(sc.metric_relabel_configs));
      auto pool = std::make_shared<Pool>();
      pool->cfg = sc;
      pool->body = job.body;
      pool->relabeler = std::move(relabeler);
      auto settings = std::make_shared<WriterSettings>(WriterSettings{
          .honor_labels = sc.honor_labels,
          .honor_timestamps = sc.honor_timestamps,
          .track_timestamps_staleness = sc.track_timestamps_staleness,
          .sample_limit = sc.sample_limit,
          .label_limit = sc.label_limit,
          .label_name_length_limit = sc.label_name_length_limit,
          .label_value_length_limit = sc.label_value_length_limit,
          .metric_relabeler = std::move(metric_relabeler),
      });
      pool->settings = std::move(settings);
      Result<http::ClientOptions> client = http::ClientOptionsFromConfig(sc.http_client);
      http::ClientOptions client_options = client.ok() ? *client : http::ClientOptions{};
      if (!client.ok()) pool->client_error = client.status().message();
      client_options.user_agent = state_->options.user_agent;
      pool->client_options = std::make_shared<const http::ClientOptions>(std::move(client_options));
      pool->discoverers = MakeDiscoverers(sc);
      next.emplace(sc.job_name, std::move(pool));
    }
    for (auto& [name, pool] : state_->pools) {
      auto it = next.find(name);
      if (it == next.end() || it->second != pool) state_->RetirePool(*pool);
    }
    state_->pools = std::move(next);
  }
  state_->sd_cv.notify_all();  // discover the new pools' targets now
  return OkStatus();
}

TargetsView Manager::Targets() const {
  TargetsView v;
  std::lock_guard lock(state_->mu);
  for (const auto& [name, pool] : state_->pools) {
    for (const auto& [key, loop] : pool->loops) {
      ActiveTarget t;
      t.discovered_labels = loop->spec.discovered;
      t.labels = loop->spec.labels;
      t.scrape_pool = name;
      t.scrape_url = loop->spec.url;
      t.scrape_interval = model::FormatDuration(loop->spec.interval);
      t.scrape_timeout = model::FormatDuration(loop->spec.timeout);
      {
        std::lock_guard loop_lock(loop->mu);
        t.last_error = loop->last_error;
        t.last_scrape_ms = loop->last_scrape_ms;
        t.last_scrape_duration_s = loop->last_duration_s;
        t.health = loop->health;
      }
      v.active.push_back(std::move(t));
    }
    for (const DroppedTarget& d : pool->dropped) v.dropped.push_back(d);
    v.dropped_counts[name] = static_cast<int64_t>(pool->dropped.size());
  }
  return v;
}

std::vector<TargetMetadata> Manager::Metadata() const {
  std::vector<TargetMetadata> out;
  std::lock_guard lock(state_->mu);
  for (const auto& [name, pool] : state_->pools) {
    for (const auto& [key, loop] : pool->loops) {
      std::shared_ptr<const std::map<std::string, MetricMetadata>> metadata;
      {
        std::lock_guard loop_lock(loop->mu);
        metadata = loop->metadata;
      }
      if (metadata == nullptr) continue;
      for (const auto& [metric, md] : *metadata) {
        out.push_back({loop->spec.labels, metric, md});
      }
    }
  }
  return out;
}

}  // namespace osprey::scrape
