// Binary operators: scalar/scalar, vector/scalar, vector/vector with on/ignoring and
// group_left/group_right, and the set operators, after Prometheus's VectorBinop,
// VectorscalarBinop and VectorAnd/Or/Unless.
#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "promql/internal/evaluator.h"

namespace osprey::promql::internal {
namespace {

bool DropsName(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
    case BinaryOp::kSub:
    case BinaryOp::kMul:
    case BinaryOp::kDiv:
    case BinaryOp::kMod:
    case BinaryOp::kPow:
    case BinaryOp::kAtan2:
      return true;
    default:
      return false;
  }
}

double Arith(BinaryOp op, double l, double r) {
  switch (op) {
    case BinaryOp::kAdd:
      return l + r;
    case BinaryOp::kSub:
      return l - r;
    case BinaryOp::kMul:
      return l * r;
    case BinaryOp::kDiv:
      return l / r;
    case BinaryOp::kMod:
      return std::fmod(l, r);
    case BinaryOp::kPow:
      return std::pow(l, r);
    case BinaryOp::kAtan2:
      return std::atan2(l, r);
    default:
      return 0;
  }
}

bool Compare(BinaryOp op, double l, double r) {
  switch (op) {
    case BinaryOp::kEql:
      return l == r;
    case BinaryOp::kNeq:
      return l != r;
    case BinaryOp::kGtr:
      return l > r;
    case BinaryOp::kLss:
      return l < r;
    case BinaryOp::kGte:
      return l >= r;
    case BinaryOp::kLte:
      return l <= r;
    default:
      return false;
  }
}

// Value and keep flag of `l op r` on two vector elements (vectorElemBinop).
std::pair<double, bool> ElemOp(BinaryOp op, double l, double r) {
  if (IsComparisonOp(op)) return {l, Compare(op, l, r)};
  return {Arith(op, l, r), true};
}

// The join signature: values of the on() labels, or of all labels but the ignoring()
// ones and __name__.
std::string Signature(const model::Labels& labels, const VectorMatching& m) {
  std::string sig;
  for (const model::Label& l : labels) {
    bool listed = std::find(m.matching_labels.begin(), m.matching_labels.end(), l.name) !=
                  m.matching_labels.end();
    if (m.on ? !listed : (listed || l.name == model::kMetricName)) continue;
    sig += l.name;
    sig += '\xff';
    sig += l.value;
    sig += '\xfe';
  }
  return sig;
}

model::Labels MatchedLabels(const model::Labels& labels, const VectorMatching& m) {
  std::vector<model::Label> out;
  for (const model::Label& l : labels) {
    bool listed = std::find(m.matching_labels.begin(), m.matching_labels.end(), l.name) !=
                  m.matching_labels.end();
    if (m.on ? listed : !(listed || l.name == model::kMetricName)) out.push_back(l);
  }
  return model::Labels(std::move(out));
}

model::Labels ResultMetric(const model::Labels& lhs, const model::Labels& rhs, BinaryOp op,
                           const VectorMatching& m, bool drop_name) {
  model::LabelsBuilder b(lhs);
  if (drop_name || DropsName(op)) b.Del(model::kMetricName);
  if (m.card == Cardinality::kOneToOne) {
    if (m.on) {
      for (const model::Label& l : lhs) {
        if (std::find(m.matching_labels.begin(), m.matching_labels.end(), l.name) ==
            m.matching_labels.end()) {
          b.Del(l.name);
        }
      }
    } else {
      for (const std::string& n : m.matching_labels) b.Del(n);
    }
  }
  for (const std::string& n : m.include) {
    std::string_view v = rhs.Get(n);
    if (!v.empty()) {
      b.Set(n, v);
    } else {
      b.Del(n);
    }
  }
  return b.Build();
}

// Ordinals of the join signatures of both sides.
struct Sigs {
  std::vector<uint32_t> lhs;
  std::vector<uint32_t> rhs;
  size_t count = 0;
};

Sigs ComputeSigs(const std::vector<StepSeries>& l, const std::vector<StepSeries>& r,
                 const VectorMatching& m) {
  Sigs s;
  std::unordered_map<std::string, uint32_t> ord;
  auto get = [&](const model::Labels& labels) {
    auto [it, inserted] = ord.emplace(Signature(labels, m), static_cast<uint32_t>(ord.size()));
    return it->second;
  };
  for (const StepSeries& x : l) s.lhs.push_back(get(x.labels));
  for (const StepSeries& x : r) s.rhs.push_back(get(x.labels));
  s.count = ord.size();
  return s;
}

}  // namespace

Result<EvalValue> Evaluator::EvalBinary(const BinaryExpr& e) {
  OSPREY_ASSIGN_OR_RETURN(EvalValue lhs, Eval(*e.lhs));
  OSPREY_ASSIGN_OR_RETURN(EvalValue rhs, Eval(*e.rhs));
  const int64_t held = static_cast<int64_t>(lhs.Count() + rhs.Count());
  Result<EvalValue> out = [&]() -> Result<EvalValue> {
    const bool ls = lhs.type == ValueType::kScalar;
    const bool rs = rhs.type == ValueType::kScalar;
    if (ls && rs) {
      EvalValue v{.type = ValueType::kScalar};
      v.scalar.resize(steps_);
      for (size_t i = 0; i < steps_; ++i) {
        double a = lhs.scalar[i];
        double b = rhs.scalar[i];
        v.scalar[i] = IsComparisonOp(e.op) ? (Compare(e.op, a, b) ? 1.0 : 0.0) : Arith(e.op, a, b);
      }
      return v;
    }
    if (ls || rs) {
      // Vector and scalar: the vector's labels, dropping __name__ for arithmetic and bool.
      const bool swap = ls;
      EvalValue& vec = swap ? rhs : lhs;
      const std::vector<double>& sc = swap ? lhs.scalar : rhs.scalar;
      const bool drop = DropsName(e.op) || e.return_bool;
      for (StepSeries& s : vec.series) {
        for (size_t i = 0; i < steps_; ++i) {
          if (!s.has[i]) continue;
          double a = swap ? sc[i] : s.v[i];
          double b = swap ? s.v[i] : sc[i];
          auto [val, keep] = ElemOp(e.op, a, b);
          if (IsComparisonOp(e.op) && swap) val = s.v[i];
          if (e.return_bool) {
            val = keep ? 1.0 : 0.0;
            keep = true;
          }
          if (keep) {
            s.v[i] = val;
          } else {
            s.has[i] = 0;
          }
        }
        if (drop) s.labels = s.labels.WithoutMetricName();
      }
      if (!drop) {
        std::erase_if(vec.series, [](const StepSeries& s) { return s.Count() == 0; });
        return std::move(vec);
      }
      SeriesCollector c(steps_);
      for (StepSeries& s : vec.series) {
        size_t idx = c.Index(s.labels);
        for (size_t i = 0; i < steps_; ++i) {
          if (s.has[i]) OSPREY_RETURN_IF_ERROR(c.Set(idx, i, s.v[i]));
        }
      }
      EvalValue v{.type = ValueType::kVector};
      v.series = c.Take();
      return v;
    }
    if (IsSetOp(e.op)) return EvalSetOp(e, std::move(lhs), std::move(rhs));
    return EvalVectorBinary(e, std::move(lhs), std::move(rhs));
  }();
  ctx_.ReleaseSamples(held);
  return out;
}

Result<EvalValue> Evaluator::EvalVectorBinary(const BinaryExpr& e, EvalValue lhs_v,
                                              EvalValue rhs_v) {
  const VectorMatching& m = *e.matching;
  std::vector<StepSeries>* lhs = &lhs_v.series;
  std::vector<StepSeries>* rhs = &rhs_v.series;
  const bool one_to_many = m.card == Cardinality::kOneToMany;
  if (one_to_many) std::swap(lhs, rhs);
  Sigs sigs = ComputeSigs(*lhs, *rhs, m);

  SeriesCollector out(steps_);
  // Output series of each (lhs, rhs) pair; the step it was last written by a pair.
  std::unordered_map<uint64_t, size_t> pair_out;
  std::vector<int64_t> out_step;
  std::vector<int64_t> right_of(sigs.count);
  std::vector<uint8_t> matched(sigs.count);
  for (size_t i = 0; i < steps_; ++i) {
    OSPREY_RETURN_IF_ERROR(ctx_.CheckInterrupt());
    std::fill(right_of.begin(), right_of.end(), -1);
    bool any_right = false;
    for (size_t r = 0; r < rhs->size(); ++r) {
      if (!(*rhs)[r].has[i]) continue;
      uint32_t sig = sigs.rhs[r];
      if (right_of[sig] >= 0) {
        std::string a = (*rhs)[r].labels.ToString();
        std::string b = (*rhs)[static_cast<size_t>(right_of[sig])].labels.ToString();
        if (a > b) std::swap(a, b);
        std::string msg = "found duplicate series for the match group ";
        msg += MatchedLabels((*rhs)[r].labels, m).ToString();
        msg += " on the ";
        msg += one_to_many ? "left" : "right";
        msg += " hand-side of the operation: [";
        msg += a;
        msg += ", ";
        msg += b;
        msg += "];many-to-many matching not allowed: matching labels must be unique on one side";
        return FailedPreconditionError(std::move(msg));
      }
      right_of[sig] = static_cast<int64_t>(r);
      any_right = true;
    }
    if (!any_right) continue;
    std::fill(matched.begin(), matched.end(), 0);
    for (size_t l = 0; l < lhs->size(); ++l) {
      const StepSeries& ls = (*lhs)[l];
      if (!ls.has[i]) continue;
      uint32_t sig = sigs.lhs[l];
      if (right_of[sig] < 0) continue;
      size_t r = static_cast<size_t>(right_of[sig]);
      const StepSeries& rs = (*rhs)[r];
      double fl = ls.v[i];
      double fr = rs.v[i];
      if (one_to_many) std::swap(fl, fr);
      auto [val, keep] = ElemOp(e.op, fl, fr);
      if (e.return_bool) val = keep ? 1.0 : 0.0;
      uint64_t key = (static_cast<uint64_t>(l) << 32) | r;
      auto it = pair_out.find(key);
      size_t idx;
      if (it == pair_out.end()) {
        idx = out.Index(ResultMetric(ls.labels, rs.labels, e.op, m, e.return_bool));
        pair_out.emplace(key, idx);
        if (out_step.size() <= idx) out_step.resize(idx + 1, -1);
      } else {
        idx = it->second;
      }
      if (m.card == Cardinality::kOneToOne) {
        if (matched[sig]) {
          return FailedPreconditionError(
              "multiple matches for labels: many-to-one matching must be explicit "
              "(group_left/group_right)");
        }
        matched[sig] = 1;
      } else if (out_step[idx] == static_cast<int64_t>(i)) {
        return FailedPreconditionError(
            "multiple matches for labels: grouping labels must ensure unique matches");
      }
      out_step[idx] = static_cast<int64_t>(i);
      if (!keep && !e.return_bool) continue;
      OSPREY_RETURN_IF_ERROR(out.Set(idx, i, val));
    }
  }
  EvalValue v{.type = ValueType::kVector};
  v.series = out.Take();
  return v;
}

Result<EvalValue> Evaluator::EvalSetOp(const BinaryExpr& e, EvalValue lhs, EvalValue rhs) {
  const VectorMatching& m = *e.matching;
  Sigs sigs = ComputeSigs(lhs.series, rhs.series, m);
  std::vector<uint8_t> present(sigs.count);
  EvalValue v{.type = ValueType::kVector};
  switch (e.op) {
    case BinaryOp::kAnd:
    case BinaryOp::kUnless: {
      const bool want = e.op == BinaryOp::kAnd;
      for (size_t i = 0; i < steps_; ++i) {
        std::fill(present.begin(), present.end(), 0);
        for (size_t r = 0; r < rhs.series.size(); ++r) {
          if (rhs.series[r].has[i]) present[sigs.rhs[r]] = 1;
        }
        for (size_t l = 0; l < lhs.series.size(); ++l) {
          StepSeries& s = lhs.series[l];
          if (s.has[i] && (present[sigs.lhs[l]] != 0) != want) s.has[i] = 0;
        }
      }
      v.series = std::move(lhs.series);
      std::erase_if(v.series, [](const StepSeries& s) { return s.Count() == 0; });
      return v;
    }
    case BinaryOp::kOr: {
      SeriesCollector out(steps_);
      std::vector<size_t> lidx;
      for (StepSeries& s : lhs.series) lidx.push_back(out.Index(s.labels));
      std::vector<size_t> ridx;
      for (StepSeries& s : rhs.series) ridx.push_back(out.Index(s.labels));
      for (size_t i = 0; i < steps_; ++i) {
        std::fill(present.begin(), present.end(), 0);
        for (size_t l = 0; l < lhs.series.size(); ++l) {
          if (!lhs.series[l].has[i]) continue;
          present[sigs.lhs[l]] = 1;
          OSPREY_RETURN_IF_ERROR(out.Set(lidx[l], i, lhs.series[l].v[i]));
        }
        for (size_t r = 0; r < rhs.series.size(); ++r) {
          if (!rhs.series[r].has[i] || present[sigs.rhs[r]]) continue;
          OSPREY_RETURN_IF_ERROR(out.Set(ridx[r], i, rhs.series[r].v[i]));
        }
      }
      v.series = out.Take();
      return v;
    }
    default:
      return InternalError("not a set operator");
  }
}

}  // namespace osprey::promql::internal
