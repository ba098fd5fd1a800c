// The head's own metrics (osprey_tsdb_head_*). Internal to the head.
#pragma once

#include "metrics/registry.h"
#include "tsdb/head/head.h"

namespace osprey::tsdb {

struct Head::Metrics {
  explicit Metrics(metrics::Registry& r)
      : series_created(
            r.NewCounter("osprey_tsdb_head_series_created_total", "Series created in the head.")),
        samples_appended(r.NewCounter("osprey_tsdb_head_samples_appended_total",
                                      "Samples appended to the head.")),
        ooo_samples_appended(r.NewCounter("osprey_tsdb_head_out_of_order_samples_appended_total",
                                          "Samples accepted inside the out-of-order window.")),
        samples_rejected(r.NewCounterFamily("osprey_tsdb_head_samples_rejected_total",
                                            "Samples the head rejected, by reason.", {"reason"})),
        chunks_created(r.NewCounter("osprey_tsdb_head_chunks_created_total",
                                    "Head chunks completed and written to chunks_head.")),
        chunk_write_failures(r.NewCounter("osprey_tsdb_head_chunk_write_failures_total",
                                          "Failed writes of completed chunks to chunks_head.")),
        chunk_corruptions(r.NewCounter("osprey_tsdb_head_chunk_corruptions_total",
                                       "Damaged chunks_head segment tails truncated at start-up.")),
        replay_unknown_refs(r.NewCounter("osprey_tsdb_wal_replay_unknown_refs_total",
                                         "WAL samples for series the WAL never defined.")),
        replay_duration(r.NewGauge("osprey_tsdb_data_replay_duration_seconds",
                                   "Time taken to replay the head's chunks and WAL.")),
        commit_failures(r.NewCounter("osprey_tsdb_head_commit_failures_total",
                                     "Appender commits that failed to write the WAL.")),
        series_removed(r.NewCounter("osprey_tsdb_head_series_removed_total",
                                    "Series removed from the head by truncation.")),
        truncations(r.NewCounter("osprey_tsdb_head_truncations_total",
                                 "Head truncations after a block was persisted.")),
        truncations_failed(r.NewCounter("osprey_tsdb_head_truncations_failed_total",
                                        "Head truncations that failed.")),
        checkpoints(r.NewCounter("osprey_tsdb_checkpoint_creations_total",
                                 "WAL checkpoints written at head truncation.")),
        checkpoints_failed(r.NewCounter("osprey_tsdb_checkpoint_creations_failed_total",
                                        "WAL checkpoints that failed.")),
        series(r.NewGauge("osprey_tsdb_head_series", "Series in the head.")),
        chunks(r.NewGauge("osprey_tsdb_head_chunks", "Completed chunks held by the head.")),
        min_time(r.NewGauge("osprey_tsdb_head_min_time",
                            "Lowest timestamp in the head, in milliseconds.")),
        max_time(r.NewGauge("osprey_tsdb_head_max_time",
                            "Highest timestamp in the head, in milliseconds.")) {}

  metrics::Counter& series_created;
  metrics::Counter& samples_appended;
  metrics::Counter& ooo_samples_appended;
  metrics::Family<metrics::Counter>& samples_rejected;
  metrics::Counter& chunks_created;
  metrics::Counter& chunk_write_failures;
  metrics::Counter& chunk_corruptions;
  metrics::Counter& replay_unknown_refs;
  metrics::Gauge& replay_duration;
  metrics::Counter& commit_failures;
  metrics::Counter& series_removed;
  metrics::Counter& truncations;
  metrics::Counter& truncations_failed;
  metrics::Counter& checkpoints;
  metrics::Counter& checkpoints_failed;
  metrics::Gauge& series;
  metrics::Gauge& chunks;
  metrics::Gauge& min_time;
  metrics::Gauge& max_time;
};

}  // namespace osprey::tsdb
