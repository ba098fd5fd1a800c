#include "tsdb/wal/wal_metrics.h"

namespace osprey::tsdb {

WalMetrics::WalMetrics(metrics::Registry& registry)
    : fsync_duration(registry.NewHistogram("osprey_tsdb_wal_fsync_duration_seconds",
                                           "Duration of WAL fsyncs.",
                                           metrics::ExponentialBuckets(0.0001, 2, 16))),
      writes_failed(registry.NewCounter("osprey_tsdb_wal_writes_failed_total",
                                        "WAL Log calls that failed (their records may be lost).")),
      page_flushes(registry.NewCounter("osprey_tsdb_wal_page_flushes_total",
                                       "Writes of buffered WAL pages to the segment file.")),
      bytes_written(registry.NewCounter("osprey_tsdb_wal_bytes_written_total",
                                        "Bytes written to WAL segments, framing included.")),
      records(registry.NewCounter("osprey_tsdb_wal_records_total", "Records logged to the WAL.")),
      corruptions(registry.NewCounter("osprey_tsdb_wal_corruptions_total",
                                      "WAL corruptions found and repaired.")),
      segments_created(registry.NewCounter("osprey_tsdb_wal_segments_created_total",
                                           "WAL segment files created.")),
      truncations(registry.NewCounter("osprey_tsdb_wal_truncations_total",
                                      "WAL truncations (segments deleted before a checkpoint).")),
      segment_current(registry.NewGauge("osprey_tsdb_wal_segment_current",
                                        "Index of the WAL segment being written.")) {}

}  // namespace osprey::tsdb
