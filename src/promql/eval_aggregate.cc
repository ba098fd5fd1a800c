// Aggregations (sum, avg, count, min, max, group, stddev, stdvar, quantile, topk, bottomk,
// limitk, limit_ratio, count_values) with by/without, after Prometheus's rangeEvalAgg.
// Groups are assigned once per input series; values accumulate per step.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "base/strings.h"
#include "promql/internal/evaluator.h"
#include "promql/internal/function_impl.h"
#include "promql/internal/function_impl_common.h"
#include "promql/printer.h"

namespace osprey::promql::internal {
namespace {

// strconv.FormatFloat(v, 'f', -1, 64).
std::string FormatFloatF(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[400];
  auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  return std::string(buf, r.ptr);
}

model::Labels GroupLabels(const model::Labels& in, const std::vector<std::string>& grouping,
                          bool without) {
  std::vector<model::Label> out;
  for (const model::Label& l : in) {
    bool listed = std::find(grouping.begin(), grouping.end(), l.name) != grouping.end();
    if (without ? (listed || l.name == model::kMetricName) : !listed) continue;
    out.push_back(l);
  }
  return model::Labels(std::move(out));
}

struct Group {
  bool seen = false;
  double value = 0;
  double kahan = 0;
  double mean = 0;
  double count = 0;
  bool incremental_mean = false;
  std::vector<double> values;   // quantile
  std::vector<size_t> members;  // topk, bottomk, limitk, limit_ratio: input series
};

// topk keeps the largest, NaN counting as smallest; bottomk the reverse.
bool KBetter(AggregateOp op, double a, double b) {
  if (op == AggregateOp::kTopk) {
    if (std::isnan(b)) return !std::isnan(a);
    return a > b;
  }
  if (std::isnan(b)) return !std::isnan(a);
  return a < b;
}

// Prometheus's ratio sampler: a stable per-series offset in [0, 1).
bool AddRatioSample(double ratio, const model::Labels& labels) {
  double offset = static_cast<double>(labels.Hash()) /
                  static_cast<double>(std::numeric_limits<uint64_t>::max());
  return (ratio >= 0 && offset < ratio) || (ratio < 0 && offset >= 1 + ratio);
}

}  // namespace

Result<EvalValue> Evaluator::EvalAggregate(const AggregateExpr& e) {
  std::vector<std::string> grouping = e.grouping;
  std::sort(grouping.begin(), grouping.end());
  const AggregateOp op = e.op;

  std::string value_label;
  std::vector<double> param(steps_, 0);
  if (op == AggregateOp::kCountValues) {
    const Expr* p = e.param.get();
    while (p->kind() == ExprKind::kParen) p = p->As<ParenExpr>().expr.get();
    value_label = p->As<StringLiteral>().value;
    if (value_label.empty() || !IsValidUtf8(value_label)) {
      std::string msg = "invalid label name ";
      msg += Format(*p);
      return FailedPreconditionError(std::move(msg));
    }
    if (!e.without) grouping.push_back(value_label);
  } else if (e.param) {
    OSPREY_ASSIGN_OR_RETURN(EvalValue pv, Eval(*e.param));
    ctx_.ReleaseSamples(static_cast<int64_t>(pv.Count()));
    param = std::move(pv.scalar);
  }

  OSPREY_ASSIGN_OR_RETURN(EvalValue in, Eval(*e.expr));
  const int64_t held = static_cast<int64_t>(in.Count());
  std::vector<StepSeries>& input = in.series;
  EvalValue out{.type = ValueType::kVector};

  // Parameter checks over all steps, as Prometheus does up front.
  auto pmax = [&] { return *std::max_element(param.begin(), param.end()); };
  auto pmin = [&] { return *std::min_element(param.begin(), param.end()); };
  auto any_nan = [&] {
    return std::any_of(param.begin(), param.end(), [](double x) { return std::isnan(x); });
  };
  const bool k_op = op == AggregateOp::kTopk || op == AggregateOp::kBottomk ||
                    op == AggregateOp::kLimitk || op == AggregateOp::kLimitRatio;
  if (steps_ > 0) {
    switch (op) {
      case AggregateOp::kTopk:
      case AggregateOp::kBottomk:
      case AggregateOp::kLimitk:
        if (any_nan()) return FailedPreconditionError("Parameter value is NaN");
        if (pmax() < 1) {
          ctx_.ReleaseSamples(held);
          return out;
        }
        if (pmin() <= static_cast<double>(std::numeric_limits<int64_t>::min())) {
          return FailedPreconditionError("Scalar value " + GoFormatG(pmin()) + " underflows int64");
        }
        if (pmax() >= static_cast<double>(std::numeric_limits<int64_t>::max())) {
          return FailedPreconditionError("Scalar value " + GoFormatG(pmax()) + " overflows int64");
        }
        break;
      case AggregateOp::kLimitRatio:
        if (pmax() == 0 && pmin() == 0) {
          ctx_.ReleaseSamples(held);
          return out;
        }
        if (any_nan()) return FailedPreconditionError("Ratio value is NaN");
        if (pmax() > 1.0) {
          ctx_.annotations.Warn(
              "ratio value should be between -1 and 1, got " + GoFormatG(pmax()) + ", capping to 1",
              e.param->position());
        }
        if (pmin() < -1.0) {
          ctx_.annotations.Warn("ratio value should be between -1 and 1, got " + GoFormatG(pmin()) +
                                    ", capping to -1",
                                e.param->position());
        }
        break;
      case AggregateOp::kQuantile: {
        auto warn = [&](double q) {
          ctx_.annotations.Warn("quantile value should be between 0 and 1, got " + GoFormatG(q),
                                e.param->position());
        };
        if (any_nan()) warn(std::numeric_limits<double>::quiet_NaN());
        if (pmax() > 1) warn(pmax());
        if (pmin() < 0) warn(pmin());
        break;
      }
      default:
        break;
    }
  }

  if (op == AggregateOp::kCountValues) {
    SeriesCollector c(steps_);
    for (size_t i = 0; i < steps_; ++i) {
      for (const StepSeries& s : input) {
        if (!s.has[i]) continue;
        model::LabelsBuilder b(s.labels);
        b.Set(value_label, FormatFloatF(s.v[i]));
        size_t o = c.Index(GroupLabels(b.Build(), grouping, e.without));
        StepSeries& os = c.at(o);
        if (!os.has[i]) {
          os.has[i] = 1;
          os.v[i] = 0;
        }
        os.v[i] += 1;
      }
    }
    out.series = c.Take();
    ctx_.ReleaseSamples(held);
    return out;
  }

  // Group of each input series, groups in first-appearance order.
  std::vector<size_t> group_of(input.size());
  std::vector<model::Labels> group_labels;
  {
    std::unordered_multimap<uint64_t, size_t> by_hash;
    for (size_t si = 0; si < input.size(); ++si) {
      model::Labels gl = GroupLabels(input[si].labels, grouping, e.without);
      uint64_t h = gl.Hash();
      size_t found = SIZE_MAX;
      auto [it, end] = by_hash.equal_range(h);
      for (; it != end; ++it) {
        if (group_labels[it->second] == gl) found = it->second;
      }
      if (found == SIZE_MAX) {
        found = group_labels.size();
        group_labels.push_back(std::move(gl));
        by_hash.emplace(h, found);
      }
      group_of[si] = found;
    }
  }
  std::vector<Group> groups(group_labels.size());

  if (k_op) {
    SeriesCollector c(steps_);
    for (size_t i = 0; i < steps_; ++i) {
      OSPREY_RETURN_IF_ERROR(ctx_.CheckInterrupt());
      for (Group& g : groups) {
        g.seen = false;
        g.members.clear();
      }
      int64_t k = 0;
      double ratio = 0;
      if (op == AggregateOp::kLimitRatio) {
        if (param[i] == 0) continue;
        ratio = std::clamp(param[i], -1.0, 1.0);
      } else {
        k = std::min(static_cast<int64_t>(param[i]), static_cast<int64_t>(input.size()));
        if (k < 1) continue;
      }
      for (size_t si = 0; si < input.size(); ++si) {
        if (!input[si].has[i]) continue;
        Group& g = groups[group_of[si]];
        g.seen = true;
        const double v = input[si].v[i];
        switch (op) {
          case AggregateOp::kLimitk:
            if (static_cast<int64_t>(g.members.size()) < k) g.members.push_back(si);
            break;
          case AggregateOp::kLimitRatio:
            if (AddRatioSample(ratio, input[si].labels)) g.members.push_back(si);
            break;
          default: {
            if (static_cast<int64_t>(g.members.size()) < k) {
              g.members.push_back(si);
              break;
            }
            // Replace the worst member when v is better.
            size_t worst = 0;
            for (size_t j = 1; j < g.members.size(); ++j) {
              if (KBetter(op, input[g.members[worst]].v[i], input[g.members[j]].v[i])) worst = j;
            }
            if (KBetter(op, v, input[g.members[worst]].v[i])) g.members[worst] = si;
            break;
          }
        }
      }
      for (Group& g : groups) {
        if (!g.seen) continue;
        if (op == AggregateOp::kTopk || op == AggregateOp::kBottomk) {
          std::stable_sort(g.members.begin(), g.members.end(), [&](size_t a, size_t b) {
            return KBetter(op, input[a].v[i], input[b].v[i]);
          });
        }
        for (size_t si : g.members) {
          OSPREY_RETURN_IF_ERROR(c.Set(c.Index(input[si].labels), i, input[si].v[i]));
        }
      }
    }
    out.series = c.Take();
    ctx_.ReleaseSamples(held);
    return out;
  }

  std::vector<StepSeries> result(groups.size());
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    result[gi].labels = std::move(group_labels[gi]);
    result[gi].Init(steps_);
  }
  for (size_t i = 0; i < steps_; ++i) {
    OSPREY_RETURN_IF_ERROR(ctx_.CheckInterrupt());
    for (Group& g : groups) g.seen = false;
    for (size_t si = 0; si < input.size(); ++si) {
      if (!input[si].has[i]) continue;
      Group& g = groups[group_of[si]];
      const double f = input[si].v[i];
      if (!g.seen) {
        g = Group{.seen = true, .value = f, .kahan = 0, .mean = f, .count = 1};
        switch (op) {
          case AggregateOp::kStddev:
          case AggregateOp::kStdvar:
            g.value =
                (std::isnan(f) || std::isinf(f)) ? std::numeric_limits<double>::quiet_NaN() : 0.0;
            break;
          case AggregateOp::kQuantile:
            g.values.assign(1, f);
            break;
          case AggregateOp::kGroup:
            g.value = 1;
            break;
          default:
            break;
        }
        continue;
      }
      switch (op) {
        case AggregateOp::kSum:
          KahanAdd(f, g.value, g.kahan);
          break;
        case AggregateOp::kAvg: {
          g.count += 1;
          if (!g.incremental_mean) {
            double nv = g.value;
            double nc = g.kahan;
            KahanAdd(f, nv, nc);
            if (!std::isinf(nv)) {
              g.value = nv;
              g.kahan = nc;
              break;
            }
            g.incremental_mean = true;
            g.mean = g.value / (g.count - 1);
            g.kahan /= g.count - 1;
          }
          double q = (g.count - 1) / g.count;
          double m = q * g.mean;
          double c = q * g.kahan;
          KahanAdd(f / g.count, m, c);
          g.mean = m;
          g.kahan = c;
          break;
        }
        case AggregateOp::kMax:
          if (g.value < f || std::isnan(g.value)) g.value = f;
          break;
        case AggregateOp::kMin:
          if (g.value > f || std::isnan(g.value)) g.value = f;
          break;
        case AggregateOp::kCount:
          g.count += 1;
          break;
        case AggregateOp::kStddev:
        case AggregateOp::kStdvar: {
          g.count += 1;
          double delta = f - g.mean;
          g.mean += delta / g.count;
          g.value += delta * (f - g.mean);
          break;
        }
        case AggregateOp::kQuantile:
          g.values.push_back(f);
          break;
        default:
          break;
      }
    }
    for (size_t gi = 0; gi < groups.size(); ++gi) {
      Group& g = groups[gi];
      if (!g.seen) continue;
      double v = g.value;
      switch (op) {
        case AggregateOp::kSum:
          v = g.value + g.kahan;
          break;
        case AggregateOp::kAvg:
          v = g.incremental_mean ? g.mean + g.kahan : g.value / g.count + g.kahan / g.count;
          break;
        case AggregateOp::kCount:
          v = g.count;
          break;
        case AggregateOp::kStdvar:
          v = g.value / g.count;
          break;
        case AggregateOp::kStddev:
          v = std::sqrt(g.value / g.count);
          break;
        case AggregateOp::kQuantile:
          v = Quantile(param[i], g.values);
          break;
        default:
          break;
      }
      result[gi].has[i] = 1;
      result[gi].v[i] = v;
    }
  }
  std::erase_if(result, [](const StepSeries& s) { return s.Count() == 0; });
  out.series = std::move(result);
  ctx_.ReleaseSamples(held);
  return out;
}

}  // namespace osprey::promql::internal
