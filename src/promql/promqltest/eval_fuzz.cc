// Fuzzes the engine: the input is a query; when it parses it is evaluated as an instant
// query and as a range query over a small fixed dataset with a small sample limit. Only
// crashes (and sanitizer reports) are findings; errors are expected outcomes.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "model/labels.h"
#include "model/sample.h"
#include "promql/engine.h"
#include "promql/parser.h"
#include "promql/promqltest/runner.h"
#include "storage/mem_storage.h"

namespace {

using osprey::model::Labels;

std::unique_ptr<osprey::storage::MemStorage> MakeDataset() {
  auto db = std::make_unique<osprey::storage::MemStorage>();
  auto app = db->NewAppender();
  const Labels series[] = {
      Labels::FromStrings({"__name__", "http_requests", "job", "api", "instance", "0"}),
      Labels::FromStrings({"__name__", "http_requests", "job", "api", "instance", "1"}),
      Labels::FromStrings({"__name__", "http_requests", "job", "web", "instance", "0"}),
      Labels::FromStrings({"__name__", "req_bucket", "le", "0.1"}),
      Labels::FromStrings({"__name__", "req_bucket", "le", "1"}),
      Labels::FromStrings({"__name__", "req_bucket", "le", "+Inf"}),
      Labels::FromStrings({"__name__", "gauge", "env", "prod"}),
      Labels::FromStrings({"__name__", "x"}),
  };
  for (size_t s = 0; s < std::size(series); ++s) {
    for (int i = 0; i <= 30; ++i) {
      double v = s < 6 ? static_cast<double>(i * (s + 1)) : (i % 7) - 3.5;
      if (s == 7 && i == 15) v = osprey::model::StaleNaN();
      if (s == 6 && i % 5 == 0) continue;  // gaps
      (void)app->Append(osprey::storage::kNoRef, series[s], {.t = i * 60'000, .v = v});
    }
  }
  (void)app->Commit();
  return db;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  static const auto* db = MakeDataset().release();
  static const auto* engine = [] {
    osprey::promql::EngineOptions o = osprey::promql::promqltest::TestEngineOptions();
    o.max_samples = 2'000;
    return new osprey::promql::Engine(o);
  }();
  std::string_view query(reinterpret_cast<const char*>(data), size);
  auto expr = osprey::promql::ParseExpr(query, engine->options().parse);
  if (!expr.ok()) return 0;
  auto& storage = const_cast<osprey::storage::MemStorage&>(*db);
  (void)engine->Instant(storage, query, 15 * 60'000);
  (void)engine->Range(storage, query, 0, 30 * 60'000, 60'000);
  (void)engine->Range(storage, query, -3'600'000, 3'600'000, 7 * 60'000 + 13);
  return 0;
}
