// The routing tree (Alertmanager's dispatch/route.go, 0.25): where an alert goes and how it is
// grouped. Built once per config from config::RouteConfig, whose values are already
// effective (receiver, group_by and the timers inherited from the parent).
//
//   std::unique_ptr<Route> root = Route::Build(config.route);
//   for (const Route* r : root->Match(alert.labels)) {
//     std::string key = GroupKey(*r, r->GroupLabels(alert.labels));
//     // `{}/{severity="critical"}:{alertname="HighLatency"}`
//   }
//
// Immutable after Build; thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/alertmanager_config.h"
#include "model/labels.h"
#include "model/matcher.h"

namespace osprey::alerting {

// A route's effective options (Alertmanager's RouteOpts). Durations in milliseconds.
struct RouteOpts {
  std::string receiver;
  std::vector<std::string> group_by;  // Sorted, unique.
  bool group_by_all = false;          // group_by: ['...']
  int64_t group_wait_ms = 30'000;
  int64_t group_interval_ms = 300'000;
  int64_t repeat_interval_ms = 4 * 3600'000;
  std::vector<std::string> mute_time_intervals;  // Names; not inherited.
  std::vector<std::string> active_time_intervals;
};

class Route {
 public:
  static std::unique_ptr<Route> Build(const config::RouteConfig& root);

  Route(const Route&) = delete;
  Route& operator=(const Route&) = delete;

  // The routes that handle an alert with these labels: a depth-first, left-to-right search
  // that descends into the first matching child, and into further matching siblings only
  // while the previous matching one has `continue`; a matching route none of whose children
  // match handles the alert itself. Empty when this route does not match.
  std::vector<const Route*> Match(const model::Labels& labels) const;

  // The alert's labels that name its group on this route: the group_by labels it has, or all
  // of them with group_by_all.
  model::Labels GroupLabels(const model::Labels& alert_labels) const;

  // Alertmanager's Route.Key(): the parent's key, "/", and the matchers:
  // `{}/{env="prod",team=~"a|b"}`. Not unique (two siblings may have the same matchers).
  const std::string& key() const { return key_; }
  // Alertmanager's Route.ID(): the key plus "/<index among siblings>" for non-root routes:
  // `{}/{env="prod"}/0`. Unique in a tree.
  const std::string& id() const { return id_; }
  const RouteOpts& opts() const { return opts_; }
  const std::vector<model::Matcher>& matchers() const { return matchers_; }
  bool continue_matching() const { return continue_; }
  const Route* parent() const { return parent_; }
  const std::vector<std::unique_ptr<Route>>& children() const { return children_; }
  // Position in a depth-first pre-order walk from the root (root = 0): a dense index.
  int index() const { return index_; }

  // Calls visit on this route and its descendants, depth-first, pre-order.
  void Walk(const std::function<void(const Route&)>& visit) const;

 private:
  Route() = default;
  static std::unique_ptr<Route> BuildNode(const config::RouteConfig& c, const Route* parent,
                                          int sibling_index, int* counter);
  void MatchInto(const model::Labels& labels, std::vector<const Route*>& out) const;

  const Route* parent_ = nullptr;
  RouteOpts opts_;
  std::vector<model::Matcher> matchers_;
  bool continue_ = false;
  std::vector<std::unique_ptr<Route>> children_;
  std::string key_;
  std::string id_;
  int index_ = 0;
};

// Alertmanager's aggregation group key: `<route key>:<group labels>`, the labels printed as
// Go's model.LabelSet.String(): `{alertname="x", team="a"}` (pairs sorted as strings, ", "
// between them). Notifiers send it as groupKey; the nflog is keyed by it.
std::string GroupKey(const Route& route, const model::Labels& group_labels);

// Go's model.LabelSet.String() for a label set.
std::string FormatLabelSet(const model::Labels& labels);

}  // namespace osprey::alerting
