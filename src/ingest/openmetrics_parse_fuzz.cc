// Fuzzes the OpenMetrics parser, and the text parser on the same bytes through
// ExpositionParser. Checks, beyond memory safety: every view the parsers hand out (names,
// labels, help, unit, exemplars) is readable, errors are kInvalidArgument, and a body
// OpenMetrics accepts ends with "# EOF" (plus an optional newline).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ingest/exposition.h"
#include "ingest/openmetrics_parser.h"

namespace {

using osprey::OkStatus;
using osprey::Status;

class Toucher final : public osprey::ingest::TextVisitor {
 public:
  Status OnSample(const osprey::ingest::TextSample& s) override {
    Touch(s.metric_name);
    Touch(s.series_text);
    for (const auto& l : s.labels) {
      Touch(l.name);
      Touch(l.value);
    }
    if (s.exemplar != nullptr) {
      for (const auto& l : s.exemplar->labels) {
        Touch(l.name);
        Touch(l.value);
      }
    }
    if (s.metric_name.empty()) abort();
    return OkStatus();
  }
  Status OnHelp(std::string_view name, std::string_view help) override {
    Touch(name);
    Touch(help);
    return OkStatus();
  }
  Status OnUnit(std::string_view name, std::string_view unit) override {
    Touch(name);
    Touch(unit);
    return OkStatus();
  }
  Status OnDroppedExemplar(const Status& error) override {
    if (error.code() != osprey::StatusCode::kInvalidArgument) abort();
    return OkStatus();
  }
  void Touch(std::string_view s) {
    for (char c : s) sum += static_cast<unsigned char>(c);
  }
  uint64_t sum = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  osprey::ingest::OpenMetricsParser parser;
  Toucher v;
  const Status s = parser.Parse(body, v);
  if (!s.ok() && s.code() != osprey::StatusCode::kInvalidArgument) abort();
  if (s.ok() && !body.ends_with("# EOF") && !body.ends_with("# EOF\n")) abort();

  osprey::ingest::ExpositionParser exposition;
  Toucher t;
  const Status text = exposition.Parse(osprey::ingest::ExpositionFormat::kPrometheusText, body, t);
  if (!text.ok() && text.code() != osprey::StatusCode::kInvalidArgument) abort();
  return 0;
}
