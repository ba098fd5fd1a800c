// Test helpers of rules_test: the shared settable clock and a scripted QueryFunc.
#pragma once

#include <atomic>
#include <map>
#include <string>

#include "base/clock.h"
#include "base/thread_annotations.h"
#include "rules/rule.h"
#include "testing/fake_clock.h"

namespace osprey::rules::testing {

using FakeClock = ::osprey::testing::FakeClock;

// Answers each expression with a fixed vector (empty when unset); records query times.
class ScriptedQueries {
 public:
  void Set(const std::string& expr, promql::Vector v) OSPREY_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    results_[expr] = std::move(v);
  }
  void Fail(const std::string& expr, Status s) OSPREY_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    errors_[expr] = std::move(s);
  }
  model::Timestamp last_at() const OSPREY_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    return last_at_;
  }
  QueryFunc Func() {
    return [this](std::string_view expr, model::Timestamp at) -> Result<promql::Vector> {
      MutexLock lock(mu_);
      last_at_ = at;
      if (auto e = errors_.find(std::string(expr)); e != errors_.end()) return e->second;
      auto it = results_.find(std::string(expr));
      if (it == results_.end()) return promql::Vector{};
      promql::Vector v = it->second;
      for (promql::VectorSample& s : v) s.t = at;
      return v;
    };
  }

 private:
  mutable Mutex mu_;
  std::map<std::string, promql::Vector> results_ OSPREY_GUARDED_BY(mu_);
  std::map<std::string, Status> errors_ OSPREY_GUARDED_BY(mu_);
  model::Timestamp last_at_ OSPREY_GUARDED_BY(mu_) = 0;
};

inline promql::VectorSample Sample(std::initializer_list<std::string_view> labels, double v) {
  return {.labels = model::Labels::FromStrings(labels), .t = 0, .v = v};
}

}  // namespace osprey::rules::testing
