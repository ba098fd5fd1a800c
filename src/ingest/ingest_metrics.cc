#include "ingest/ingest_metrics.h"

namespace osprey::ingest {

IngestMetrics::IngestMetrics(metrics::Registry& registry)
    : requests_(registry.NewCounterFamily("osprey_ingest_requests_total",
                                          "Write requests received, by protocol and outcome.",
                                          {"protocol", "outcome"})),
      samples_received_(registry.NewCounterFamily(
          "osprey_ingest_samples_received_total",
          "Samples in decoded write requests (accepted and rejected).", {"protocol"})),
      samples_rejected_(registry.NewCounterFamily("osprey_ingest_samples_rejected_total",
                                                  "Samples not stored, by protocol and reason.",
                                                  {"protocol", "reason"})),
      hint_cache_lookups_(registry.NewCounterFamily(
          "osprey_ingest_hint_cache_lookups_total",
          "Series reference cache lookups by the ingesters, by result (hit, miss).",
          {"protocol", "result"})) {}

void IngestMetrics::RecordMalformed(std::string_view protocol) {
  requests_.WithLabels({protocol, RequestOutcomeName(RequestOutcome::kMalformed)}).Inc();
}

void IngestMetrics::Record(std::string_view protocol, const WriteOutcome& outcome) {
  requests_.WithLabels({protocol, RequestOutcomeName(outcome.Classify())}).Inc();
  const int64_t received = outcome.samples_accepted + outcome.samples_rejected;
  if (received > 0) samples_received_.WithLabels({protocol}).Inc(static_cast<double>(received));
  for (const auto& [reason, n] : outcome.rejected_by_reason) {
    samples_rejected_.WithLabels({protocol, reason}).Inc(static_cast<double>(n));
  }
}

void IngestMetrics::RecordHintCache(std::string_view protocol, int64_t hits, int64_t misses) {
  if (hits > 0) hint_cache_lookups_.WithLabels({protocol, "hit"}).Inc(static_cast<double>(hits));
  if (misses > 0) {
    hint_cache_lookups_.WithLabels({protocol, "miss"}).Inc(static_cast<double>(misses));
  }
}

}  // namespace osprey::ingest
