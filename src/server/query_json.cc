// The encoders follow Prometheus byte for byte where clients could tell the difference:
// vector and matrix points go through jsonutil (MarshalTimestamp: integer seconds plus three
// millisecond digits; MarshalFloat: 'f' or 'e' by magnitude), while scalar and string
// results use promql.Scalar/String.MarshalJSON (encoding/json of float64(t)/1000, and the
// value with 'f' always). Object keys come in Prometheus's struct field order.
#include "server/query_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "http/response.h"
#include "promql/printer.h"

namespace osprey::server {
namespace {

// Prometheus's AsStrings(query, 10, 10) limits.
constexpr size_t kMaxAnnotations = 10;

// Go's strconv.AppendFloat(v, fmt, -1, 64) for finite v: the shortest digits that round-trip.
void AppendShortest(std::string& out, double v, bool exponent) {
  char buf[400];
  auto res = std::to_chars(buf, buf + sizeof(buf), v,
                           exponent ? std::chars_format::scientific : std::chars_format::fixed);
  out.append(buf, res.ptr);
}

bool UseExponent(double v) {
  double abs = std::fabs(v);
  return abs != 0 && (abs < 1e-6 || abs >= 1e21);
}

// A float64 as Go's encoding/json writes a JSON number: as MarshalFloat but unquoted, and
// "e-07" shortened to "e-7". Requires: finite v.
void AppendGoJsonNumber(std::string& out, double v) {
  bool exp = UseExponent(v);
  size_t start = out.size();
  AppendShortest(out, v, exp);
  size_t n = out.size() - start;
  if (exp && n >= 4 && out[out.size() - 4] == 'e' && out[out.size() - 3] == '-' &&
      out[out.size() - 2] == '0') {
    out.erase(out.size() - 2, 1);
  }
}

void AppendPoint(std::string& out, model::Timestamp t, double v) {
  out += '[';
  AppendApiTimestamp(out, t);
  out += ',';
  AppendApiFloat(out, v);
  out += ']';
}

void AppendVector(std::string& out, const promql::Vector& vector) {
  out += '[';
  for (size_t i = 0; i < vector.size(); ++i) {
    if (i > 0) out += ',';
    out += R"({"metric":)";
    AppendLabelsJson(out, vector[i].labels);
    out += R"(,"value":)";
    AppendPoint(out, vector[i].t, vector[i].v);
    out += '}';
  }
  out += ']';
}

void AppendMatrix(std::string& out, const promql::Matrix& matrix) {
  out += '[';
  for (size_t i = 0; i < matrix.size(); ++i) {
    if (i > 0) out += ',';
    out += R"({"metric":)";
    AppendLabelsJson(out, matrix[i].labels);
    // As Prometheus: no "values" key for a series without points.
    const auto& points = matrix[i].points;
    if (!points.empty()) {
      out += R"(,"values":[)";
      for (size_t j = 0; j < points.size(); ++j) {
        if (j > 0) out += ',';
        AppendPoint(out, points[j].t, points[j].v);
      }
      out += ']';
    }
    out += '}';
  }
  out += ']';
}

void AppendStats(std::string& out, const promql::QueryStats& stats, const QueryTimings& t) {
  double eval_total = t.eval_seconds + t.sort_seconds;
  double exec_total = t.queue_seconds + t.prepare_seconds + eval_total;
  auto field = [&out](std::string_view name, double v, bool first = false) {
    if (!first) out += ',';
    out += '"';
    out += name;
    out += "\":";
    AppendGoJsonNumber(out, v);
  };
  out += R"("stats":{"timings":{)";
  field("evalTotalTime", eval_total, /*first=*/true);
  field("resultSortTime", t.sort_seconds);
  field("queryPreparationTime", t.prepare_seconds);
  field("innerEvalTime", t.eval_seconds);
  field("execQueueTime", t.queue_seconds);
  field("execTotalTime", exec_total);
  out += R"(},"samples":{"totalQueryableSamples":)";
  out += std::to_string(stats.total_queryable_samples);
  out += R"(,"peakSamples":)";
  out += std::to_string(stats.peak_samples);
  out += "}}";
}

void AppendStringArray(std::string& out, std::string_view name,
                       const std::vector<std::string>& items, std::string_view kind) {
  if (items.empty()) return;
  out += ",\"";
  out += name;
  out += "\":[";
  size_t shown = std::min(items.size(), kMaxAnnotations);
  for (size_t i = 0; i < shown; ++i) {
    if (i > 0) out += ',';
    http::AppendJsonString(out, items[i]);
  }
  if (items.size() > shown) {
    out += ',';
    http::AppendJsonString(out, std::to_string(items.size() - shown)
                                    .append(" more ")
                                    .append(kind)
                                    .append(" annotations omitted"));
  }
  out += ']';
}

}  // namespace

void AppendApiTimestamp(std::string& out, model::Timestamp t) {
  // Unsigned so that the magnitude of INT64_MIN is representable.
  uint64_t abs = static_cast<uint64_t>(t);
  if (t < 0) {
    out += '-';
    abs = 0 - abs;
  }
  out += std::to_string(abs / 1000);
  uint64_t fraction = abs % 1000;
  if (fraction != 0) {
    char buf[8];
    std::snprintf(buf, sizeof(buf), ".%03u", static_cast<unsigned>(fraction));
    out += buf;
  }
}

std::string FormatApiFloat(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  std::string out;
  AppendShortest(out, v, UseExponent(v));
  return out;
}

void AppendApiFloat(std::string& out, double v) {
  out += '"';
  out += FormatApiFloat(v);
  out += '"';
}

void AppendLabelsJson(std::string& out, const model::Labels& labels) {
  out += '{';
  bool first = true;
  for (const model::Label& l : labels) {
    if (!first) out += ',';
    first = false;
    http::AppendJsonString(out, l.name);
    out += ':';
    http::AppendJsonString(out, l.value);
  }
  out += '}';
}

std::string QueryResultJson(const promql::QueryResult& result, const QueryJsonOptions& options) {
  std::string out = R"({"status":"success","data":{"resultType":)";
  promql::ValueType type = result.type;
  if (type == promql::ValueType::kNone) type = promql::ValueType::kVector;
  http::AppendJsonString(out, promql::ValueTypeName(type));
  out += R"(,"result":)";
  switch (type) {
    case promql::ValueType::kNone:
    case promql::ValueType::kVector:
      AppendVector(out, result.vector);
      break;
    case promql::ValueType::kMatrix:
      AppendMatrix(out, result.matrix);
      break;
    case promql::ValueType::kScalar:
      out += '[';
      AppendGoJsonNumber(out, static_cast<double>(result.t) / 1000);
      out += ',';
      http::AppendJsonString(out, promql::FormatFloat(result.scalar));
      out += ']';
      break;
    case promql::ValueType::kString:
      out += '[';
      AppendGoJsonNumber(out, static_cast<double>(result.t) / 1000);
      out += ',';
      http::AppendJsonString(out, result.string);
      out += ']';
      break;
  }
  if (options.include_stats) {
    out += ',';
    AppendStats(out, result.stats, options.timings);
  }
  out += '}';
  std::vector<std::string> warnings = result.annotations.Warnings(options.query);
  warnings.insert(warnings.end(), options.extra_warnings.begin(), options.extra_warnings.end());
  AppendStringArray(out, "warnings", warnings, "warning");
  AppendStringArray(out, "infos", result.annotations.Infos(options.query), "info");
  out += '}';
  return out;
}

}  // namespace osprey::server
