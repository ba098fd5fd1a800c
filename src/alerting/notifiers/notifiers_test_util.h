// Shared fixtures of the notifier tests: a notification of two alerts (one firing, one
// resolved) and the dependencies every notifier needs.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "alerting/notifier.h"
#include "alerting/notifiers/notifiers.h"
#include "metrics/registry.h"
#include "model/alert.h"

namespace osprey::alerting::notifiers::testing {

inline constexpr model::Timestamp kNow = 1700000100000;

inline std::vector<model::Alert> TwoAlerts() {
  model::Alert firing{
      .labels = model::Labels::FromStrings(
          {"alertname", "HighLatency", "instance", "a:9090", "job", "api"}),
      .annotations = model::Labels::FromStrings({"summary", "p99 > 1s <b>"}),
      .starts_at = 1700000000123,
      .ends_at = kNow + 180000,  // a "valid until" in the future: not shown
      .generator_url = "http://osprey:9090/graph?g0.expr=x&g0.tab=1",
  };
  model::Alert resolved{
      .labels = model::Labels::FromStrings(
          {"alertname", "HighLatency", "instance", "b:9090", "job", "api"}),
      .annotations = model::Labels::FromStrings({"summary", "p99 > 1s <b>"}),
      .starts_at = 1700000000000,
      .ends_at = 1700000060500,
      .generator_url = "http://osprey:9090/graph?g0.expr=x&g0.tab=1",
  };
  return {firing, resolved};
}

inline NotifyContext Context() {
  return NotifyContext{
      .receiver = "team-a.web",
      .group_key = R"({}/{job="api"}:{alertname="HighLatency"})",
      .group_labels = model::Labels::FromStrings({"alertname", "HighLatency"}),
      .now = kNow,
      .external_url = "http://osprey.example:9090/",
  };
}

struct Deps {
  explicit Deps(std::vector<std::pair<std::string, std::string>> files = {}) : metrics(registry) {
    auto t = NotificationTemplates::FromTexts(std::move(files));
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    if (t.ok()) deps.templates = *t;
    deps.metrics = &metrics;
    deps.timeout = std::chrono::seconds(20);
    deps.hostname = "osprey.test";
  }
  double TemplateErrors(std::string_view integration) {
    return metrics.template_errors.WithLabels({integration}).Value();
  }
  metrics::Registry registry;
  NotifierMetrics metrics;
  NotifierDeps deps;
};

}  // namespace osprey::alerting::notifiers::testing
