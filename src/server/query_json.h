// JSON encoding of PromQL query results in the exact shapes of Prometheus's HTTP API
// (web/api/v1/json_codec.go and util/jsonutil):
//
//   {"status":"success","data":{"resultType":"vector","result":[
//       {"metric":{"job":"api"},"value":[1700000000.5,"0.25"]}]},
//    "warnings":["PromQL warning: ... (1:6)"]}
//
// Timestamps are Unix seconds written as a JSON number with the milliseconds kept as three
// digits ("1.100", "0.010", "-0.001", "12"). Sample values are JSON strings: Go's
// strconv.FormatFloat(v, 'f', -1, 64), switching to 'e' below 1e-6 and from 1e21 on
// ("0.0000012345678", "1.2345678e-67", "1e+21"), and "NaN", "+Inf", "-Inf".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/labels.h"
#include "model/sample.h"
#include "promql/engine.h"

namespace osprey::server {

// Appends a timestamp as Prometheus's jsonutil.MarshalTimestamp does.
void AppendApiTimestamp(std::string& out, model::Timestamp t);
// Appends a sample value as Prometheus's jsonutil.MarshalFloat does, quotes included.
void AppendApiFloat(std::string& out, double v);
// The value text without quotes.
std::string FormatApiFloat(double v);
// Appends {"name":"value",...} in label order.
void AppendLabelsJson(std::string& out, const model::Labels& labels);

// How long each part of a query took, for the stats=all "timings" object.
struct QueryTimings {
  double queue_seconds = 0;    // waiting for a --query.max-concurrency slot
  double prepare_seconds = 0;  // parsing
  double eval_seconds = 0;     // evaluation, storage reads included
  double sort_seconds = 0;     // sorting the result
};

struct QueryJsonOptions {
  // The query text, to give each annotation its " (<line>:<col>)" position.
  std::string_view query;
  // Adds "stats" (Prometheus's stats=all shape: timings and samples).
  bool include_stats = false;
  QueryTimings timings;
  // Warnings that are not PromQL annotations ("results truncated due to limit").
  std::vector<std::string> extra_warnings;
};

// The whole success response for /api/v1/query and /api/v1/query_range: the result, then
// "warnings" and "infos" when non-empty (at most 10 of each, then "N more warning
// annotations omitted", as Prometheus).
std::string QueryResultJson(const promql::QueryResult& result, const QueryJsonOptions& options);

}  // namespace osprey::server
