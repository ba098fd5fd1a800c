// Function calls: range functions stream windows per series; the others run per step on
// the evaluated arguments. absent, absent_over_time, scalar, vector, time, pi, timestamp
// over a selector and the query-context functions (start, end, range, step) live here.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "promql/functions.h"
#include "promql/internal/evaluator.h"
#include "promql/internal/function_impl.h"
#include "promql/internal/function_impl_common.h"
#include "promql/internal/parallel.h"
#include "promql/internal/window.h"

namespace osprey::promql::internal {
namespace {

const Expr& Unparen(const Expr& e) {
  const Expr* p = &e;
  while (p->kind() == ExprKind::kParen) p = p->As<ParenExpr>().expr.get();
  return *p;
}

// Labels absent() gives: the selector's equality matchers (a name set twice is dropped).
model::Labels AbsentLabels(const Expr& arg) {
  const VectorSelector* vs = nullptr;
  if (arg.kind() == ExprKind::kVectorSelector) vs = &arg.As<VectorSelector>();
  if (arg.kind() == ExprKind::kMatrixSelector) vs = arg.As<MatrixSelector>().selector.get();
  if (vs == nullptr) return {};
  model::LabelsBuilder b;
  std::vector<std::string> has;
  for (const model::Matcher& m : vs->matchers) {
    if (m.name() == model::kMetricName) continue;
    if (m.type() == model::MatchType::kEqual &&
        std::find(has.begin(), has.end(), m.name()) == has.end()) {
      b.Set(m.name(), m.value());
      has.push_back(m.name());
    } else {
      b.Del(m.name());
    }
  }
  return b.Build();
}

bool IsSortFunction(std::string_view n) {
  return n == "sort" || n == "sort_desc" || n == "sort_by_label" || n == "sort_by_label_desc";
}

}  // namespace

Result<EvalValue> Evaluator::EvalAbsent(const Call& e) {
  EvalValue out{.type = ValueType::kVector};
  std::vector<uint8_t> present(steps_, 0);
  const Expr& arg = *e.args[0];
  if (e.func->name == "absent_over_time") {
    OSPREY_RETURN_IF_ERROR(ForEachWindow(
        arg, [](const model::Labels&) { return OkStatus(); },
        [&](size_t step, std::span<const FPoint>, int64_t, int64_t) {
          present[step] = 1;
          return OkStatus();
        }));
  } else {
    OSPREY_ASSIGN_OR_RETURN(EvalValue v, Eval(arg));
    ctx_.ReleaseSamples(static_cast<int64_t>(v.Count()));
    for (const StepSeries& s : v.series) {
      for (size_t i = 0; i < steps_; ++i) present[i] |= s.has[i];
    }
  }
  StepSeries s;
  s.labels = AbsentLabels(Unparen(arg).kind() == ExprKind::kMatrixSelector ? Unparen(arg) : arg);
  s.Init(steps_);
  for (size_t i = 0; i < steps_; ++i) {
    if (!present[i]) {
      s.has[i] = 1;
      s.v[i] = 1;
    }
  }
  if (s.Count() > 0) out.series.push_back(std::move(s));
  return out;
}

Result<EvalValue> Evaluator::EvalCall(const Call& e) {
  const std::string_view name = e.func->name;
  auto scalar_value = [&](auto&& f) {
    EvalValue v{.type = ValueType::kScalar};
    v.scalar.resize(steps_);
    for (size_t i = 0; i < steps_; ++i) v.scalar[i] = f(i);
    return v;
  };
  if (name == "time") {
    return scalar_value([&](size_t i) { return static_cast<double>(StepTime(i)) / 1000.0; });
  }
  if (name == "pi") return scalar_value([](size_t) { return std::numbers::pi; });
  if (name == "start") {
    return scalar_value([&](size_t) { return static_cast<double>(ctx_.query_start) / 1000.0; });
  }
  if (name == "end") {
    return scalar_value([&](size_t) { return static_cast<double>(ctx_.query_end) / 1000.0; });
  }
  if (name == "range") {
    return scalar_value(
        [&](size_t) { return static_cast<double>(ctx_.query_end - ctx_.query_start) / 1000.0; });
  }
  if (name == "step") {
    return scalar_value([&](size_t) { return static_cast<double>(ctx_.query_step_ms) / 1000.0; });
  }
  if (name == "absent" || name == "absent_over_time") return EvalAbsent(e);
  if (name == "info") return UnimplementedError("info() is not supported");
  if (name == "scalar") {
    OSPREY_ASSIGN_OR_RETURN(EvalValue v, Eval(*e.args[0]));
    ctx_.ReleaseSamples(static_cast<int64_t>(v.Count()));
    return scalar_value([&](size_t i) {
      const StepSeries* only = nullptr;
      for (const StepSeries& s : v.series) {
        if (!s.has[i]) continue;
        if (only != nullptr) return std::numeric_limits<double>::quiet_NaN();
        only = &s;
      }
      return only == nullptr ? std::numeric_limits<double>::quiet_NaN() : only->v[i];
    });
  }
  if (name == "vector") {
    OSPREY_ASSIGN_OR_RETURN(EvalValue v, Eval(*e.args[0]));
    ctx_.ReleaseSamples(static_cast<int64_t>(v.Count()));
    EvalValue out{.type = ValueType::kVector};
    StepSeries s;
    s.Init(steps_);
    for (size_t i = 0; i < steps_; ++i) {
      s.has[i] = 1;
      s.v[i] = v.scalar[i];
    }
    out.series.push_back(std::move(s));
    return out;
  }
  if (name == "timestamp" && e.args[0]->kind() == ExprKind::kVectorSelector) {
    OSPREY_ASSIGN_OR_RETURN(EvalValue v, EvalVectorSelector(e.args[0]->As<VectorSelector>(), true));
    SeriesCollector c(steps_);
    for (StepSeries& s : v.series) {
      size_t idx = c.Index(s.labels.WithoutMetricName());
      for (size_t i = 0; i < steps_; ++i) {
        if (s.has[i]) {
          OSPREY_RETURN_IF_ERROR(c.Set(idx, i, static_cast<double>(s.ts[i]) / 1000.0));
        }
      }
    }
    v.series = c.Take();
    return v;
  }

  for (size_t i = 0; i < e.args.size(); ++i) {
    if (e.args[i]->type() == ValueType::kMatrix) return EvalRangeCall(e, i);
  }

  const FunctionImpl* impl = LookupFunctionImpl(name);
  if (impl == nullptr || impl->vector == nullptr) {
    return UnimplementedError(std::string("function ").append(name).append(" is not supported"));
  }
  if (IsSortFunction(name) && start_ != end_) {
    ctx_.annotations.Warn(
        "sort is ineffective for range queries since results are always ordered by labels",
        e.position());
  }
  std::vector<EvalValue> args;
  int64_t held = 0;
  for (const ExprPtr& a : e.args) {
    OSPREY_ASSIGN_OR_RETURN(EvalValue v, Eval(*a));
    held += static_cast<int64_t>(v.Count());
    args.push_back(std::move(v));
  }
  SeriesCollector c(steps_);
  std::vector<Vector> step_vectors(args.size());
  std::vector<ArgValue> call_args(args.size());
  Vector out;
  for (size_t i = 0; i < steps_; ++i) {
    OSPREY_RETURN_IF_ERROR(ctx_.CheckInterrupt());
    const int64_t t = StepTime(i);
    for (size_t a = 0; a < args.size(); ++a) {
      ArgValue& av = call_args[a];
      av.type = args[a].type;
      switch (args[a].type) {
        case ValueType::kVector: {
          Vector& vec = step_vectors[a];
          vec.clear();
          for (const StepSeries& s : args[a].series) {
            if (s.has[i]) vec.push_back(VectorSample{.labels = s.labels, .t = t, .v = s.v[i]});
          }
          av.vector = &vec;
          break;
        }
        case ValueType::kScalar:
          av.scalar = args[a].scalar[i];
          break;
        case ValueType::kString:
          av.string = args[a].str;
          break;
        default:
          break;
      }
    }
    out.clear();
    VectorCall call{.t = t, .args = call_args, .annotations = &ctx_.annotations, .call = &e};
    OSPREY_RETURN_IF_ERROR(impl->vector(call, out));
    for (const VectorSample& s : out) {
      OSPREY_RETURN_IF_ERROR(c.Set(c.Index(s.labels), i, s.v));
    }
  }
  ctx_.ReleaseSamples(held);
  EvalValue v{.type = ValueType::kVector};
  v.series = c.Take();
  if (e.func->return_type == ValueType::kScalar) {
    // min_of/max_of: one unlabelled sample per step becomes the scalar.
    EvalValue sv{.type = ValueType::kScalar};
    sv.scalar.assign(steps_, std::numeric_limits<double>::quiet_NaN());
    for (const StepSeries& s : v.series) {
      for (size_t i = 0; i < steps_; ++i) {
        if (s.has[i]) sv.scalar[i] = s.v[i];
      }
    }
    return sv;
  }
  return v;
}

Result<EvalValue> Evaluator::EvalRangeCall(const Call& e, size_t matrix_arg) {
  const FunctionImpl* impl = LookupFunctionImpl(e.func->name);
  if (impl == nullptr || impl->range == nullptr) {
    return UnimplementedError(
        std::string("function ").append(e.func->name).append(" is not supported"));
  }
  // The other arguments are scalars.
  std::vector<std::vector<double>> scalars;
  for (size_t i = 0; i < e.args.size(); ++i) {
    if (i == matrix_arg) continue;
    OSPREY_ASSIGN_OR_RETURN(EvalValue v, Eval(*e.args[i]));
    ctx_.ReleaseSamples(static_cast<int64_t>(v.Count()));
    scalars.push_back(std::move(v.scalar));
  }
  {
    std::vector<double> at_step(scalars.size());
    for (size_t i = 0; i < steps_; ++i) {
      for (size_t j = 0; j < scalars.size(); ++j) at_step[j] = scalars[j][i];
      OSPREY_RETURN_IF_ERROR(ValidateRangeScalars(e.func->name, at_step));
    }
  }
  const Expr& arg = Unparen(*e.args[matrix_arg]);
  std::optional<int64_t> at;
  int64_t offset = 0;
  int64_t range = 0;
  bool anchored = false;
  bool smoothed = false;
  // The series: storage iterators for a selector, points for a subquery.
  struct Item {
    model::Labels labels;  // the output's: __name__ dropped unless the function keeps it
    std::string metric_name;
    std::unique_ptr<storage::SampleIterator> it;
    const std::vector<FPoint>* points = nullptr;
  };
  std::vector<Item> items;
  Matrix sub_points;
  std::unique_ptr<storage::SeriesSet> set;  // owns what the iterators read
  bool concurrent = false;
  if (arg.kind() == ExprKind::kMatrixSelector) {
    const auto& ms = arg.As<MatrixSelector>();
    const VectorSelector& vs = *ms.selector;
    at = AtTime(vs.at_ms, vs.at_modifier);
    offset = vs.offset_ms;
    range = ms.range_ms;
    anchored = vs.anchored;
    smoothed = vs.smoothed;
    int64_t min_end = (at ? *at : start_) - offset;
    int64_t max_end = (at ? *at : end_) - offset;
    storage::SelectHints hints{.start = min_end - range + 1,
                               .end = max_end,
                               .step_ms = interval_,
                               .range_ms = range,
                               .func = std::string(e.func->name)};
    set = ctx_.querier->Select(hints, vs.matchers);
    while (set->Next()) {
      OSPREY_RETURN_IF_ERROR(ctx_.CheckInterrupt());
      // Only the output labels and the metric name are kept: one copy per series.
      const model::Labels& l = set->At().labels();
      items.push_back(Item{.labels = impl->keeps_metric_name ? l : DropMetricName(l),
                           .metric_name = std::string(l.MetricName()),
                           .it = set->At().Iterator()});
    }
    OSPREY_RETURN_IF_ERROR(set->status());
    concurrent = ctx_.querier->ConcurrentIterators();
  } else if (arg.kind() == ExprKind::kSubquery) {
    const SubqueryExpr& sq = arg.As<SubqueryExpr>();
    at = AtTime(sq.at_ms, sq.at_modifier);
    offset = sq.offset_ms;
    range = sq.range_ms;
    OSPREY_ASSIGN_OR_RETURN(sub_points, EvalSubqueryPoints(sq));
    for (const SeriesPoints& sp : sub_points) {
      items.push_back(
          Item{.labels = impl->keeps_metric_name ? sp.labels : DropMetricName(sp.labels),
               .metric_name = std::string(sp.labels.MetricName()),
               .it = nullptr,
               .points = &sp.points});
    }
    concurrent = true;
  } else {
    return InternalError("range argument is neither a matrix selector nor a subquery");
  }

  std::vector<StepSeries> result(items.size());
  // Evaluates items [begin, end): safe to run on several threads at once (each writes
  // its own result slots, annotations and counters).
  auto work = [&](size_t begin, size_t end, Worker& w) {
    std::vector<double> step_scalars(scalars.size());
    for (size_t i = begin; i < end && w.status.ok(); ++i) {
      if ((i - begin) % 64 == 0) {
        w.status = ctx_.CheckDeadline();
        if (!w.status.ok()) return;
      }
      Item& item = items[i];
      StepSeries& out = result[i];
      out.labels = std::move(item.labels);
      out.Init(steps_);
      RangeCall call{.labels = &out.labels,
                     .metric_name = item.metric_name,
                     .anchored = anchored,
                     .smoothed = smoothed,
                     .annotations = &w.annotations,
                     .call = &e};
      auto step = [&](size_t s, std::span<const FPoint> win, int64_t wend) {
        for (size_t j = 0; j < scalars.size(); ++j) step_scalars[j] = scalars[j][s];
        w.samples_read += static_cast<int64_t>(win.size());
        if (ctx_.current_samples + static_cast<int64_t>(win.size()) > ctx_.max_samples) {
          w.status = ResourceExhaustedError(
              "query processing would load too many samples into memory in query execution");
          return;
        }
        call.window = win;
        call.window_start = wend - range;
        call.window_end = wend;
        call.eval_t = StepTime(s);
        call.scalars = step_scalars;
        std::optional<double> v = impl->range(call);
        if (v) {
          out.has[s] = 1;
          out.v[s] = *v;
        }
      };
      auto run = [&](auto& window) {
        if (at) {
          int64_t wend = *at - offset;
          std::span<const FPoint> win = window.Slide(wend - range, wend);
          if (win.empty()) return;
          for (size_t s = 0; s < steps_ && w.status.ok(); ++s) step(s, win, wend);
          return;
        }
        for (size_t s = 0; s < steps_ && w.status.ok(); ++s) {
          int64_t wend = StepTime(s) - offset;
          std::span<const FPoint> win = window.Slide(wend - range, wend);
          if (!win.empty()) step(s, win, wend);
        }
      };
      if (item.points != nullptr) {
        PointCursor c(*item.points);
        Window<PointCursor> window(c);
        run(window);
      } else {
        Cursor c(*item.it);
        Window<Cursor> window(c);
        run(window);
        if (w.status.ok()) w.status = item.it->status();
        item.it.reset();
      }
    }
  };
  std::vector<Worker> workers(WorkerCount(concurrent, items.size(), steps_));
  RunBlocks(items.size(), workers, work);
  for (Worker& w : workers) {
    OSPREY_RETURN_IF_ERROR(w.status);
    ctx_.annotations.Merge(w.annotations);
    ctx_.samples_read += w.samples_read;
  }
  std::erase_if(result, [](const StepSeries& s) { return s.Count() == 0; });
  // Two series that differ only in __name__ collide (over the whole range, as upstream).
  if (!impl->keeps_metric_name && result.size() > 1) {
    std::vector<const model::Labels*> ls;
    for (const StepSeries& s : result) ls.push_back(&s.labels);
    std::sort(ls.begin(), ls.end(), [](auto* a, auto* b) { return *a < *b; });
    for (size_t i = 1; i < ls.size(); ++i) {
      if (*ls[i] == *ls[i - 1]) return SameLabelsetError();
    }
  }
  EvalValue out{.type = ValueType::kVector};
  out.series = std::move(result);
  return out;
}

}  // namespace osprey::promql::internal
