// Test doubles for the dispatcher and pipeline tests: a recording Notifier with scripted
// results (and an optional gate that holds Notify until released), and a settable Muter.
#pragma once

#include <condition_variable>
#include <deque>
#include <set>
#include <string>
#include <vector>

#include "alerting/muter.h"
#include "alerting/notifier.h"
#include "base/clock.h"
#include "base/thread_annotations.h"

namespace osprey::alerting::internal {

class FakeNotifier final : public Notifier {
 public:
  struct Call {
    NotifyContext ctx;
    std::vector<model::Alert> alerts;
    int64_t at_ms;
  };

  FakeNotifier(const Clock& clock, std::string integration, bool send_resolved)
      : clock_(clock), integration_(std::move(integration)), send_resolved_(send_resolved) {}

  NotifyResult Notify(const NotifyContext& ctx, std::span<const model::Alert> alerts) override
      OSPREY_NO_THREAD_SAFETY_ANALYSIS {
    std::unique_lock<Mutex> lock(mu_);
    calls_.push_back(
        Call{ctx, std::vector<model::Alert>(alerts.begin(), alerts.end()), clock_.NowMillis()});
    ++entered_;
    cv_.notify_all();
    cv_.wait(lock, [this]() OSPREY_NO_THREAD_SAFETY_ANALYSIS { return !blocked_; });
    if (results_.empty()) return NotifyResult{};
    NotifyResult r = results_.front();
    results_.pop_front();
    return r;
  }
  std::string_view integration() const override { return integration_; }
  bool send_resolved() const override { return send_resolved_; }

  // Results for the next calls, in order; OK once they run out.
  void PushResult(NotifyResult r) OSPREY_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    results_.push_back(std::move(r));
  }
  // While blocked, Notify records the call and then waits for Unblock().
  void Block() OSPREY_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    blocked_ = true;
  }
  void Unblock() OSPREY_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    blocked_ = false;
    cv_.notify_all();
  }
  // Waits until Notify was entered `n` times in total.
  void WaitEntered(int n) OSPREY_NO_THREAD_SAFETY_ANALYSIS {
    std::unique_lock<Mutex> lock(mu_);
    cv_.wait(lock, [&]() OSPREY_NO_THREAD_SAFETY_ANALYSIS { return entered_ >= n; });
  }
  std::vector<Call> calls() const OSPREY_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    return calls_;
  }
  size_t call_count() const OSPREY_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    return calls_.size();
  }

 private:
  const Clock& clock_;
  const std::string integration_;
  const bool send_resolved_;
  mutable Mutex mu_;
  std::condition_variable_any cv_;
  std::vector<Call> calls_ OSPREY_GUARDED_BY(mu_);
  std::deque<NotifyResult> results_ OSPREY_GUARDED_BY(mu_);
  bool blocked_ OSPREY_GUARDED_BY(mu_) = false;
  int entered_ OSPREY_GUARDED_BY(mu_) = 0;
};

// Mutes alerts whose "alertname" is in a set.
class FakeMuter final : public Muter {
 public:
  bool Mutes(const model::Labels& labels) override OSPREY_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    return names_.contains(std::string(labels.Get("alertname")));
  }
  void Mute(std::string alertname) OSPREY_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    names_.insert(std::move(alertname));
  }
  void Clear() OSPREY_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    names_.clear();
  }

 private:
  Mutex mu_;
  std::set<std::string> names_ OSPREY_GUARDED_BY(mu_);
};

}  // namespace osprey::alerting::internal
