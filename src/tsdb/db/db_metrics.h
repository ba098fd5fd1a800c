// The Db's own metrics (osprey_tsdb_*; the head and the WAL register theirs). Internal.
#pragma once

#include "metrics/registry.h"
#include "tsdb/db/db.h"

namespace osprey::tsdb {

struct Db::Metrics {
  explicit Metrics(metrics::Registry& r)
      : blocks_loaded(r.NewGauge("osprey_tsdb_blocks_loaded", "Persisted blocks served.")),
        blocks_bytes(r.NewGauge("osprey_tsdb_storage_blocks_bytes",
                                "Bytes of the index and data files of the blocks served.")),
        compactions(r.NewCounter("osprey_tsdb_compactions_total",
                                 "Blocks written from the head or by merging blocks.")),
        compactions_failed(r.NewCounter("osprey_tsdb_compactions_failed_total",
                                        "Block writes (head or merge) that failed.")),
        compaction_duration(r.NewHistogram("osprey_tsdb_compaction_duration_seconds",
                                           "Time taken to write a block (head or merge).",
                                           metrics::ExponentialBuckets(0.01, 4, 10))),
        time_retentions(r.NewCounter("osprey_tsdb_time_retentions_total",
                                     "Blocks deleted because they were older than the "
                                     "retention time.")),
        size_retentions(r.NewCounter("osprey_tsdb_size_retentions_total",
                                     "Blocks deleted because the storage exceeded the "
                                     "retention size.")),
        blocks_quarantined(r.NewCounter("osprey_tsdb_blocks_quarantined_total",
                                        "Damaged blocks moved to the quarantine directory.")),
        tombstone_cleanups(r.NewCounter("osprey_tsdb_tombstone_cleanups_total",
                                        "Blocks rewritten without their deleted samples.")) {}

  metrics::Gauge& blocks_loaded;
  metrics::Gauge& blocks_bytes;
  metrics::Counter& compactions;
  metrics::Counter& compactions_failed;
  metrics::Histogram& compaction_duration;
  metrics::Counter& time_retentions;
  metrics::Counter& size_retentions;
  metrics::Counter& blocks_quarantined;
  metrics::Counter& tombstone_cleanups;
};

}  // namespace osprey::tsdb
