#include "promql/functions.h"

#include <algorithm>

namespace osprey::promql {
namespace {

constexpr ValueType kS = ValueType::kScalar;
constexpr ValueType kV = ValueType::kVector;
constexpr ValueType kM = ValueType::kMatrix;
constexpr ValueType kStr = ValueType::kString;

// Sorted by name (LookupFunction binary-searches it).
// {name, argument types, argument count, variadic, return type, experimental}
constexpr Function kFunctions[] = {
    {"abs", {kV}, 1, 0, kV, false},
    {"absent", {kV}, 1, 0, kV, false},
    {"absent_over_time", {kM}, 1, 0, kV, false},
    {"acos", {kV}, 1, 0, kV, false},
    {"acosh", {kV}, 1, 0, kV, false},
    {"asin", {kV}, 1, 0, kV, false},
    {"asinh", {kV}, 1, 0, kV, false},
    {"atan", {kV}, 1, 0, kV, false},
    {"atanh", {kV}, 1, 0, kV, false},
    {"avg_over_time", {kM}, 1, 0, kV, false},
    {"ceil", {kV}, 1, 0, kV, false},
    {"changes", {kM}, 1, 0, kV, false},
    {"clamp", {kV, kS, kS}, 3, 0, kV, false},
    {"clamp_max", {kV, kS}, 2, 0, kV, false},
    {"clamp_min", {kV, kS}, 2, 0, kV, false},
    {"cos", {kV}, 1, 0, kV, false},
    {"cosh", {kV}, 1, 0, kV, false},
    {"count_over_time", {kM}, 1, 0, kV, false},
    {"day_of_month", {kV}, 1, 1, kV, false},
    {"day_of_week", {kV}, 1, 1, kV, false},
    {"day_of_year", {kV}, 1, 1, kV, false},
    {"days_in_month", {kV}, 1, 1, kV, false},
    {"deg", {kV}, 1, 0, kV, false},
    {"delta", {kM}, 1, 0, kV, false},
    {"deriv", {kM}, 1, 0, kV, false},
    {"double_exponential_smoothing", {kM, kS, kS}, 3, 0, kV, true},
    {"end", {}, 0, 0, kS, true},
    {"exp", {kV}, 1, 0, kV, false},
    {"first_over_time", {kM}, 1, 0, kV, false},
    {"floor", {kV}, 1, 0, kV, false},
    {"histogram_avg", {kV}, 1, 0, kV, false},
    {"histogram_count", {kV}, 1, 0, kV, false},
    {"histogram_fraction", {kS, kS, kV}, 3, 0, kV, false},
    {"histogram_quantile", {kS, kV}, 2, 0, kV, false},
    {"histogram_quantiles", {kV, kStr, kS, kS}, 4, 9, kV, true},
    {"histogram_stddev", {kV}, 1, 0, kV, false},
    {"histogram_stdvar", {kV}, 1, 0, kV, false},
    {"histogram_sum", {kV}, 1, 0, kV, false},
    {"hour", {kV}, 1, 1, kV, false},
    {"idelta", {kM}, 1, 0, kV, false},
    {"increase", {kM}, 1, 0, kV, false},
    {"info", {kV, kV}, 2, 1, kV, true},
    {"irate", {kM}, 1, 0, kV, false},
    {"label_join", {kV, kStr, kStr, kStr}, 4, -1, kV, false},
    {"label_replace", {kV, kStr, kStr, kStr, kStr}, 5, 0, kV, false},
    {"last_over_time", {kM}, 1, 0, kV, false},
    {"ln", {kV}, 1, 0, kV, false},
    {"log10", {kV}, 1, 0, kV, false},
    {"log2", {kV}, 1, 0, kV, false},
    {"mad_over_time", {kM}, 1, 0, kV, true},
    {"max_of", {kS, kS}, 2, 0, kS, true},
    {"max_over_time", {kM}, 1, 0, kV, false},
    {"min_of", {kS, kS}, 2, 0, kS, true},
    {"min_over_time", {kM}, 1, 0, kV, false},
    {"minute", {kV}, 1, 1, kV, false},
    {"month", {kV}, 1, 1, kV, false},
    {"pi", {}, 0, 0, kS, false},
    {"predict_linear", {kM, kS}, 2, 0, kV, false},
    {"present_over_time", {kM}, 1, 0, kV, false},
    {"quantile_over_time", {kS, kM}, 2, 0, kV, false},
    {"rad", {kV}, 1, 0, kV, false},
    {"range", {}, 0, 0, kS, true},
    {"rate", {kM}, 1, 0, kV, false},
    {"resets", {kM}, 1, 0, kV, false},
    {"round", {kV, kS}, 2, 1, kV, false},
    {"scalar", {kV}, 1, 0, kS, false},
    {"sgn", {kV}, 1, 0, kV, false},
    {"sin", {kV}, 1, 0, kV, false},
    {"sinh", {kV}, 1, 0, kV, false},
    {"sort", {kV}, 1, 0, kV, false},
    {"sort_by_label", {kV, kStr}, 2, -1, kV, true},
    {"sort_by_label_desc", {kV, kStr}, 2, -1, kV, true},
    {"sort_desc", {kV}, 1, 0, kV, false},
    {"sqrt", {kV}, 1, 0, kV, false},
    {"start", {}, 0, 0, kS, true},
    {"start_timestamp", {kV}, 1, 0, kV, true},
    {"stddev_over_time", {kM}, 1, 0, kV, false},
    {"stdvar_over_time", {kM}, 1, 0, kV, false},
    {"step", {}, 0, 0, kS, true},
    {"sum_over_time", {kM}, 1, 0, kV, false},
    {"tan", {kV}, 1, 0, kV, false},
    {"tanh", {kV}, 1, 0, kV, false},
    {"time", {}, 0, 0, kS, false},
    {"timestamp", {kV}, 1, 0, kV, false},
    {"ts_of_first_over_time", {kM}, 1, 0, kV, true},
    {"ts_of_last_over_time", {kM}, 1, 0, kV, true},
    {"ts_of_max_over_time", {kM}, 1, 0, kV, true},
    {"ts_of_min_over_time", {kM}, 1, 0, kV, true},
    {"vector", {kS}, 1, 0, kV, false},
    {"year", {kV}, 1, 1, kV, false},
};

}  // namespace

const Function* LookupFunction(std::string_view name) {
  const Function* end = std::end(kFunctions);
  const Function* it =
      std::lower_bound(std::begin(kFunctions), end, name,
                       [](const Function& f, std::string_view n) { return f.name < n; });
  if (it == end || it->name != name) return nullptr;
  return it;
}

std::span<const Function> AllFunctions() { return kFunctions; }

}  // namespace osprey::promql
