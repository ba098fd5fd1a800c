// The order of checks follows upstream's execInstantEval/runInstantQuery: the query as
// written first, then each @ variant; each instant evaluation is followed by its range-mode
// re-run. An expected failure must fail in every variant and is not re-run in range mode.
#include "promql/promqltest/runner.h"

#include <algorithm>
#include <utility>
#include <variant>

#include "promql/parser.h"
#include "promql/printer.h"
#include "promql/promqltest/ast_checks.h"
#include "promql/promqltest/compare.h"
#include "promql/promqltest/str_cat.h"
#include "storage/mem_storage.h"

namespace osprey::promql::promqltest {
namespace {

constexpr int64_t kMinute = 60 * 1000;

std::optional<std::string> WithValues(const Mismatch& m, const EvalCmd& cmd,
                                      const QueryResult& got) {
  if (!m) return std::nullopt;
  return Cat(*m, "\n  expected: ", DescribeExpected(cmd), "\n  got: ", DescribeResult(got));
}

// One instant evaluation against the command's expectations.
std::optional<std::string> CheckInstant(const EvalCmd& cmd, const Result<QueryResult>& r) {
  if (!r.ok()) {
    if (cmd.IsFail()) return CheckExpectedFailure(cmd, r.status().message());
    return Cat("unexpected error: ", r.status().message());
  }
  if (cmd.IsFail()) return Cat("expected an error, got: ", DescribeResult(*r));
  if (Mismatch m = CheckAnnotations(cmd, r->annotations.Warnings(), r->annotations.Infos())) {
    return m;
  }
  return WithValues(CompareResult(cmd, *r), cmd, *r);
}

// The range-mode re-run of an instant query evaluated at `t`: its point at `t` must match.
std::optional<std::string> CheckRangeMode(const EvalCmd& cmd, const QueryResult& instant,
                                          const Result<QueryResult>& r, int64_t t) {
  if (!r.ok()) return Cat("range mode: unexpected error: ", r.status().message());
  // Range results are always sorted by labels, so an order cannot be checked.
  if (cmd.IsOrdered()) return std::nullopt;
  if (r->type != ValueType::kMatrix) {
    return Cat("range mode: expected a matrix, got ", ValueTypeName(r->type));
  }
  for (size_t i = 1; i < r->matrix.size(); ++i) {
    if (r->matrix[i].labels < r->matrix[i - 1].labels) {
      return std::string("range mode: matrix is not sorted by labels");
    }
  }
  QueryResult at_t;
  at_t.type = ValueType::kVector;
  for (const SeriesPoints& s : r->matrix) {
    auto it =
        std::find_if(s.points.begin(), s.points.end(), [t](const FPoint& p) { return p.t == t; });
    if (it != s.points.end()) at_t.vector.push_back({s.labels, t, it->v});
  }
  if (instant.type == ValueType::kScalar) {
    if (at_t.vector.empty()) return Cat("range mode: no point at ", std::to_string(t));
    at_t.type = ValueType::kScalar;
    at_t.scalar = at_t.vector[0].v;
  }
  if (std::optional<std::string> m = WithValues(CompareResult(cmd, at_t), cmd, at_t)) {
    return Cat("range mode: ", *m);
  }
  return std::nullopt;
}

// The label sets a load block gives native histogram values: series written with `{{...}}`
// values and, for load_with_nhcb, the series converted from classic histograms (name
// without its _bucket/_count/_sum suffix, no `le`).
void AddHistogramSeries(const LoadCmd& load, std::vector<model::Labels>& out) {
  for (const SeriesLine& s : load.series) {
    if (std::any_of(s.values.begin(), s.values.end(), [](const SequenceValue& v) {
          return v.kind == SequenceValue::Kind::kHistogram;
        })) {
      out.push_back(s.labels);
    }
    if (!load.with_nhcb) continue;
    std::string_view name = s.labels.MetricName();
    for (std::string_view suffix : {"_bucket", "_count", "_sum"}) {
      if (name.size() > suffix.size() && name.ends_with(suffix)) {
        out.push_back(model::LabelsBuilder(s.labels)
                          .Set(model::kMetricName, name.substr(0, name.size() - suffix.size()))
                          .Del("le")
                          .Build());
        break;
      }
    }
  }
}

bool NeedsNativeHistograms(const EvalCmd& cmd, const std::vector<model::Labels>& hist_series,
                           const ParseOptions& parse) {
  if (cmd.ExpectsHistograms()) return true;
  if (hist_series.empty()) return false;
  Result<ExprPtr> expr = ParseExpr(cmd.query, parse);
  return expr.ok() && SelectsAnyOf(**expr, hist_series);
}

}  // namespace

int FileResult::Count(Outcome o) const {
  return static_cast<int>(std::count_if(cases.begin(), cases.end(),
                                        [o](const CaseResult& c) { return c.outcome == o; }));
}

EngineOptions TestEngineOptions() {
  EngineOptions o;
  o.lookback_delta_ms = 5 * kMinute;
  o.max_samples = 10'000;
  o.default_subquery_step_ms = kMinute;
  o.parse = ParseOptions{.experimental_functions = true,
                         .duration_expressions = true,
                         .extended_range_selectors = true,
                         .fill_modifiers = true};
  return o;
}

Runner::Runner(RunnerOptions options, EngineOptions engine)
    : options_(std::move(options)), engine_(std::move(engine)) {}

std::optional<std::string> Runner::RunEval(storage::Queryable& db, const EvalCmd& cmd) const {
  return cmd.is_range ? RunRange(db, cmd) : RunInstant(db, cmd);
}

std::optional<std::string> Runner::RunRange(storage::Queryable& db, const EvalCmd& cmd) const {
  Result<QueryResult> r = engine_.Range(db, cmd.query, cmd.start_ms, cmd.end_ms, cmd.step_ms);
  if (!r.ok()) {
    if (cmd.IsFail()) return CheckExpectedFailure(cmd, r.status().message());
    return Cat("unexpected error: ", r.status().message());
  }
  if (cmd.IsFail()) return Cat("expected an error, got: ", DescribeResult(*r));
  if (Mismatch m = CheckAnnotations(cmd, r->annotations.Warnings(), r->annotations.Infos())) {
    return m;
  }
  return WithValues(CompareResult(cmd, *r), cmd, *r);
}

std::optional<std::string> Runner::RunInstant(storage::Queryable& db, const EvalCmd& cmd) const {
  const int64_t t = cmd.eval_ms;
  Result<QueryResult> r = engine_.Instant(db, cmd.query, t);
  if (std::optional<std::string> m = CheckInstant(cmd, r)) return m;
  const bool range_mode =
      options_.check_range_mode && !cmd.IsFail() && !cmd.exclude_from_range_query;
  if (range_mode && !UsesQueryContextFunction(cmd.query)) {
    Result<QueryResult> rr = engine_.Range(db, cmd.query, t - kMinute, t + kMinute, kMinute);
    if (std::optional<std::string> m = CheckRangeMode(cmd, *r, rr, t)) return m;
  }

  if (!options_.check_at_variants) return std::nullopt;
  Result<ExprPtr> expr = ParseExpr(cmd.query, engine_.options().parse);
  if (!expr.ok() || !PinAtModifiers(**expr, t)) return std::nullopt;
  const std::string pinned = Format(**expr);
  for (int64_t et : AtVariantTimes(t)) {
    std::string what = Cat("@ variant `", pinned, "` at ", std::to_string(et), "ms: ");
    Result<QueryResult> vr = engine_.InstantExpr(db, **expr, et);
    if (std::optional<std::string> m = CheckInstant(cmd, vr)) return Cat(what, *m);
    if (range_mode && !UsesQueryContextFunction(pinned)) {
      Result<QueryResult> rr = engine_.RangeExpr(db, **expr, et - kMinute, et + kMinute, kMinute);
      if (std::optional<std::string> m = CheckRangeMode(cmd, *vr, rr, et)) return Cat(what, *m);
    }
  }
  return std::nullopt;
}

FileResult Runner::Run(std::string_view file_name, std::string_view script_text) const {
  FileResult out;
  out.file = std::string(file_name);
  Result<Script> script = ParseScript(script_text);
  if (!script.ok()) {
    out.status = script.status().Annotate(file_name);
    return out;
  }
  storage::MemStorage db;
  std::vector<model::Labels> hist_series;
  for (const Command& command : script->commands) {
    if (const auto* load = std::get_if<LoadCmd>(&command)) {
      AddHistogramSeries(*load, hist_series);
      auto app = db.NewAppender();
      for (const SeriesLine& s : load->series) {
        for (size_t i = 0; i < s.values.size(); ++i) {
          if (s.values[i].kind != SequenceValue::Kind::kFloat) continue;
          model::Sample sample{.t = static_cast<int64_t>(i) * load->interval_ms,
                               .v = s.values[i].value};
          Result<storage::SeriesRef> ref = app->Append(storage::kNoRef, s.labels, sample);
          if (!ref.ok()) {
            out.status =
                ref.status().Annotate(Cat(file_name, ":", std::to_string(load->line), ": load"));
            return out;
          }
        }
      }
      if (Status st = app->Commit(); !st.ok()) {
        out.status = st.Annotate(Cat(file_name, ":", std::to_string(load->line), ": load"));
        return out;
      }
    } else if (std::holds_alternative<ClearCmd>(command)) {
      db.Clear();
      hist_series.clear();
    } else {
      const auto& eval = std::get<EvalCmd>(command);
      CaseResult c{.line = eval.line, .query = eval.query};
      c.needs_native_histograms = NeedsNativeHistograms(eval, hist_series, engine_.options().parse);
      std::optional<std::string> skip = options_.skip ? options_.skip(eval.line) : std::nullopt;
      if (skip) {
        c.outcome = Outcome::kSkipped;
        c.message = *skip;
        c.would_pass = options_.run_skipped && !RunEval(db, eval).has_value();
      } else if (std::optional<std::string> failure = RunEval(db, eval)) {
        c.outcome = Outcome::kFailed;
        c.message = std::move(*failure);
      }
      out.cases.push_back(std::move(c));
    }
  }
  return out;
}

}  // namespace osprey::promql::promqltest
