// Connects a metrics::Registry collector to an object that may die before the registry: the
// registry holds a shared_ptr to the link, the object detaches the link in its destructor.
//
//   link_ = internal::CollectorLink<Silences>::Register(registry, this);   // constructor
//   link_->Detach();                                                       // destructor
//
// T must declare `void Collect(metrics::MetricWriter&) const` (and befriend this class when
// that is private). Thread-safe.
#pragma once

#include <memory>

#include "base/thread_annotations.h"
#include "metrics/registry.h"

namespace osprey::alerting::internal {

template <typename T>
class CollectorLink {
 public:
  explicit CollectorLink(const T* target) : target_(target) {}

  // Null when `registry` is null.
  static std::shared_ptr<CollectorLink> Register(metrics::Registry* registry, const T* target) {
    if (registry == nullptr) return nullptr;
    auto link = std::make_shared<CollectorLink>(target);
    registry->AddCollector([link](metrics::MetricWriter& writer) { link->Collect(writer); });
    return link;
  }

  void Collect(metrics::MetricWriter& writer) OSPREY_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    if (target_ != nullptr) target_->Collect(writer);
  }
  // After this returns, the target is never called again.
  void Detach() OSPREY_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    target_ = nullptr;
  }

 private:
  Mutex mu_;
  const T* target_ OSPREY_GUARDED_BY(mu_);
};

}  // namespace osprey::alerting::internal
