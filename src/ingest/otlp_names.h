// Metric and label names for OTLP data, as Prometheus's OTLP receiver builds them with its
// default translation strategy (UnderscoreEscapingWithSuffixes; github.com/prometheus/
// otlptranslator MetricNamer, UnitNamer and LabelNamer, with label_name_underscore_sanitization
// and label_name_preserve_multiple_underscores on, as Prometheus's defaults).
//
// Metric names: the name is split into tokens at every character outside [a-zA-Z0-9:]; the unit
// adds suffix tokens ("s" -> "seconds", "By" -> "bytes", "1" -> none, "{packets}" -> none,
// "By/s" -> "bytes_per_second", unknown units as they are, cleaned of invalid characters)
// unless the name already has them; monotonic sums get "total" last; gauges with unit "1" get
// "ratio" last; the tokens are joined with "_" and a leading digit gets a "_" prefix.
//
//   OtlpMetricName("http.server.duration", "s", kHistogram) == "http_server_duration_seconds"
//   OtlpMetricName("system.network.io", "By", kMonotonicCounter) == "system_network_io_bytes_total"
//   OtlpMetricName("cpu.utilization", "1", kGauge) == "cpu_utilization_ratio"
//
// Label names: every character outside [a-zA-Z0-9_] (each UTF-8 sequence or invalid byte)
// becomes "_"; a leading digit gets "key_", a single leading "_" gets "key".
//
//   OtlpLabelName("http.method") == "http_method";  OtlpLabelName("_x") == "key_x"
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace osprey::ingest {

enum class OtlpNameType {
  kGauge,
  kMonotonicCounter,
  kNonMonotonicCounter,
  kHistogram,
  kExponentialHistogram,
  kSummary,
};

// kInvalidArgument when the result would be empty or only underscores.
Result<std::string> OtlpMetricName(std::string_view name, std::string_view unit, OtlpNameType type);

// kInvalidArgument for an empty name or one that becomes only underscores.
Result<std::string> OtlpLabelName(std::string_view name);

// A float as Go's strconv.FormatFloat(v, 'f', -1, 64): the shortest decimal that round-trips,
// never in exponent form ("0.005", "1e-10" -> "0.0000000001"), "+Inf", "-Inf", "NaN". How
// Prometheus writes the `le` and `quantile` labels of translated OTLP data.
std::string FormatOtlpFloat(double v);

}  // namespace osprey::ingest
