// The WAL's own metrics (osprey_tsdb_wal_*), registered once per Registry.
#pragma once

#include "metrics/registry.h"

namespace osprey::tsdb {

// References into a metrics::Registry; they live as long as it does. Thread-safe.
struct WalMetrics {
  explicit WalMetrics(metrics::Registry& registry);

  metrics::Histogram& fsync_duration;  // osprey_tsdb_wal_fsync_duration_seconds
  metrics::Counter& writes_failed;     // osprey_tsdb_wal_writes_failed_total
  metrics::Counter& page_flushes;      // osprey_tsdb_wal_page_flushes_total
  metrics::Counter& bytes_written;     // osprey_tsdb_wal_bytes_written_total
  metrics::Counter& records;           // osprey_tsdb_wal_records_total
  metrics::Counter& corruptions;       // osprey_tsdb_wal_corruptions_total
  metrics::Counter& segments_created;  // osprey_tsdb_wal_segments_created_total
  metrics::Counter& truncations;       // osprey_tsdb_wal_truncations_total
  metrics::Gauge& segment_current;     // osprey_tsdb_wal_segment_current
};

}  // namespace osprey::tsdb
