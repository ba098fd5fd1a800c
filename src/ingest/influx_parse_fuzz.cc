// Fuzzes the InfluxDB line protocol parser and ingester. Checks, beyond memory safety: every
// view the parser hands out is readable, error positions lie inside the body, and the ingester
// accounts for every line the parser reports.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ingest/influx_ingester.h"
#include "ingest/influx_parser.h"
#include "ingest/internal/fake_appendable.h"
#include "metrics/registry.h"

namespace {

using osprey::ingest::InfluxFieldType;

class Toucher final : public osprey::ingest::InfluxVisitor {
 public:
  explicit Toucher(std::string_view body) : body_(body) {}
  void OnPoint(const osprey::ingest::InfluxPoint& p) override {
    if (p.measurement.empty() || p.fields.empty()) abort();
    Touch(p.measurement);
    Touch(p.series_text);
    for (const auto& t : p.tags) {
      if (t.key.empty() || t.value.empty()) abort();
      Touch(t.key);
      Touch(t.value);
    }
    for (const auto& f : p.fields) {
      if (f.key.empty()) abort();
      Touch(f.key);
      Touch(f.raw_key);
      if (f.type == InfluxFieldType::kBoolean && f.value != 0 && f.value != 1) abort();
    }
    ++points;
  }
  void OnError(const osprey::ingest::InfluxLineError& e) override {
    if (e.line < 1 || e.column < 1 || static_cast<size_t>(e.column) > body_.size() + 1) abort();
    Touch(e.reason);
    ++errors;
  }
  void Touch(std::string_view s) {
    for (char c : s) sum += static_cast<unsigned char>(c);
  }
  std::string_view body_;
  uint64_t sum = 0;
  int64_t points = 0;
  int64_t errors = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  osprey::ingest::InfluxParser parser;
  Toucher v(body);
  parser.Parse(body, osprey::ingest::InfluxPrecision::kNanosecond, v);

  osprey::metrics::Registry registry;
  osprey::ingest::IngestMetrics metrics(registry);
  osprey::ingest::internal::FakeAppendable storage;
  osprey::ingest::InfluxIngester ingester(storage, metrics, registry);
  auto r = ingester.Write(body, {.db = "fuzz", .now_ms = 1000});
  if (r.lines_accepted != v.points || r.lines_rejected != v.errors) abort();
  if (r.lines_rejected > 0 && r.first_line_error.empty()) abort();
  return 0;
}
