// The PromQL evaluation engine (Prometheus 3.x semantics, float samples).
//
// It reads only through storage::Queryable. Range queries are evaluated step-wise: each
// selector walks its series' iterators once across all steps (a lookback cursor for
// instant selectors, a sliding window for range selectors), so raw samples are never all
// held at once.
//
//   promql::Engine engine({});
//   OSPREY_ASSIGN_OR_RETURN(promql::QueryResult r,
//       engine.Instant(storage, "sum by (job) (rate(http_requests_total[5m]))", now_ms));
//   // r.type == ValueType::kVector; r.vector holds the samples.
//
// Errors (Status codes, and how the HTTP API reports them):
//   kInvalidArgument    malformed query (parse error)            400 bad_data;
//                       from evaluation (bad function argument)  422 execution
//   kFailedPrecondition evaluation error (e.g. "vector cannot contain metrics with the
//                       same labelset", "found duplicate series for the match group")
//                                                                  422 execution
//   kResourceExhausted  --query.max-samples: "query processing would load too many
//                       samples into memory in query execution"  422 execution
//   kDeadlineExceeded   timeout: "query timed out in query execution"   503 timeout
//   kCancelled          "query was canceled in query execution"        503 canceled
//   others              storage errors                              500 internal
//
// Thread-safe: one Engine serves concurrent queries.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "model/sample.h"
#include "promql/ast.h"
#include "promql/parser.h"
#include "promql/value.h"
#include "storage/metrics.h"

namespace osprey::promql {

struct EngineOptions {
  // --query.lookback-delta: how far back an instant selector looks for a sample.
  int64_t lookback_delta_ms = 5 * 60 * 1000;
  // --query.max-samples: the most samples a query may hold in memory at once.
  int64_t max_samples = 50'000'000;
  // The step of a subquery that gives none (`x[10m:]`): Prometheus's global
  // evaluation_interval, 1m by default.
  int64_t default_subquery_step_ms = 60 * 1000;
  // What the parser accepts (experimental functions, duration expressions, ...).
  ParseOptions parse;
};

// Per-query settings.
struct QueryOptions {
  // Overrides EngineOptions::lookback_delta_ms when set (the API's lookback_delta).
  std::optional<int64_t> lookback_delta_ms;
  // Evaluation stops with kDeadlineExceeded once passed.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  // Evaluation stops with kCancelled once this becomes true.
  const std::atomic<bool>* cancelled = nullptr;
  // Or once this returns true (the HTTP client went away). Called from evaluation
  // threads every few dozen series or steps.
  std::function<bool()> client_gone;
};

// The stats Prometheus returns with stats=all.
struct QueryStats {
  int64_t total_queryable_samples = 0;  // samples read from storage
  int64_t peak_samples = 0;             // most samples held at once
  double parse_seconds = 0;
  double exec_seconds = 0;  // evaluation (includes storage reads)
};

struct QueryResult {
  // kScalar, kString, kVector or kMatrix. A range query always gives kMatrix.
  ValueType type = ValueType::kNone;
  model::Timestamp t = 0;  // of a scalar or string
  double scalar = 0;
  std::string string;
  Vector vector;  // in the order the query defines (sort, topk), else unspecified
  Matrix matrix;  // sorted by labels
  Annotations annotations;
  QueryStats stats;
};

class Engine {
 public:
  explicit Engine(EngineOptions options = {});

  const EngineOptions& options() const { return options_; }

  // Parses `query` with the engine's ParseOptions, then evaluates it at `t`.
  Result<QueryResult> Instant(storage::Queryable& storage, std::string_view query,
                              model::Timestamp t, const QueryOptions& qopts = {}) const;
  // Evaluates at start, start+step, ..., <= end. Requires step_ms > 0, start <= end.
  Result<QueryResult> Range(storage::Queryable& storage, std::string_view query,
                            model::Timestamp start, model::Timestamp end, int64_t step_ms,
                            const QueryOptions& qopts = {}) const;

  // The same for an already parsed tree. Duration expressions in it are resolved in place
  // for this query's step and range (harmless to evaluate the tree again later).
  Result<QueryResult> InstantExpr(storage::Queryable& storage, Expr& expr, model::Timestamp t,
                                  const QueryOptions& qopts = {}) const;
  Result<QueryResult> RangeExpr(storage::Queryable& storage, Expr& expr, model::Timestamp start,
                                model::Timestamp end, int64_t step_ms,
                                const QueryOptions& qopts = {}) const;

 private:
  EngineOptions options_;
};

}  // namespace osprey::promql
