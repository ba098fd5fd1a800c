// The ingestion counters on /metrics, shared by every receiver of the process (create one
// IngestMetrics per Registry: registering the names twice is a bug).
//
//   osprey_ingest_requests_total{protocol, outcome}           outcome: see RequestOutcomeName
//   osprey_ingest_samples_received_total{protocol}            accepted + rejected
//   osprey_ingest_samples_rejected_total{protocol, reason}    reason: see write_outcome.h
//   osprey_ingest_hint_cache_lookups_total{protocol, result}  result: "hit" or "miss"
#pragma once

#include <cstdint>
#include <string_view>

#include "ingest/write_outcome.h"
#include "metrics/registry.h"

namespace osprey::ingest {

// `protocol` label values.
inline constexpr std::string_view kProtocolRemoteWrite = "remote_write";
inline constexpr std::string_view kProtocolPrometheusText = "prometheus_text";

// Thread-safe. Each Record call costs a few mutex-guarded map lookups: call it once per
// request, not per sample.
class IngestMetrics {
 public:
  explicit IngestMetrics(metrics::Registry& registry);
  IngestMetrics(const IngestMetrics&) = delete;
  IngestMetrics& operator=(const IngestMetrics&) = delete;

  // A request whose body could not be decoded or parsed.
  void RecordMalformed(std::string_view protocol);
  // A decoded request and its outcome.
  void Record(std::string_view protocol, const WriteOutcome& outcome);
  void RecordHintCache(std::string_view protocol, int64_t hits, int64_t misses);

 private:
  metrics::Family<metrics::Counter>& requests_;
  metrics::Family<metrics::Counter>& samples_received_;
  metrics::Family<metrics::Counter>& samples_rejected_;
  metrics::Family<metrics::Counter>& hint_cache_lookups_;
};

}  // namespace osprey::ingest
