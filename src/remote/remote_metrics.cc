#include "remote/remote_metrics.h"

namespace osprey::remote {

RemoteMetricFamilies::RemoteMetricFamilies(metrics::Registry& r)
    : samples(r.NewCounterFamily("osprey_remote_storage_samples_total",
                                 "Samples sent to remote storage and acknowledged.",
                                 {"remote_name", "url"})),
      samples_failed(r.NewCounterFamily(
          "osprey_remote_storage_samples_failed_total",
          "Samples the remote rejected with a non-retryable error (4xx); they are not resent.",
          {"remote_name", "url"})),
      samples_retried(r.NewCounterFamily(
          "osprey_remote_storage_samples_retried_total",
          "Samples in sends that failed with a retryable error (5xx, 429, network) and were "
          "retried.",
          {"remote_name", "url"})),
      samples_dropped(r.NewCounterFamily(
          "osprey_remote_storage_samples_dropped_total",
          "Samples read from the WAL and not sent: relabel (write_relabel_configs), "
          "unknown_series, backlog (the WAL backlog cap was hit), corrupt_wal.",
          {"remote_name", "url", "reason"})),
      bytes(r.NewCounterFamily("osprey_remote_storage_bytes_total",
                               "Compressed bytes of the requests sent.", {"remote_name", "url"})),
      samples_pending(r.NewGaugeFamily("osprey_remote_storage_samples_pending",
                                       "Samples read from the WAL and queued or in flight.",
                                       {"remote_name", "url"})),
      highest_sent_timestamp(r.NewGaugeFamily(
          "osprey_remote_storage_queue_highest_sent_timestamp_seconds",
          "Highest timestamp of a sample the remote acknowledged.", {"remote_name", "url"})),
      highest_timestamp(r.NewGaugeFamily("osprey_remote_storage_highest_timestamp_in_seconds",
                                         "Highest timestamp read from the WAL for this queue.",
                                         {"remote_name", "url"})),
      shards(r.NewGaugeFamily("osprey_remote_storage_shards", "Shards sending in parallel.",
                              {"remote_name", "url"})),
      sent_batch_duration(
          r.NewHistogramFamily("osprey_remote_storage_sent_batch_duration_seconds",
                               "Duration of send attempts of a batch to the remote.",
                               {"remote_name", "url"}, metrics::DefaultBuckets())) {}

QueueMetrics::QueueMetrics(RemoteMetricFamilies& f, const std::string& name, const std::string& url)
    : samples(f.samples.WithLabels({name, url})),
      samples_failed(f.samples_failed.WithLabels({name, url})),
      samples_retried(f.samples_retried.WithLabels({name, url})),
      dropped_relabel(f.samples_dropped.WithLabels({name, url, "relabel"})),
      dropped_unknown(f.samples_dropped.WithLabels({name, url, "unknown_series"})),
      dropped_backlog(f.samples_dropped.WithLabels({name, url, "backlog"})),
      dropped_corrupt(f.samples_dropped.WithLabels({name, url, "corrupt_wal"})),
      bytes(f.bytes.WithLabels({name, url})),
      samples_pending(f.samples_pending.WithLabels({name, url})),
      highest_sent_timestamp(f.highest_sent_timestamp.WithLabels({name, url})),
      highest_timestamp(f.highest_timestamp.WithLabels({name, url})),
      shards(f.shards.WithLabels({name, url})),
      sent_batch_duration(f.sent_batch_duration.WithLabels({name, url})) {}

}  // namespace osprey::remote
