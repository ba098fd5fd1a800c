#include "agent/probe_manager.h"

#include <algorithm>
#include <atomic>
#include <chrono>

#include "agent/probe_runner.h"
#include "model/labels.h"
#include "model/sample.h"

namespace osprey::agent {

struct ProbeManager::Probe {
  config::ProbeConfig config;
  model::Labels base;  // job, probe, instance, module and the configured labels
  int64_t offset_ms = 0;
  int64_t next_ms = 0;   // guarded by the manager's mu_
  bool running = false;  // guarded by the manager's mu_
  // Set once the lack of ICMP privilege was logged at warn level (once per probe).
  std::atomic<bool> warned_permission{false};

  Mutex write_mu;
  bool retired OSPREY_GUARDED_BY(write_mu) = false;
  // Series the last run wrote, with their refs.
  std::map<model::Labels, storage::SeriesRef> series OSPREY_GUARDED_BY(write_mu);
};

struct ProbeManager::Job {
  std::shared_ptr<Probe> probe;
};

namespace {

// The first time >= `after` that is `offset` past a multiple of `interval`.
int64_t NextDue(int64_t after, int64_t offset, int64_t interval) {
  int64_t phase = (after - offset) % interval;
  if (phase < 0) phase += interval;
  return phase == 0 ? after : after + (interval - phase);
}

}  // namespace

int64_t ProbeManager::OffsetForTest(const config::ProbeConfig& probe) {
  return static_cast<int64_t>(model::Labels::FromStrings({"probe", probe.name}).Hash() %
                              static_cast<uint64_t>(probe.interval.ms));
}

ProbeManager::ProbeManager(ProbeManagerOptions options)
    : options_(options),
      runs_(options.registry->NewCounterFamily(
          "osprey_probe_runs_total", "Probe runs by module and result.", {"module", "result"})),
      skipped_(options.registry->NewCounter(
          "osprey_probe_skipped_total",
          "Probe runs skipped because no thread was free or the previous run was still going.")) {
  const int threads = std::max(1, options_.threads);
  {
    MutexLock lock(mu_);
    idle_workers_ = threads;
  }
  for (int i = 0; i < threads; ++i) {
    workers_.emplace_back([this](std::stop_token stop) { WorkerLoop(stop); });
  }
  scheduler_ = std::jthread([this](std::stop_token stop) { SchedulerLoop(stop); });
}

ProbeManager::~ProbeManager() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  scheduler_.join();
  for (std::jthread& w : workers_) w.join();
  std::map<std::string, std::shared_ptr<Probe>> probes;
  {
    MutexLock lock(mu_);
    probes.swap(probes_);
  }
  for (auto& entry : probes) Retire(entry.second);
}

Status ProbeManager::ApplyConfig(const std::vector<config::ProbeConfig>& probes) {
  for (const config::ProbeConfig& p : probes) {
    if (p.module != "http" && p.module != "tcp" && p.module != "dns" && p.module != "icmp") {
      return InvalidArgumentError("probe \"" + p.name + "\": unknown module \"" + p.module + "\"");
    }
    if (p.interval.ms <= 0) {
      return InvalidArgumentError("probe \"" + p.name + "\": interval must be greater than 0");
    }
  }
  std::vector<std::shared_ptr<Probe>> retired;
  const int64_t now = options_.clock->NowMillis();
  {
    MutexLock lock(mu_);
    std::map<std::string, std::shared_ptr<Probe>> next;
    for (const config::ProbeConfig& c : probes) {
      auto it = probes_.find(c.name);
      if (it != probes_.end() && it->second->config == c) {
        next[c.name] = it->second;
        continue;
      }
      auto p = std::make_shared<Probe>();
      p->config = c;
      model::LabelsBuilder b;
      for (const auto& [name, value] : c.labels) b.Set(name, value);
      b.Set("job", "probe").Set("probe", c.name).Set("instance", c.target).Set("module", c.module);
      p->base = b.Build();
      p->offset_ms = OffsetForTest(c);
      p->next_ms = NextDue(now, p->offset_ms, c.interval.ms);
      next[c.name] = std::move(p);
    }
    for (auto& [name, p] : probes_) {
      auto it = next.find(name);
      if (it == next.end() || it->second != p) retired.push_back(p);
    }
    probes_.swap(next);
  }
  cv_.notify_all();
  for (const std::shared_ptr<Probe>& p : retired) Retire(p);
  if (options_.logger != nullptr) {
    options_.logger->Info("Probes configured", {{"probes", probes.size()}});
  }
  return OkStatus();
}

void ProbeManager::SchedulerLoop(std::stop_token stop) {
  MutexLock lock(mu_);
  while (!stopping_ && !stop.stop_requested()) {
    const int64_t now = options_.clock->NowMillis();
    int64_t wake = now + 1000;
    for (auto& [name, p] : probes_) {
      if (p->next_ms <= now) {
        if (p->running || idle_workers_ == 0) {
          skipped_.Inc();
          if (options_.logger != nullptr) {
            options_.logger->Debug(
                "Probe run skipped",
                {{"probe", name}, {"reason", p->running ? "still running" : "no free thread"}});
          }
        } else {
          p->running = true;
          --idle_workers_;
          jobs_.push_back(std::make_unique<Job>(Job{p}));
          cv_.notify_all();
        }
        p->next_ms = NextDue(now + 1, p->offset_ms, p->config.interval.ms);
      }
      wake = std::min(wake, p->next_ms);
    }
    cv_.wait_for(mu_, std::chrono::milliseconds(std::max<int64_t>(1, wake - now)));
  }
}

void ProbeManager::WorkerLoop(std::stop_token stop) {
  MutexLock lock(mu_);
  while (true) {
    while (jobs_.empty() && !stopping_ && !stop.stop_requested()) cv_.wait(mu_);
    if (stopping_ || stop.stop_requested()) return;
    std::unique_ptr<Job> job = std::move(jobs_.front());
    jobs_.erase(jobs_.begin());
    mu_.Unlock();
    RunOnce(job->probe, options_.clock->NowMillis());
    mu_.Lock();
    job->probe->running = false;
    ++idle_workers_;
  }
}

void ProbeManager::RunOnce(const std::shared_ptr<Probe>& probe, int64_t start_ms) {
  const ProbeRun run = RunProbe(probe->config);
  runs_.WithLabels({probe->config.module, run.success ? "success" : "failure"}).Inc();
  if (!run.success && options_.logger != nullptr) {
    if (run.permission_denied && !probe->warned_permission.exchange(true)) {
      options_.logger->Warn("Probe cannot run",
                            {{"probe", probe->config.name}, {"err", run.error}});
    } else {
      options_.logger->Debug("Probe failed", {{"probe", probe->config.name}, {"err", run.error}});
    }
  }

  MutexLock lock(probe->write_mu);
  if (probe->retired) return;
  std::unique_ptr<storage::Appender> app = options_.storage->NewAppender();
  std::vector<std::pair<model::Labels, double>> values;
  values.reserve(run.samples.size() + 2);
  auto add = [&](const std::string& name, const std::string& phase, double value) {
    model::LabelsBuilder b(probe->base);
    b.Set(model::kMetricName, name);
    if (!phase.empty()) b.Set("phase", phase);
    values.emplace_back(b.Build(), value);
  };
  add("probe_success", "", run.success ? 1.0 : 0.0);
  add("probe_duration_seconds", "", run.duration_seconds);
  for (const ProbeSample& s : run.samples) add(s.name, s.phase, s.value);

  std::map<model::Labels, storage::SeriesRef> written;
  for (auto& [labels, value] : values) {
    auto old = probe->series.find(labels);
    const storage::SeriesRef hint = old != probe->series.end() ? old->second : storage::kNoRef;
    Result<storage::SeriesRef> ref = app->Append(hint, labels, {start_ms, value});
    if (!ref.ok()) {
      if (options_.logger != nullptr) {
        options_.logger->Warn("Appending probe sample failed",
                              {{"probe", probe->config.name}, {"err", ref.status()}});
      }
      continue;
    }
    written[std::move(labels)] = *ref;
  }
  // Series the previous run wrote and this one did not (a certificate expiry that is gone).
  for (const auto& [labels, ref] : probe->series) {
    if (written.count(labels) == 0) (void)app->Append(ref, labels, {start_ms, model::StaleNaN()});
  }
  if (Status s = app->Commit(); !s.ok() && options_.logger != nullptr) {
    options_.logger->Warn("Committing probe samples failed",
                          {{"probe", probe->config.name}, {"err", s}});
  }
  probe->series = std::move(written);
}

void ProbeManager::Retire(const std::shared_ptr<Probe>& probe) {
  MutexLock lock(probe->write_mu);
  probe->retired = true;
  if (probe->series.empty()) return;
  const int64_t now = options_.clock->NowMillis();
  std::unique_ptr<storage::Appender> app = options_.storage->NewAppender();
  for (const auto& [labels, ref] : probe->series) {
    (void)app->Append(ref, labels, {now, model::StaleNaN()});
  }
  if (Status s = app->Commit(); !s.ok() && options_.logger != nullptr) {
    options_.logger->Warn("Writing probe staleness markers failed",
                          {{"probe", probe->config.name}, {"err", s}});
  }
  probe->series.clear();
}

}  // namespace osprey::agent
