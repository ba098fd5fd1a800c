// Helpers shared by the function_impl_*.cc files (not used outside them): each file's
// table of FunctionImpl entries, Go-compatible number formatting for annotation texts,
// and label handling common to the functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"
#include "model/labels.h"
#include "promql/ast.h"
#include "promql/internal/function_impl.h"

namespace osprey::promql::internal {

// Each file's functions, sorted by name (LookupFunctionImpl binary-searches each).
std::span<const FunctionImpl> RangeFunctionImpls();      // function_impl_range.cc
std::span<const FunctionImpl> MathFunctionImpls();       // function_impl_vector.cc
std::span<const FunctionImpl> LabelFunctionImpls();      // function_impl_labels.cc
std::span<const FunctionImpl> HistogramFunctionImpls();  // function_impl_histogram.cc

// Checks a range function's scalar arguments as Prometheus does before computing:
// double_exponential_smoothing's factors must lie in (0, 1) ("invalid smoothing factor.
// Expected: 0 < sf < 1, got: 0.000000"). The engine calls it where it calls `range`, and
// fails the query with the status (RangeFunction itself cannot fail).
Status ValidateRangeScalars(std::string_view name, std::span<const double> scalars);

// Go's fmt %g (strconv.FormatFloat(v, 'g', -1, 64)): "0.5", "1e+06", "NaN", "+Inf".
std::string GoFormatG(double v);
// Prometheus's labels.FormatOpenMetricsFloat: %g with ".0" appended to integers.
std::string FormatOpenMetricsFloat(double v);
// Go's float64 -> int64 conversion on amd64: truncation; NaN and out-of-range values
// give INT64_MIN (the "integer indefinite" value).
int64_t GoFloatToInt64(double v);

// Where argument `i` of the call is; empty when unknown (no call, as in unit tests).
PositionRange ArgPosition(const Call* call, size_t i);

// The labels without __name__, __type__ and __unit__ (Prometheus's
// DropReserved(schema.IsMetadataLabel)), as functions that change a value drop them.
model::Labels DropMetricName(const model::Labels& labels);

// "quantile value should be between 0 and 1, got <q>" when q is NaN or outside [0, 1].
void MaybeWarnInvalidQuantile(double q, const Call* call, size_t arg, Annotations* annotations);

// Go's math.Max / math.Min: NaN and infinities propagate as Go defines, -0 < +0.
double GoMax(double x, double y);
double GoMin(double x, double y);

}  // namespace osprey::promql::internal
