// The osprey_remote_storage_* metrics, labelled by remote_name and url as Prometheus's
// prometheus_remote_storage_* are.
#pragma once

#include <string>

#include "metrics/registry.h"

namespace osprey::remote {

// Registered once per Registry; queues started and stopped by reloads share them.
// Thread-safe.
struct RemoteMetricFamilies {
  explicit RemoteMetricFamilies(metrics::Registry& registry);

  metrics::Family<metrics::Counter>& samples;
  metrics::Family<metrics::Counter>& samples_failed;
  metrics::Family<metrics::Counter>& samples_retried;
  metrics::Family<metrics::Counter>& samples_dropped;  // + reason
  metrics::Family<metrics::Counter>& bytes;
  metrics::Family<metrics::Gauge>& samples_pending;
  metrics::Family<metrics::Gauge>& highest_sent_timestamp;
  metrics::Family<metrics::Gauge>& highest_timestamp;
  metrics::Family<metrics::Gauge>& shards;
  metrics::Family<metrics::Histogram>& sent_batch_duration;
};

// The children of one queue.
struct QueueMetrics {
  QueueMetrics(RemoteMetricFamilies& f, const std::string& name, const std::string& url);

  metrics::Counter& samples;          // sent and acknowledged (2xx)
  metrics::Counter& samples_failed;   // rejected by the remote (4xx): not retried
  metrics::Counter& samples_retried;  // in sends retried (5xx, 429, network errors)
  metrics::Counter& dropped_relabel;  // series dropped by write_relabel_configs
  metrics::Counter& dropped_unknown;  // series ref not defined in the WAL read
  metrics::Counter& dropped_backlog;  // the WAL backlog cap was hit (see README)
  metrics::Counter& dropped_corrupt;  // the rest of a damaged WAL segment (count unknown: 1)
  metrics::Counter& bytes;            // compressed request bytes sent
  metrics::Gauge& samples_pending;
  metrics::Gauge& highest_sent_timestamp;
  metrics::Gauge& highest_timestamp;
  metrics::Gauge& shards;
  metrics::Histogram& sent_batch_duration;
};

}  // namespace osprey::remote
