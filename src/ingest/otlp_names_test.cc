#include "ingest/otlp_names.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace osprey::ingest {
namespace {

struct MetricNameCase {
  std::string name;
  std::string unit;
  OtlpNameType type;
  std::string want;  // "" means an error
};

TEST(OtlpMetricNameTest, NormalisesAsPrometheus) {
  using T = OtlpNameType;
  const MetricNameCase cases[] = {
      {"simple_metric", "", T::kGauge, "simple_metric"},
      {"metric@with#special$chars", "", T::kGauge, "metric_with_special_chars"},
      {"metric@@##$$name", "", T::kGauge, "metric_name"},
      {"123metric", "", T::kGauge, "_123metric"},
      {"http.server.duration", "s", T::kHistogram, "http_server_duration_seconds"},
      {"http.server.request.size", "By", T::kSummary, "http_server_request_size_bytes"},
      {"system.network.io", "By", T::kMonotonicCounter, "system_network_io_bytes_total"},
      {"requests", "", T::kMonotonicCounter, "requests_total"},
      {"requests_total", "", T::kMonotonicCounter, "requests_total"},
      {"total.requests", "", T::kMonotonicCounter, "requests_total"},
      {"queue.size", "", T::kNonMonotonicCounter, "queue_size"},
      {"cpu_usage", "1", T::kGauge, "cpu_usage_ratio"},
      {"cpu_usage_ratio", "1", T::kGauge, "cpu_usage_ratio"},
      {"items", "1", T::kMonotonicCounter, "items_total"},
      {"response_time", "ms", T::kGauge, "response_time_milliseconds"},
      {"response_time_seconds", "s", T::kGauge, "response_time_seconds"},
      {"memory_usage", "By", T::kGauge, "memory_usage_bytes"},
      {"memory", "KiBy", T::kGauge, "memory_kibibytes"},
      {"requests", "1/s", T::kGauge, "requests_per_second"},
      {"throughput", "By/s", T::kGauge, "throughput_bytes_per_second"},
      {"requests", "1/s", T::kMonotonicCounter, "requests_per_second_total"},
      {"custom_metric", "custom_unit", T::kGauge, "custom_metric_custom_unit"},
      {"custom_metric", "{custom}", T::kGauge, "custom_metric"},
      {"custom_metric", "By/{custom}", T::kGauge, "custom_metric_bytes"},
      {"packets", "{packets}/s", T::kGauge, "packets_per_second"},
      {"cpu_seconds_total", "s", T::kMonotonicCounter, "cpu_seconds_total"},
      {"otelcol_process_cpu_seconds", "s", T::kMonotonicCounter,
       "otelcol_process_cpu_seconds_total"},
      {"temperature", "Cel", T::kGauge, "temperature_celsius"},
      {"disk.usage", "%", T::kGauge, "disk_usage_percent"},
      {"rate", "m/h", T::kGauge, "rate_meters_per_hour"},
      {"odd", " s ", T::kGauge, "odd_seconds"},
      {"odd", "foo-bar", T::kGauge, "odd_foo_bar"},
      {"ns:metric", "", T::kGauge, "ns:metric"},
      {"élan", "", T::kGauge, "lan"},
      {"", "", T::kGauge, ""},
      {"@#$%", "", T::kGauge, ""},
      {"__", "", T::kGauge, ""},
  };
  for (const MetricNameCase& c : cases) {
    SCOPED_TRACE(c.name + " unit=" + c.unit);
    Result<std::string> got = OtlpMetricName(c.name, c.unit, c.type);
    if (c.want.empty()) {
      EXPECT_FALSE(got.ok()) << *got;
      if (!got.ok()) {
        EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
      }
    } else {
      ASSERT_TRUE(got.ok()) << got.status().ToString();
      EXPECT_EQ(*got, c.want);
    }
  }
}

TEST(OtlpLabelNameTest, SanitisesAsPrometheus) {
  const std::pair<std::string, std::string> cases[] = {
      {"http.method", "http_method"},
      {"valid_name", "valid_name"},
      {"a..b", "a__b"},  // consecutive underscores are kept (Prometheus's default)
      {"_private", "key_private"},
      {"__reserved__", "__reserved__"},
      {"0day", "key_0day"},
      {"host-name", "host_name"},
      {"ünïcode", "key_n_code"},  // one "_" per character; the leading "_" gets "key"
      {"k8s.pod.name", "k8s_pod_name"},
  };
  for (const auto& [in, want] : cases) {
    SCOPED_TRACE(in);
    Result<std::string> got = OtlpLabelName(in);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, want);
  }
  EXPECT_FALSE(OtlpLabelName("").ok());
  EXPECT_FALSE(OtlpLabelName("___").ok());
  EXPECT_FALSE(OtlpLabelName("...").ok());
}

TEST(OtlpLabelNameTest, InvalidUtf8BytesBecomeOneUnderscoreEach) {
  Result<std::string> got = OtlpLabelName(std::string("a\xff\xfe", 3));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, "a__");
}

TEST(FormatOtlpFloatTest, ShortestFixedNotation) {
  EXPECT_EQ(FormatOtlpFloat(0.005), "0.005");
  EXPECT_EQ(FormatOtlpFloat(1), "1");
  EXPECT_EQ(FormatOtlpFloat(250), "250");
  EXPECT_EQ(FormatOtlpFloat(1e-10), "0.0000000001");
  EXPECT_EQ(FormatOtlpFloat(1e21), "1000000000000000000000");
  EXPECT_EQ(FormatOtlpFloat(-2.5), "-2.5");
  EXPECT_EQ(FormatOtlpFloat(0.99), "0.99");
  EXPECT_EQ(FormatOtlpFloat(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatOtlpFloat(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatOtlpFloat(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

}  // namespace
}  // namespace osprey::ingest
