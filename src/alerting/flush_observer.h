// Lets another part of the program follow what the notification pipeline does with each
// aggregation group (incidents open and resolve from it, and put notifications on their
// timelines), without alerting knowing who listens.
//
//   Pipeline::Deps deps{..., .observer = &incident_feed};
//
// Implementations must be thread-safe and quick: they are called from the pipeline's worker
// threads, outside its locks; queue heavy work.
#pragma once

#include <span>
#include <string_view>

#include "base/status.h"
#include "model/alert.h"
#include "model/labels.h"

namespace osprey::alerting {

struct FlushRequest;

class FlushObserver {
 public:
  virtual ~FlushObserver() = default;
  // After the mute stages of one flush: `alerts` are the group's alerts that are neither
  // inhibited, silenced nor outside the route's time intervals (ends_at set for resolved
  // ones). Called for every flush, also when nothing is then sent (dedup).
  virtual void OnFlush(const FlushRequest& flush, std::span<const model::Alert> alerts) = 0;
  // After one integration's notify attempt finished for good (sent, or gave up after its
  // retries): `integration` e.g. "webhook", `index` its position among the receiver's
  // integrations of that kind. Not called when dedup decided nothing needed sending.
  virtual void OnNotified(const FlushRequest& flush, std::string_view integration, int index,
                          int firing, int resolved, const Status& status) = 0;
};

}  // namespace osprey::alerting
