// Realistic request bodies for tests and benchmarks: node_exporter-like series with 10
// labels each (about 230 bytes of labels per series). Test-only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/labels.h"

namespace osprey::ingest::internal {

// The label set of series `i` (distinct for distinct i), sorted.
model::Labels NodeExporterSeries(int i);

// A WriteRequest with `series` series of `samples_per_series` samples each, at t0_ms,
// t0_ms + 15000, ...; values follow the series index and the sample index.
std::string BuildNodeExporterWriteRequest(int series, int samples_per_series, int64_t t0_ms);

// The same series in the text exposition format, one sample each at `t_ms`, with HELP and
// TYPE lines per metric name.
std::string BuildNodeExporterText(int series, int64_t t_ms);

}  // namespace osprey::ingest::internal
