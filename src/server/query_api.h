// Prometheus's HTTP query API over promql::Engine (web/api/v1/api.go), GET or POST form:
//
//   /api/v1/query         query, time (default now), timeout, lookback_delta, limit, stats
//   /api/v1/query_range   query, start, end, step (duration or float seconds), and the same
//   /api/v1/format_query  query -> the prettified text
//   /api/v1/metadata      {} until scraping feeds metric metadata
//   /api/v1/query_exemplars  validates start, end and query, then [] (no exemplar storage)
//
// Errors use Prometheus's bodies, types and messages: bad parameters and parse errors 400
// bad_data (`invalid parameter "query": 1:6: parse error: ...`); evaluation errors and
// --query.max-samples 422 execution; timeouts 503 timeout (also when the wait for a
// --query.max-concurrency slot used the whole timeout: "query timed out in query queue");
// cancellation 499 canceled; storage errors 500 internal.
//
// Metrics: osprey_engine_queries (executing or waiting), osprey_engine_queries_concurrent_max,
// osprey_engine_query_duration_seconds{slice} (queue_time, prepare_time, inner_eval,
// result_sort), osprey_engine_queries_failed_total{reason} and
// osprey_engine_query_samples_total.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "http/request.h"
#include "http/response.h"
#include "http/router.h"
#include "metrics/registry.h"
#include "promql/engine.h"
#include "server/query_gate.h"
#include "storage/exemplars.h"
#include "storage/metrics.h"

namespace osprey::server {

struct QueryApiOptions {
  // --query.lookback-delta, --query.max-samples and parser settings.
  promql::EngineOptions engine;
  // --query.timeout: the most a query may take, queueing included. The `timeout` parameter
  // can only shorten it.
  int64_t timeout_ms = 2 * 60 * 1000;
  // --query.max-concurrency: queries evaluated at once; the rest wait.
  int max_concurrency = 20;
  // Answers /api/v1/query_exemplars; null: no exemplars are kept.
  const storage::ExemplarStore* exemplars = nullptr;
};

// Thread-safe: handlers run concurrently on the HTTP server's threads.
class QueryApi {
 public:
  // `queryable`, `clock` and `registry` must outlive the QueryApi. Registers the metrics.
  QueryApi(QueryApiOptions options, storage::Queryable& queryable, const Clock& clock,
           metrics::Registry& registry);
  ~QueryApi();
  QueryApi(const QueryApi&) = delete;
  QueryApi& operator=(const QueryApi&) = delete;

  // Registers the endpoints (GET and POST). The QueryApi must outlive the router's use.
  void RegisterRoutes(http::Router& router) const;

  http::Response Query(const http::Request& req) const;
  http::Response QueryRange(const http::Request& req) const;
  http::Response FormatQuery(const http::Request& req) const;
  http::Response QueryExemplars(const http::Request& req) const;

  const promql::Engine& engine() const { return engine_; }

 private:
  struct Metrics;
  struct Evaluation;
  // 400 bad_data, counted as a failed query.
  http::Response BadRequest(const Status& s) const;
  // The request's limit and client, read first as Prometheus validates them.
  Status BeginEvaluation(const http::Request& req, Evaluation& e) const;
  // The common parameters (timeout, lookback_delta, ...) and the parsed query, read after
  // the time parameters.
  Status ParseQuery(const http::Request& req, Evaluation& e) const;
  // Waits for a slot, evaluates with `eval`, records metrics and encodes the response.
  template <typename EvalFn>
  http::Response Execute(const Evaluation& e, EvalFn eval) const;

  const QueryApiOptions options_;
  const promql::Engine engine_;
  storage::Queryable& queryable_;
  const Clock& clock_;
  const std::unique_ptr<Metrics> metrics_;
  mutable QueryGate gate_;
};

// The API's error response for a failed evaluation of an already parsed query, as
// Prometheus answers errors of Query.Exec: kInvalidArgument (a bad function argument such as
// label_replace's regex), kFailedPrecondition and kResourceExhausted 422 execution;
// kDeadlineExceeded 503 timeout; kCancelled 499 canceled; anything else 500 internal.
// (Malformed queries never get here: the handlers parse first and answer 400 bad_data.)
http::Response QueryErrorResponse(const Status& status);

// Prometheus's parseDuration for API parameters: float seconds ("15", "0.5") or a
// Prometheus duration ("1m30s"), in nanoseconds. kInvalidArgument:
// `cannot parse "x" to a valid duration` (or `... It overflows int64`).
Result<int64_t> ParseApiDurationNanos(std::string_view text);

}  // namespace osprey::server
