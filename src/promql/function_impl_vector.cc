// The instant-vector functions that work sample by sample (math, clamp, round, dates,
// timestamp), the sorts, and the scalar helpers (time, pi, vector, min_of, max_of),
// after Prometheus's promql/functions.go. Samples keep their labels minus the metric
// name (and __type__/__unit__), except for the sorts, which keep them whole.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "promql/internal/function_impl.h"
#include "promql/internal/function_impl_common.h"

namespace osprey::promql::internal {
namespace {

// The vector argument `i`, or nullptr when the engine gave none.
const Vector* VectorArg(const VectorCall& c, size_t i) {
  return i < c.args.size() ? c.args[i].vector : nullptr;
}

double ScalarArg(const VectorCall& c, size_t i, double fallback) {
  return i < c.args.size() ? c.args[i].scalar : fallback;
}

// Applies `f` to every sample of the first argument, dropping the metric name.
template <typename F>
Status ApplyToSamples(const VectorCall& c, Vector& out, F f) {
  const Vector* in = VectorArg(c, 0);
  if (in == nullptr) return OkStatus();
  for (const VectorSample& s : *in) {
    out.push_back({.labels = DropMetricName(s.labels), .t = c.t, .v = f(s.v)});
  }
  return OkStatus();
}

template <double (*F)(double)>
Status Simple(const VectorCall& c, Vector& out) {
  return ApplyToSamples(c, out, F);
}

double Abs(double v) { return std::fabs(v); }
double Ceil(double v) { return std::ceil(v); }
double Floor(double v) { return std::floor(v); }
double Exp(double v) { return std::exp(v); }
double Sqrt(double v) { return std::sqrt(v); }
double Ln(double v) { return std::log(v); }
double Log2(double v) { return std::log2(v); }
double Log10(double v) { return std::log10(v); }
double Sin(double v) { return std::sin(v); }
double Cos(double v) { return std::cos(v); }
double Tan(double v) { return std::tan(v); }
double Asin(double v) { return std::asin(v); }
double Acos(double v) { return std::acos(v); }
double Atan(double v) { return std::atan(v); }
double Sinh(double v) { return std::sinh(v); }
double Cosh(double v) { return std::cosh(v); }
double Tanh(double v) { return std::tanh(v); }
double Asinh(double v) { return std::asinh(v); }
double Acosh(double v) { return std::acosh(v); }
double Atanh(double v) { return std::atanh(v); }
double Rad(double v) { return v * std::numbers::pi / 180; }
double Deg(double v) { return v * 180 / std::numbers::pi; }
// -1, 1, or the value itself for zeros and NaN.
double Sgn(double v) {
  if (v < 0) return -1;
  if (v > 0) return 1;
  return v;
}

Status Round(const VectorCall& c, Vector& out) {
  // Rounds half up to a multiple of to_nearest; multiplying by the inverse gives fewer
  // floating point surprises than dividing.
  const double inverse = 1.0 / ScalarArg(c, 1, 1.0);
  return ApplyToSamples(c, out,
                        [inverse](double v) { return std::floor(v * inverse + 0.5) / inverse; });
}

Status ClampBetween(const VectorCall& c, Vector& out, double min, double max) {
  if (max < min) return OkStatus();
  return ApplyToSamples(c, out, [min, max](double v) { return GoMax(min, GoMin(max, v)); });
}

Status Clamp(const VectorCall& c, Vector& out) {
  return ClampBetween(c, out, ScalarArg(c, 1, 0), ScalarArg(c, 2, 0));
}

Status ClampMax(const VectorCall& c, Vector& out) {
  return ClampBetween(c, out, -std::numeric_limits<double>::infinity(), ScalarArg(c, 1, 0));
}

Status ClampMin(const VectorCall& c, Vector& out) {
  return ClampBetween(c, out, ScalarArg(c, 1, 0), std::numeric_limits<double>::infinity());
}

// The sample's own time (the engine puts it in VectorSample::t), in seconds.
Status Timestamp(const VectorCall& c, Vector& out) {
  const Vector* in = VectorArg(c, 0);
  if (in == nullptr) return OkStatus();
  for (const VectorSample& s : *in) {
    out.push_back(
        {.labels = DropMetricName(s.labels), .t = c.t, .v = static_cast<double>(s.t) / 1000});
  }
  return OkStatus();
}

// A UTC civil time, as Go's time.Time methods report it.
struct CivilTime {
  int64_t year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..31
  int yday = 0;   // 1..366
  int wday = 0;   // 0 = Sunday
  int hour = 0;
  int minute = 0;
};

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilTime ToCivil(int64_t unix_seconds) {
  int64_t days = unix_seconds / 86400;
  int64_t secs = unix_seconds % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  CivilTime t;
  t.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  t.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  t.year = yoe + era * 400 + (t.month <= 2 ? 1 : 0);
  t.yday = static_cast<int>(days - DaysFromCivil(t.year, 1, 1) + 1);
  t.wday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  t.hour = static_cast<int>(secs / 3600);
  t.minute = static_cast<int>(secs % 3600 / 60);
  return t;
}

bool IsLeap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

// Without an argument: of the step's time. With one: of each sample's value in seconds
// (converted to an integer as Go does, so NaN and infinities give a far-away date).
template <double (*F)(const CivilTime&)>
Status Date(const VectorCall& c, Vector& out) {
  if (c.args.empty()) {
    out.push_back({.labels = {}, .t = c.t, .v = F(ToCivil(c.t / 1000))});
    return OkStatus();
  }
  return ApplyToSamples(c, out, [](double v) { return F(ToCivil(GoFloatToInt64(v))); });
}

double DaysInMonth(const CivilTime& t) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (t.month == 2 && IsLeap(t.year)) return 29;
  return kDays[t.month - 1];
}
double DayOfMonth(const CivilTime& t) { return t.day; }
double DayOfWeek(const CivilTime& t) { return t.wday; }
double DayOfYear(const CivilTime& t) { return t.yday; }
double Hour(const CivilTime& t) { return t.hour; }
double Minute(const CivilTime& t) { return t.minute; }
double Month(const CivilTime& t) { return t.month; }
double Year(const CivilTime& t) { return static_cast<double>(t.year); }

// sort and sort_desc: by value, NaN last either way; equal values keep their order.
template <bool kDescending>
Status SortByValue(const VectorCall& c, Vector& out) {
  const Vector* in = VectorArg(c, 0);
  if (in == nullptr) return OkStatus();
  size_t begin = out.size();
  for (const VectorSample& s : *in) out.push_back({.labels = s.labels, .t = c.t, .v = s.v});
  std::stable_sort(out.begin() + static_cast<ptrdiff_t>(begin), out.end(),
                   [](const VectorSample& a, const VectorSample& b) {
                     if (std::isnan(a.v) || std::isnan(b.v)) {
                       return !std::isnan(a.v) && std::isnan(b.v);
                     }
                     return kDescending ? a.v > b.v : a.v < b.v;
                   });
  return OkStatus();
}

Status Time(const VectorCall& c, Vector& out) {
  out.push_back({.labels = {}, .t = c.t, .v = static_cast<double>(c.t) / 1000});
  return OkStatus();
}

Status Pi(const VectorCall& c, Vector& out) {
  out.push_back({.labels = {}, .t = c.t, .v = std::numbers::pi});
  return OkStatus();
}

Status VectorFn(const VectorCall& c, Vector& out) {
  out.push_back({.labels = {}, .t = c.t, .v = ScalarArg(c, 0, 0)});
  return OkStatus();
}

Status MaxOf(const VectorCall& c, Vector& out) {
  out.push_back({.labels = {}, .t = c.t, .v = GoMax(ScalarArg(c, 0, 0), ScalarArg(c, 1, 0))});
  return OkStatus();
}

Status MinOf(const VectorCall& c, Vector& out) {
  out.push_back({.labels = {}, .t = c.t, .v = GoMin(ScalarArg(c, 0, 0), ScalarArg(c, 1, 0))});
  return OkStatus();
}

// Sorted by name.
constexpr FunctionImpl kMathFunctions[] = {
    {"abs", nullptr, Simple<Abs>},
    {"acos", nullptr, Simple<Acos>},
    {"acosh", nullptr, Simple<Acosh>},
    {"asin", nullptr, Simple<Asin>},
    {"asinh", nullptr, Simple<Asinh>},
    {"atan", nullptr, Simple<Atan>},
    {"atanh", nullptr, Simple<Atanh>},
    {"ceil", nullptr, Simple<Ceil>},
    {"clamp", nullptr, Clamp},
    {"clamp_max", nullptr, ClampMax},
    {"clamp_min", nullptr, ClampMin},
    {"cos", nullptr, Simple<Cos>},
    {"cosh", nullptr, Simple<Cosh>},
    {"day_of_month", nullptr, Date<DayOfMonth>},
    {"day_of_week", nullptr, Date<DayOfWeek>},
    {"day_of_year", nullptr, Date<DayOfYear>},
    {"days_in_month", nullptr, Date<DaysInMonth>},
    {"deg", nullptr, Simple<Deg>},
    {"exp", nullptr, Simple<Exp>},
    {"floor", nullptr, Simple<Floor>},
    {"hour", nullptr, Date<Hour>},
    {"ln", nullptr, Simple<Ln>},
    {"log10", nullptr, Simple<Log10>},
    {"log2", nullptr, Simple<Log2>},
    {"max_of", nullptr, MaxOf},
    {"min_of", nullptr, MinOf},
    {"minute", nullptr, Date<Minute>},
    {"month", nullptr, Date<Month>},
    {"pi", nullptr, Pi},
    {"rad", nullptr, Simple<Rad>},
    {"round", nullptr, Round},
    {"sgn", nullptr, Simple<Sgn>},
    {"sin", nullptr, Simple<Sin>},
    {"sinh", nullptr, Simple<Sinh>},
    {"sort", nullptr, SortByValue<false>},
    {"sort_desc", nullptr, SortByValue<true>},
    {"sqrt", nullptr, Simple<Sqrt>},
    {"tan", nullptr, Simple<Tan>},
    {"tanh", nullptr, Simple<Tanh>},
    {"time", nullptr, Time},
    {"timestamp", nullptr, Timestamp},
    {"vector", nullptr, VectorFn},
    {"year", nullptr, Date<Year>},
};

}  // namespace

std::span<const FunctionImpl> MathFunctionImpls() { return kMathFunctions; }

}  // namespace osprey::promql::internal
