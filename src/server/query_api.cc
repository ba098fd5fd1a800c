// Parameter checks run in the order of Prometheus's handlers so that a request with several
// bad parameters gets the same error. The query is parsed before waiting for a concurrency
// slot (Prometheus parses after), so malformed queries never queue behind slow ones.
#include "server/query_api.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <limits>

#include "model/duration.h"
#include "promql/parser.h"
#include "promql/printer.h"
#include "server/api_params.h"
#include "server/query_json.h"

namespace osprey::server {
namespace {

using http::ErrorResponse;
using http::Request;
using http::Response;
using SteadyTime = std::chrono::steady_clock::time_point;

constexpr int64_t kMaxPointsPerSeries = 11000;

Response BadData(std::string_view message) { return ErrorResponse(400, "bad_data", message); }

// Concatenation without `"literal" + std::string`, which trips g++ 12's -Wrestrict.
std::string Cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) out.append(p);
  return out;
}

Status InvalidParam(std::string_view name, std::string_view message) {
  return InvalidArgumentError(Cat({"invalid parameter \"", name, "\": ", message}));
}

std::string_view ParamOrEmpty(const Request& req, std::string_view name) {
  return req.Param(name).value_or(std::string_view());
}

// Prometheus's parseLimitParam: "" is 0 (no limit); Go's strconv.Atoi errors otherwise.
Result<int64_t> ParseLimit(const Request& req) {
  std::string_view text = ParamOrEmpty(req, "limit");
  if (text.empty()) return int64_t{0};
  std::string_view digits = text;
  if (digits.size() > 1 && digits[0] == '+') digits.remove_prefix(1);
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec == std::errc::result_out_of_range) {
    return InvalidParam("limit", Cat({"strconv.Atoi: parsing \"", text, "\": value out of range"}));
  }
  if (ec != std::errc() || ptr != digits.data() + digits.size()) {
    return InvalidParam("limit", Cat({"strconv.Atoi: parsing \"", text, "\": invalid syntax"}));
  }
  if (v < 0) return InvalidParam("limit", "limit must be non-negative");
  return v;
}

// Prometheus's parseTimeParam, with its message.
Result<model::Timestamp> ParseOptionalTime(const Request& req, std::string_view name,
                                           model::Timestamp fallback) {
  std::string_view text = ParamOrEmpty(req, name);
  if (text.empty()) return fallback;
  Result<model::Timestamp> t = ParseTime(text);
  if (!t.ok()) {
    return InvalidParam(name, Cat({"invalid time value for '", name, "': ", t.status().message()}));
  }
  return t;
}

// A required time (query_range's start and end): "" is an error.
Result<model::Timestamp> ParseRequiredTime(const Request& req, std::string_view name) {
  Result<model::Timestamp> t = ParseTime(ParamOrEmpty(req, name));
  if (!t.ok()) return InvalidParam(name, t.status().message());
  return t;
}

// Go's ParseFloat accepts a leading '+', which std::from_chars does not.
bool ParseGoFloat(std::string_view text, double* out) {
  std::string_view s = text;
  if (s.size() > 1 && s[0] == '+' && s[1] != '-' && s[1] != '+') s.remove_prefix(1);
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size() && !s.empty();
}

int64_t NanosToMillis(int64_t ns) { return ns / 1'000'000; }

// The query options every evaluation shares: deadline and lookback delta.
struct CommonParams {
  SteadyTime deadline;
  std::optional<int64_t> lookback_delta_ms;
  bool include_stats = false;
};

Result<CommonParams> ParseCommonParams(const Request& req, int64_t timeout_ms) {
  CommonParams p;
  int64_t timeout_ns = timeout_ms * 1'000'000;
  if (std::string_view to = ParamOrEmpty(req, "timeout"); !to.empty()) {
    Result<int64_t> ns = ParseApiDurationNanos(to);
    if (!ns.ok()) return InvalidParam("timeout", ns.status().message());
    timeout_ns = std::min(timeout_ns, *ns);
  }
  p.deadline = std::chrono::steady_clock::now() + std::chrono::nanoseconds(timeout_ns);
  if (std::string_view ld = ParamOrEmpty(req, "lookback_delta"); !ld.empty()) {
    Result<int64_t> ns = ParseApiDurationNanos(ld);
    if (!ns.ok()) {
      return InvalidArgumentError(
          Cat({"error parsing lookback delta duration: ", ns.status().message()}));
    }
    // As Prometheus: zero or negative means the engine's default.
    if (NanosToMillis(*ns) > 0) p.lookback_delta_ms = NanosToMillis(*ns);
  }
  p.include_stats = !ParamOrEmpty(req, "stats").empty();
  return p;
}

double SecondsBetween(int64_t from_ns, int64_t to_ns) {
  return static_cast<double>(to_ns - from_ns) / 1e9;
}

// Why a query failed, as the osprey_engine_queries_failed_total label.
std::string_view FailureReason(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kFailedPrecondition:
      return "execution";
    case StatusCode::kResourceExhausted:
      return "too_many_samples";
    case StatusCode::kDeadlineExceeded:
      return "timeout";
    case StatusCode::kCancelled:
      return "canceled";
    default:
      return "internal";
  }
}

// Counts a query as executing or waiting while in scope.
class InFlight {
 public:
  explicit InFlight(metrics::Gauge& gauge) : gauge_(gauge) { gauge_.Inc(); }
  ~InFlight() { gauge_.Dec(); }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  metrics::Gauge& gauge_;
};

}  // namespace

Result<int64_t> ParseApiDurationNanos(std::string_view text) {
  double seconds = 0;
  if (ParseGoFloat(text, &seconds)) {
    double ns = seconds * 1e9;
    // 2^63 as a double; Go compares against float64(MaxInt64), which rounds to it.
    constexpr double kLimit = 9223372036854775808.0;
    if (ns > kLimit || ns < -kLimit) {
      return InvalidArgumentError(
          Cat({"cannot parse \"", text, "\" to a valid duration. It overflows int64"}));
    }
    if (std::isnan(ns)) return std::numeric_limits<int64_t>::min();  // Go's conversion on amd64
    if (ns >= kLimit) return std::numeric_limits<int64_t>::max();
    return static_cast<int64_t>(ns);
  }
  Result<model::Duration> d = model::ParseDuration(text);
  if (d.ok()) return d->ms * 1'000'000;
  return InvalidArgumentError(Cat({"cannot parse \"", text, "\" to a valid duration"}));
}

Response QueryErrorResponse(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kResourceExhausted:
      return ErrorResponse(422, "execution", status.message());
    case StatusCode::kDeadlineExceeded:
      return ErrorResponse(503, "timeout", status.message());
    case StatusCode::kCancelled:
      // Prometheus's statusClientClosedConnection.
      return ErrorResponse(499, "canceled", status.message());
    default:
      return ErrorResponse(500, "internal", status.message());
  }
}

struct QueryApi::Metrics {
  Metrics(metrics::Registry& r, int max_concurrency)
      : queries(r.NewGauge("osprey_engine_queries",
                           "The current number of queries being executed or waiting.")),
        concurrent_max(r.NewGauge("osprey_engine_queries_concurrent_max",
                                  "The max number of concurrent queries.")),
        duration(r.NewHistogramFamily("osprey_engine_query_duration_seconds",
                                      "Query timings, by part of the query.", {"slice"},
                                      {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 120})),
        queue_time(duration.WithLabels({"queue_time"})),
        prepare_time(duration.WithLabels({"prepare_time"})),
        inner_eval(duration.WithLabels({"inner_eval"})),
        result_sort(duration.WithLabels({"result_sort"})),
        failed(r.NewCounterFamily("osprey_engine_queries_failed_total",
                                  "Queries of the HTTP API that failed, by reason.", {"reason"})),
        samples(r.NewCounter("osprey_engine_query_samples_total",
                             "The total number of samples loaded by all queries.")) {
    concurrent_max.Set(max_concurrency);
    for (std::string_view reason :
         {"bad_data", "execution", "too_many_samples", "timeout", "canceled", "internal"}) {
      failed.WithLabels({reason});
    }
  }

  metrics::Gauge& queries;
  metrics::Gauge& concurrent_max;
  metrics::Family<metrics::Histogram>& duration;
  metrics::Histogram& queue_time;
  metrics::Histogram& prepare_time;
  metrics::Histogram& inner_eval;
  metrics::Histogram& result_sort;
  metrics::Family<metrics::Counter>& failed;
  metrics::Counter& samples;
};

// A parsed query and its settings, ready to evaluate.
struct QueryApi::Evaluation {
  std::string_view query;
  promql::ExprPtr expr;
  CommonParams common;
  int64_t limit = 0;
  double prepare_seconds = 0;
  std::function<bool()> client_gone;  // the request's: cancels the query
};

QueryApi::QueryApi(QueryApiOptions options, storage::Queryable& queryable, const Clock& clock,
                   metrics::Registry& registry)
    : options_(std::move(options)),
      engine_(options_.engine),
      queryable_(queryable),
      clock_(clock),
      metrics_(std::make_unique<Metrics>(registry, options_.max_concurrency)),
      gate_(options_.max_concurrency) {}

QueryApi::~QueryApi() = default;

void QueryApi::RegisterRoutes(http::Router& router) const {
  auto route = [&router, this](std::string_view path,
                               Response (QueryApi::*fn)(const Request&) const) {
    auto handler = [this, fn](const Request& req) { return (this->*fn)(req); };
    router.Handle("GET", path, handler);
    router.Handle("POST", path, handler);
  };
  route("/api/v1/query", &QueryApi::Query);
  route("/api/v1/query_range", &QueryApi::QueryRange);
  route("/api/v1/format_query", &QueryApi::FormatQuery);
  route("/api/v1/query_exemplars", &QueryApi::QueryExemplars);
}

template <typename EvalFn>
Response QueryApi::Execute(const Evaluation& e, EvalFn eval) const {
  InFlight in_flight(metrics_->queries);
  int64_t queued_ns = clock_.MonotonicNanos();
  if (!gate_.Acquire(e.common.deadline)) {
    metrics_->failed.WithLabels({"timeout"}).Inc();
    return ErrorResponse(503, "timeout", "query timed out in query queue");
  }
  QueryGate::Slot slot(gate_);
  // A free slot is taken even past the deadline; then the wait used up the whole timeout.
  if (std::chrono::steady_clock::now() >= e.common.deadline) {
    metrics_->failed.WithLabels({"timeout"}).Inc();
    return ErrorResponse(503, "timeout", "query timed out in query queue");
  }
  int64_t start_ns = clock_.MonotonicNanos();
  promql::QueryOptions qopts{.lookback_delta_ms = e.common.lookback_delta_ms,
                             .deadline = e.common.deadline,
                             .client_gone = e.client_gone};
  Result<promql::QueryResult> r = eval(qopts);
  int64_t evaluated_ns = clock_.MonotonicNanos();
  QueryTimings timings{.queue_seconds = SecondsBetween(queued_ns, start_ns),
                       .prepare_seconds = e.prepare_seconds,
                       .eval_seconds = SecondsBetween(start_ns, evaluated_ns)};
  metrics_->queue_time.Observe(timings.queue_seconds);
  metrics_->prepare_time.Observe(timings.prepare_seconds);
  metrics_->inner_eval.Observe(timings.eval_seconds);
  if (!r.ok()) {
    metrics_->failed.WithLabels({FailureReason(r.status().code())}).Inc();
    return QueryErrorResponse(r.status());
  }
  promql::QueryResult& result = *r;
  metrics_->samples.Inc(
      static_cast<double>(std::max<int64_t>(0, result.stats.total_queryable_samples)));

  // The engine sorts matrices by labels; this only guards the API's promise of it.
  auto by_labels = [](const promql::SeriesPoints& a, const promql::SeriesPoints& b) {
    return a.labels < b.labels;
  };
  if (!std::is_sorted(result.matrix.begin(), result.matrix.end(), by_labels)) {
    std::sort(result.matrix.begin(), result.matrix.end(), by_labels);
  }
  timings.sort_seconds = SecondsBetween(evaluated_ns, clock_.MonotonicNanos());
  metrics_->result_sort.Observe(timings.sort_seconds);

  QueryJsonOptions json{
      .query = e.query, .include_stats = e.common.include_stats, .timings = timings};
  size_t limit = static_cast<size_t>(e.limit);
  if (limit > 0 && (result.vector.size() > limit || result.matrix.size() > limit)) {
    if (result.vector.size() > limit) result.vector.resize(limit);
    if (result.matrix.size() > limit) result.matrix.resize(limit);
    json.extra_warnings.emplace_back("results truncated due to limit");
  }
  return Response::Json(QueryResultJson(result, json));
}

Response QueryApi::BadRequest(const Status& s) const {
  metrics_->failed.WithLabels({"bad_data"}).Inc();
  return BadData(s.message());
}

Status QueryApi::BeginEvaluation(const Request& req, Evaluation& e) const {
  e.client_gone = req.client_gone;
  OSPREY_ASSIGN_OR_RETURN(e.limit, ParseLimit(req));
  return OkStatus();
}

Status QueryApi::ParseQuery(const Request& req, Evaluation& e) const {
  OSPREY_ASSIGN_OR_RETURN(e.common, ParseCommonParams(req, options_.timeout_ms));
  e.query = ParamOrEmpty(req, "query");
  int64_t parse_start = clock_.MonotonicNanos();
  Result<promql::ExprPtr> expr = promql::ParseExpr(e.query, engine_.options().parse);
  if (!expr.ok()) return InvalidParam("query", expr.status().message());
  e.expr = std::move(expr).value();
  e.prepare_seconds = SecondsBetween(parse_start, clock_.MonotonicNanos());
  return OkStatus();
}

Response QueryApi::Query(const Request& req) const {
  Evaluation e;
  if (Status s = BeginEvaluation(req, e); !s.ok()) return BadRequest(s);
  Result<model::Timestamp> t = ParseOptionalTime(req, "time", clock_.NowMillis());
  if (!t.ok()) return BadRequest(t.status());
  if (Status s = ParseQuery(req, e); !s.ok()) return BadRequest(s);

  return Execute(e, [&](const promql::QueryOptions& qopts) {
    return engine_.InstantExpr(queryable_, *e.expr, *t, qopts);
  });
}

Response QueryApi::QueryRange(const Request& req) const {
  Evaluation e;
  if (Status s = BeginEvaluation(req, e); !s.ok()) return BadRequest(s);
  Result<model::Timestamp> start = ParseRequiredTime(req, "start");
  if (!start.ok()) return BadRequest(start.status());
  Result<model::Timestamp> end = ParseRequiredTime(req, "end");
  if (!end.ok()) return BadRequest(end.status());
  if (*end < *start) {
    return BadRequest(InvalidParam("end", "end timestamp must not be before start time"));
  }

  Result<int64_t> step_ns = ParseApiDurationNanos(ParamOrEmpty(req, "step"));
  if (!step_ns.ok()) return BadRequest(InvalidParam("step", step_ns.status().message()));
  // A step below 1ms is zero at the engine's millisecond resolution.
  int64_t step_ms = NanosToMillis(*step_ns);
  if (*step_ns <= 0 || step_ms <= 0) {
    return BadRequest(InvalidParam("step",
                                   "zero or negative query resolution step widths are not "
                                   "accepted. Try a positive integer"));
  }
  // Go's end.Sub(start) saturates at the int64 nanosecond range; so does this.
  __int128 range_ns = static_cast<__int128>(*end - *start) * 1'000'000;
  range_ns = std::min<__int128>(range_ns, std::numeric_limits<int64_t>::max());
  if (range_ns / *step_ns > kMaxPointsPerSeries) {
    return BadRequest(InvalidArgumentError(
        "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the "
        "query resolution (?step=XX)"));
  }
  if (Status s = ParseQuery(req, e); !s.ok()) return BadRequest(s);
  promql::ValueType type = e.expr->type();
  if (type != promql::ValueType::kVector && type != promql::ValueType::kScalar) {
    return BadRequest(
        InvalidParam("query", Cat({"invalid expression type \"", promql::DocumentedType(type),
                                   "\" for range query, must be Scalar or instant Vector"})));
  }

  return Execute(e, [&](const promql::QueryOptions& qopts) {
    return engine_.RangeExpr(queryable_, *e.expr, *start, *end, step_ms, qopts);
  });
}

Response QueryApi::FormatQuery(const Request& req) const {
  Result<promql::ExprPtr> expr =
      promql::ParseExpr(ParamOrEmpty(req, "query"), engine_.options().parse);
  if (!expr.ok()) return BadData(InvalidParam("query", expr.status().message()).message());
  std::string out = R"({"status":"success","data":)";
  http::AppendJsonString(out, promql::Prettify(**expr));
  out += '}';
  return Response::Json(std::move(out));
}

namespace {

// The matchers of every vector selector in `e`.
void CollectSelectors(const promql::Expr& e, std::vector<std::vector<model::Matcher>>& out) {
  using promql::ExprKind;
  switch (e.kind()) {
    case ExprKind::kVectorSelector:
      out.push_back(e.As<promql::VectorSelector>().matchers);
      return;
    case ExprKind::kMatrixSelector:
      CollectSelectors(*e.As<promql::MatrixSelector>().selector, out);
      return;
    case ExprKind::kSubquery:
      CollectSelectors(*e.As<promql::SubqueryExpr>().expr, out);
      return;
    case ExprKind::kParen:
      CollectSelectors(*e.As<promql::ParenExpr>().expr, out);
      return;
    case ExprKind::kUnary:
      CollectSelectors(*e.As<promql::UnaryExpr>().expr, out);
      return;
    case ExprKind::kBinary:
      CollectSelectors(*e.As<promql::BinaryExpr>().lhs, out);
      CollectSelectors(*e.As<promql::BinaryExpr>().rhs, out);
      return;
    case ExprKind::kAggregate: {
      const auto& a = e.As<promql::AggregateExpr>();
      CollectSelectors(*a.expr, out);
      if (a.param != nullptr) CollectSelectors(*a.param, out);
      return;
    }
    case ExprKind::kCall:
      for (const promql::ExprPtr& arg : e.As<promql::Call>().args) CollectSelectors(*arg, out);
      return;
    default:
      return;
  }
}

}  // namespace

Response QueryApi::QueryExemplars(const Request& req) const {
  Result<model::Timestamp> start = ParseOptionalTime(req, "start", kApiMinTime);
  if (!start.ok()) return BadData(start.status().message());
  Result<model::Timestamp> end = ParseOptionalTime(req, "end", kApiMaxTime);
  if (!end.ok()) return BadData(end.status().message());
  if (*end < *start) return BadData("end timestamp must not be before start timestamp");
  Result<promql::ExprPtr> expr =
      promql::ParseExpr(ParamOrEmpty(req, "query"), engine_.options().parse);
  if (!expr.ok()) return BadData(expr.status().message());
  if (options_.exemplars == nullptr) return Response::Json(R"({"status":"success","data":[]})");
  // Exemplars of the series any selector of the query selects, as Prometheus does.
  std::vector<std::vector<model::Matcher>> selectors;
  CollectSelectors(**expr, selectors);
  std::vector<storage::SeriesExemplars> found =
      options_.exemplars->Select({*start, *end}, selectors);
  std::string out = R"({"status":"success","data":[)";
  for (size_t i = 0; i < found.size(); ++i) {
    if (i > 0) out += ',';
    out += R"({"seriesLabels":)";
    AppendLabelsJson(out, found[i].series);
    out += R"(,"exemplars":[)";
    for (size_t j = 0; j < found[i].exemplars.size(); ++j) {
      const storage::Exemplar& e = found[i].exemplars[j];
      if (j > 0) out += ',';
      out += R"({"labels":)";
      AppendLabelsJson(out, e.labels);
      out += R"(,"value":)";
      AppendApiFloat(out, e.value);  // quoted, as sample values
      out += R"(,"timestamp":)";
      AppendApiTimestamp(out, e.t);
      out += '}';
    }
    out += "]}";
  }
  out += "]}";
  return Response::Json(std::move(out));
}

}  // namespace osprey::server
