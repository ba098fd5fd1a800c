// One aggregation group (Alertmanager's dispatch.aggrGroup): the alerts of one route that
// share the values of the route's group_by labels, notified together. The Dispatcher owns
// the groups, drives their timers and guards each with its mutex.
//
// Thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "alerting/route.h"
#include "alerting/task_scheduler.h"
#include "model/alert.h"
#include "model/labels.h"

namespace osprey::alerting {

// Go's model.LabelSet.Before: fewer labels first; then the first differing label in the
// sorted union of names decides (absent before present, then by value).
bool LabelSetBefore(const model::Labels& a, const model::Labels& b);
// Alertmanager's AlertSlice order: by the job label, then instance (alerts lacking one come
// after those having it), then LabelSetBefore. Stable.
void SortAlerts(std::vector<model::Alert>& alerts);

class AggregationGroup {
 public:
  // Requires: `route` outlives the group.
  AggregationGroup(const Route& route, model::Labels labels, uint64_t serial);

  const Route& route() const { return route_; }
  const model::Labels& labels() const { return labels_; }
  // `{}/{team="a"}:{alertname="x"}`
  const std::string& group_key() const { return group_key_; }
  uint64_t serial() const { return serial_; }

  // Replaces the alert with the same fingerprint, or adds it.
  void Insert(const model::Alert& alert);
  bool empty() const { return alerts_.empty(); }
  size_t size() const { return alerts_.size(); }

  // The alerts to notify at `now`, sorted, each copied with ends_at cleared unless it is
  // resolved at `now` (an alert must not resolve while its notification is in flight).
  std::vector<model::Alert> AlertsForFlush(model::Timestamp now) const;
  // The alerts as stored, sorted.
  std::vector<model::Alert> Alerts() const;
  // After a successful notification: drops each (fingerprint, updated_at) of `sent_resolved`
  // unless the alert was updated since.
  void DeleteResolved(const std::vector<std::pair<uint64_t, model::Timestamp>>& sent_resolved);

  // Timer state, owned by the Dispatcher (under its mutex).
  TaskId timer = 0;
  // Bumped by every (re)schedule: a timer task that a worker had already taken when it was
  // cancelled carries an older generation and does nothing.
  uint64_t timer_generation = 0;
  bool has_flushed = false;
  bool in_flight = false;      // A notification of this group is running.
  bool flush_pending = false;  // The timer fired while in flight: flush again when done.

 private:
  const Route& route_;
  const model::Labels labels_;
  const std::string group_key_;
  const uint64_t serial_;
  std::unordered_map<uint64_t, model::Alert> alerts_;  // By fingerprint.
};

}  // namespace osprey::alerting
