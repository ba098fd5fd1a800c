// LookupFunctionImpl over the per-file tables, the numerics shared with the aggregations
// (KahanAdd, Quantile, after Prometheus's util/kahansum and promql/quantile.go), and the
// helpers of internal/function_impl_common.h.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include "promql/internal/function_impl.h"
#include "promql/internal/function_impl_common.h"

namespace osprey::promql::internal {
namespace {

const FunctionImpl* Find(std::span<const FunctionImpl> table, std::string_view name) {
  auto it = std::lower_bound(table.begin(), table.end(), name,
                             [](const FunctionImpl& f, std::string_view n) { return f.name < n; });
  if (it == table.end() || it->name != name) return nullptr;
  return &*it;
}

}  // namespace

const FunctionImpl* LookupFunctionImpl(std::string_view name) {
  for (auto table : {RangeFunctionImpls(), MathFunctionImpls(), LabelFunctionImpls(),
                     HistogramFunctionImpls()}) {
    if (const FunctionImpl* f = Find(table, name)) return f;
  }
  return nullptr;
}

void KahanAdd(double inc, double& sum, double& c) {
  double t = sum + inc;
  if (std::isinf(t)) {
    c = 0;
  } else if (std::fabs(sum) >= std::fabs(inc)) {
    // Neumaier's improvement: compensate with the smaller of the two terms.
    c += (sum - t) + inc;
  } else {
    c += (inc - t) + sum;
  }
  sum = t;
}

double Quantile(double phi, std::span<double> values) {
  if (values.empty() || std::isnan(phi)) return std::numeric_limits<double>::quiet_NaN();
  if (phi < 0) return -std::numeric_limits<double>::infinity();
  if (phi > 1) return std::numeric_limits<double>::infinity();
  // NaNs sort first, as Prometheus's vectorByValueHeap orders them.
  std::sort(values.begin(), values.end(), [](double a, double b) {
    if (std::isnan(a)) return !std::isnan(b);
    return a < b;
  });
  double n = static_cast<double>(values.size());
  double rank = phi * (n - 1);
  double lower = std::max(0.0, std::floor(rank));
  double upper = std::min(n - 1, lower + 1);
  double weight = rank - std::floor(rank);
  return values[static_cast<size_t>(lower)] * (1 - weight) +
         values[static_cast<size_t>(upper)] * weight;
}

std::string GoFormatG(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // The shortest round-tripping digits, then Go's layout: %e when the exponent is below
  // -4 or at least 6 (strconv's choice for the shortest precision), else %f.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string_view s(buf, static_cast<size_t>(res.ptr - buf));
  bool neg = !s.empty() && s[0] == '-';
  if (neg) s.remove_prefix(1);
  size_t e = s.find('e');
  std::string digits;
  for (char c : s.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exp = 0;
  std::string_view exp_text = s.substr(e + 1);
  if (!exp_text.empty() && exp_text[0] == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exp);
  if (digits == "0") exp = 0;

  std::string out = neg ? "-" : "";
  int nd = static_cast<int>(digits.size());
  if (exp < -4 || exp >= 6) {
    out += digits[0];
    if (nd > 1) {
      out += '.';
      out.append(digits, 1);
    }
    out += 'e';
    out += exp < 0 ? '-' : '+';
    int a = exp < 0 ? -exp : exp;
    if (a < 10) out += '0';
    out += std::to_string(a);
    return out;
  }
  int dp = exp + 1;  // digits before the decimal point
  if (dp > 0) {
    for (int i = 0; i < dp; ++i) out += i < nd ? digits[i] : '0';
  } else {
    out += '0';
  }
  int frac = std::max(nd - dp, 0);
  if (frac > 0) {
    out += '.';
    for (int i = 0; i < frac; ++i) {
      int j = dp + i;
      out += (j >= 0 && j < nd) ? digits[j] : '0';
    }
  }
  return out;
}

std::string FormatOpenMetricsFloat(double v) {
  if (v == 1) return "1.0";
  if (v == 0) return "0.0";
  if (v == -1) return "-1.0";
  std::string s = GoFormatG(v);
  if (std::isnan(v) || std::isinf(v)) return s;
  if (s.find_first_of("e.") == std::string::npos) s += ".0";
  return s;
}

int64_t GoFloatToInt64(double v) {
  // 2^63 is exactly representable; anything at or beyond it (or NaN) is out of range.
  constexpr double kLimit = 9223372036854775808.0;
  if (!(v >= -kLimit && v < kLimit)) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

PositionRange ArgPosition(const Call* call, size_t i) {
  if (call == nullptr || i >= call->args.size() || call->args[i] == nullptr) return {};
  // Prometheus strips the parentheses around arguments before evaluating.
  const Expr* e = call->args[i].get();
  while (e->kind() == ExprKind::kParen) e = e->As<ParenExpr>().expr.get();
  return e->position();
}

model::Labels DropMetricName(const model::Labels& labels) {
  bool has = false;
  for (const model::Label& l : labels) {
    if (l.name == "__name__" || l.name == "__type__" || l.name == "__unit__") has = true;
  }
  if (!has) return labels;
  std::vector<model::Label> kept;
  kept.reserve(labels.size());
  for (const model::Label& l : labels) {
    if (l.name != "__name__" && l.name != "__type__" && l.name != "__unit__") kept.push_back(l);
  }
  return model::Labels(std::move(kept));
}

void MaybeWarnInvalidQuantile(double q, const Call* call, size_t arg, Annotations* annotations) {
  if (annotations == nullptr || !(std::isnan(q) || q < 0 || q > 1)) return;
  annotations->Warn(
      std::string("quantile value should be between 0 and 1, got ").append(GoFormatG(q)),
      ArgPosition(call, arg));
}

double GoMax(double x, double y) {
  if (std::isinf(x) && x > 0) return x;
  if (std::isinf(y) && y > 0) return y;
  if (std::isnan(x) || std::isnan(y)) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0 && x == y) return std::signbit(x) ? y : x;
  return x > y ? x : y;
}

double GoMin(double x, double y) {
  if (std::isinf(x) && x < 0) return x;
  if (std::isinf(y) && y < 0) return y;
  if (std::isnan(x) || std::isnan(y)) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0 && x == y) return std::signbit(x) ? x : y;
  return x < y ? x : y;
}

}  // namespace osprey::promql::internal
