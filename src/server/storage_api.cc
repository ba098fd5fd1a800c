#include "server/storage_api.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "http/response.h"
#include "ingest/text_importer.h"
#include "metrics/registry.h"
#include "server/api_params.h"

namespace osprey::server {
namespace {

using http::ErrorResponse;
using http::Request;
using http::Response;
using nlohmann::json;

Response BadData(const Status& s) { return ErrorResponse(400, "bad_data", s.message()); }

json LabelsJson(const model::Labels& labels) {
  json o = json::object();
  for (const model::Label& l : labels) o[l.name] = l.value;
  return o;
}

// Maps an ingestion outcome to Prometheus's remote-write receiver answers.
Response WriteResponse(const Result<ingest::WriteOutcome>& r) {
  if (!r.ok()) return Response::Text(r.status().message() + "\n", 400);
  switch (r->Classify()) {
    case ingest::RequestOutcome::kSuccess:
      return Response::Text("", 204);
    case ingest::RequestOutcome::kRejected: {
      std::string msg = r->first_error;
      if (r->samples_rejected > 1) {
        msg += " (" + std::to_string(r->samples_rejected) + " samples rejected, " +
               std::to_string(r->samples_accepted) + " accepted)";
      }
      return Response::Text(msg + "\n", 400);
    }
    case ingest::RequestOutcome::kCommitFailed:
    case ingest::RequestOutcome::kMalformed:
      break;
  }
  return Response::Text("storage unavailable: " + r->commit_status.message() + "\n", 503);
}

// The series matching any of the selector sets, as label sets, sorted and deduplicated.
Result<std::vector<model::Labels>> MatchingSeries(
    storage::Queryable& q, const std::vector<std::vector<model::Matcher>>& sets,
    model::Timestamp start, model::Timestamp end) {
  OSPREY_ASSIGN_OR_RETURN(auto querier, q.NewQuerier({start, end}));
  std::set<model::Labels> out;
  for (const auto& ms : sets) {
    auto set = querier->Select({.start = start, .end = end, .series_only = true}, ms);
    while (set->Next()) out.insert(set->At().labels());
    OSPREY_RETURN_IF_ERROR(set->status());
  }
  return std::vector<model::Labels>(out.begin(), out.end());
}

// match[], start and end, as the read endpoints take them.
struct ReadParams {
  std::vector<std::vector<model::Matcher>> sets;
  model::Timestamp start = kApiMinTime;
  model::Timestamp end = kApiMaxTime;
};

Result<ReadParams> ParseReadParams(const Request& req, bool require_match) {
  ReadParams p;
  OSPREY_ASSIGN_OR_RETURN(p.sets, ParseMatchParams(req));
  if (require_match && p.sets.empty()) {
    return InvalidArgumentError("no match[] parameter provided");
  }
  OSPREY_ASSIGN_OR_RETURN(p.start, ParseTimeParam(req, "start", kApiMinTime));
  OSPREY_ASSIGN_OR_RETURN(p.end, ParseTimeParam(req, "end", kApiMaxTime));
  // No matchers: every series (LabelNames / LabelValues take an empty set as "all").
  if (p.sets.empty()) p.sets.emplace_back();
  return p;
}

// Union over the selector sets of `fn(querier, matchers)`, sorted and deduplicated.
template <typename Fn>
Response ListStrings(storage::Queryable& queryable, const ReadParams& p, Fn fn) {
  auto querier = queryable.NewQuerier({p.start, p.end});
  if (!querier.ok()) return ErrorResponse(500, "execution", querier.status().message());
  std::set<std::string> all;
  for (const auto& ms : p.sets) {
    Result<std::vector<std::string>> r = fn(**querier, ms);
    if (!r.ok()) return ErrorResponse(500, "execution", r.status().message());
    all.insert(r->begin(), r->end());
  }
  return Response::Json(SuccessJson(json(std::vector<std::string>(all.begin(), all.end()))));
}

Response AdminDisabled() { return ErrorResponse(503, "unavailable", "admin APIs disabled"); }

// Go's strconv.ParseBool, which Prometheus uses for skip_head.
std::optional<bool> ParseBool(std::string_view s) {
  for (std::string_view t : {"1", "t", "T", "TRUE", "true", "True"}) {
    if (s == t) return true;
  }
  for (std::string_view f : {"0", "f", "F", "FALSE", "false", "False"}) {
    if (s == f) return false;
  }
  return std::nullopt;
}

void RegisterAdminRoutes(http::Router& router, const StorageApi& api) {
  // Prometheus accepts POST and PUT for each admin endpoint.
  auto both = [&router](const char* path, http::Handler handler) {
    router.Handle("POST", path, handler);
    router.Handle("PUT", path, handler);
  };

  both("/api/v1/admin/tsdb/delete_series", [&api](const Request& req) {
    if (!api.enable_admin_api || !api.delete_series) return AdminDisabled();
    auto sets = ParseMatchParams(req);
    if (!sets.ok()) return BadData(sets.status());
    if (sets->empty()) return BadData(InvalidArgumentError("no match[] parameter provided"));
    auto start = ParseTimeParam(req, "start", kApiMinTime);
    if (!start.ok()) return BadData(start.status());
    auto end = ParseTimeParam(req, "end", kApiMaxTime);
    if (!end.ok()) return BadData(end.status());
    for (const auto& ms : *sets) {
      Status st = api.delete_series(ms, {*start, *end});
      if (!st.ok()) return ErrorResponse(500, "internal", st.message());
    }
    return Response::Text("", 204);
  });

  both("/api/v1/admin/tsdb/snapshot", [&api](const Request& req) {
    if (!api.enable_admin_api || !api.snapshot) return AdminDisabled();
    bool skip_head = false;
    if (auto p = req.Param("skip_head"); p && !p->empty()) {
      std::optional<bool> b = ParseBool(*p);
      if (!b) {
        return BadData(InvalidArgumentError("unable to parse boolean 'skip_head' argument"));
      }
      skip_head = *b;
    }
    Result<std::string> name = api.snapshot(!skip_head);
    if (!name.ok()) {
      return ErrorResponse(500, "internal", name.status().Annotate("create snapshot").message());
    }
    return Response::Json(SuccessJson(json{{"name", *name}}));
  });

  both("/api/v1/admin/tsdb/clean_tombstones", [&api](const Request&) {
    if (!api.enable_admin_api || !api.clean_tombstones) return AdminDisabled();
    Status st = api.clean_tombstones();
    if (!st.ok()) return ErrorResponse(500, "internal", st.message());
    return Response::Text("", 204);
  });
}

}  // namespace

void RegisterStorageRoutes(http::Router& router, const StorageApi& api) {
  RegisterStorageWriteRoutes(router, api);
  RegisterStorageReadRoutes(router, api);
}

void RegisterStorageWriteRoutes(http::Router& router, const StorageApi& api) {
  // POST /api/v1/write: Prometheus remote_write 1.0 (the server decoded the snappy body).
  router.Handle("POST", "/api/v1/write", [&api](const Request& req) {
    return WriteResponse(api.remote_write.Ingest(req.body));
  });

  // POST /api/v1/import/prometheus: text exposition format; samples without a timestamp
  // get the `timestamp` parameter (ms) or now.
  router.Handle("POST", "/api/v1/import/prometheus", [&api](const Request& req) {
    model::Timestamp ts = api.clock.NowMillis();
    // Only from the query string: the body is the exposition text, not a form.
    for (const auto& [k, v] : req.query) {
      if (k != "timestamp" || v.empty()) continue;
      Result<model::Timestamp> p = ParseTime(v);
      if (!p.ok()) return BadData(p.status().Annotate("invalid parameter \"timestamp\""));
      ts = *p;
    }
    return WriteResponse(ingest::ImportText(req.body, ts, api.appendable, {}, &api.ingest_metrics));
  });
}

void RegisterStorageReadRoutes(http::Router& router, const StorageApi& api) {
  RegisterAdminRoutes(router, api);

  auto series = [&api](const Request& req) {
    auto p = ParseReadParams(req, /*require_match=*/true);
    if (!p.ok()) return BadData(p.status());
    auto found = MatchingSeries(api.queryable, p->sets, p->start, p->end);
    if (!found.ok()) return ErrorResponse(500, "execution", found.status().message());
    json data = json::array();
    for (const model::Labels& l : *found) data.push_back(LabelsJson(l));
    return Response::Json(SuccessJson(std::move(data)));
  };
  router.Handle("GET", "/api/v1/series", series);
  router.Handle("POST", "/api/v1/series", series);

  auto labels = [&api](const Request& req) {
    auto p = ParseReadParams(req, /*require_match=*/false);
    if (!p.ok()) return BadData(p.status());
    return ListStrings(api.queryable, *p,
                       [](storage::Querier& q, const auto& ms) { return q.LabelNames(ms); });
  };
  router.Handle("GET", "/api/v1/labels", labels);
  router.Handle("POST", "/api/v1/labels", labels);

  router.Handle("GET", "/api/v1/label/:name/values", [&api](const Request& req) {
    std::string name(req.PathParam("name"));
    if (!model::IsValidLabelName(name)) {
      return BadData(InvalidArgumentError("invalid label name: \"" + name + "\""));
    }
    auto p = ParseReadParams(req, /*require_match=*/false);
    if (!p.ok()) return BadData(p.status());
    return ListStrings(api.queryable, *p, [&name](storage::Querier& q, const auto& ms) {
      return q.LabelValues(name, ms);
    });
  });

  // GET /api/v1/export: raw samples as JSON lines, one series per line, in the format
  // VictoriaMetrics' /api/v1/export uses ({"metric":{...},"values":[...],"timestamps":[...]}),
  // for backups, migrations and checking what was stored.
  router.Handle("GET", "/api/v1/export", [&api](const Request& req) {
    auto p = ParseReadParams(req, /*require_match=*/true);
    if (!p.ok()) return BadData(p.status());
    auto querier = api.queryable.NewQuerier({p->start, p->end});
    if (!querier.ok()) return ErrorResponse(500, "execution", querier.status().message());
    std::string out;
    std::set<model::Labels> seen;
    for (const auto& ms : p->sets) {
      auto set = (*querier)->Select({.start = p->start, .end = p->end}, ms);
      while (set->Next()) {
        const storage::Series& s = set->At();
        if (!seen.insert(s.labels()).second) continue;
        json values = json::array();
        json timestamps = json::array();
        auto it = s.Iterator();
        while (it->Next()) {
          model::Sample x = it->At();
          timestamps.push_back(x.t);
          if (std::isnan(x.v) || std::isinf(x.v)) {
            values.push_back(metrics::FormatValue(x.v));
          } else {
            values.push_back(x.v);
          }
        }
        if (!it->status().ok()) return ErrorResponse(500, "execution", it->status().message());
        if (timestamps.empty()) continue;
        out += json{{"metric", LabelsJson(s.labels())},
                    {"values", std::move(values)},
                    {"timestamps", std::move(timestamps)}}
                   .dump();
        out += '\n';
      }
      if (!set->status().ok()) return ErrorResponse(500, "execution", set->status().message());
    }
    return Response::Text(std::move(out), 200, "application/stream+json");
  });

  // GET /api/v1/status/tsdb: Prometheus's shape.
  router.Handle("GET", "/api/v1/status/tsdb", [&api](const Request& req) {
    size_t limit = 10;
    if (auto l = req.Param("limit"); l && !l->empty()) {
      char* end = nullptr;
      std::string s(*l);
      long v = std::strtol(s.c_str(), &end, 10);
      if (end == s.c_str() || *end != '\0' || v <= 0) {
        return BadData(InvalidArgumentError("limit must be a positive number"));
      }
      limit = static_cast<size_t>(v);
    }
    tsdb::HeadStats st = api.head_stats(limit);
    auto rows = [](const std::vector<tsdb::IndexStat>& v) {
      json a = json::array();
      for (const auto& r : v) a.push_back({{"name", r.name}, {"value", r.value}});
      return a;
    };
    json data = {
        {"headStats",
         {{"numSeries", st.num_series},
          {"numLabelPairs", st.index.num_label_pairs},
          {"chunkCount", st.num_chunks},
          {"minTime", st.num_series == 0 ? 0 : st.min_time},
          {"maxTime", st.num_series == 0 ? 0 : st.max_time}}},
        {"seriesCountByMetricName", rows(st.index.series_count_by_metric_name)},
        {"labelValueCountByLabelName", rows(st.index.label_value_count_by_label_name)},
        {"memoryInBytesByLabelName", rows(st.index.memory_in_bytes_by_label_name)},
        {"seriesCountByLabelValuePair", rows(st.index.series_count_by_label_value_pair)},
    };
    return Response::Json(SuccessJson(std::move(data)));
  });
}

}  // namespace osprey::server
