#include "server/dashboards_api.h"

#include <nlohmann/json.hpp>
#include <random>
#include <utility>

#include "base/strings.h"
#include "http/response.h"
#include "server/api_params.h"

namespace osprey::server {
namespace {

using nlohmann::json;

template <typename... Pieces>
std::string Cat(const Pieces&... pieces) {
  std::string out;
  (out.append(pieces), ...);
  return out;
}

size_t Utf8Chars(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string Index(std::string_view base, size_t i) {
  return Cat(base, "[", std::to_string(i), "]");
}

// dashboard.uid: Grafana's alphabet and length, so imported dashboards keep theirs.
bool ValidUid(std::string_view uid) {
  if (uid.empty() || uid.size() > 40) return false;
  for (char c : uid) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

// Checks "panels" (an array of objects) at `where`, and the panels of collapsed rows below.
Status ValidatePanels(const json& panels, const std::string& where, int row_depth) {
  if (!panels.is_array()) return InvalidArgumentError(Cat(where, ": must be an array"));
  for (size_t i = 0; i < panels.size(); ++i) {
    const json& p = panels[i];
    std::string at = Index(where, i);
    if (!p.is_object()) return InvalidArgumentError(Cat(at, ": must be an object"));
    if (auto it = p.find("panels"); it != p.end() && row_depth < 2) {
      OSPREY_RETURN_IF_ERROR(ValidatePanels(*it, Cat(at, ".panels"), row_depth + 1));
    }
  }
  return OkStatus();
}

// Validates the dashboard object `d` found at `where` ("dashboard") and fills `out`.
Status ValidateDashboard(json& d, std::string_view where, DashboardRequest& out) {
  if (!d.is_object()) return InvalidArgumentError(Cat(where, ": must be a JSON object"));
  auto title = d.find("title");
  if (title == d.end() || !title->is_string() || title->get_ref<const std::string&>().empty()) {
    return InvalidArgumentError(Cat(where, ".title: required, a non-empty string"));
  }
  out.content.title = title->get<std::string>();
  if (size_t n = Utf8Chars(out.content.title); n > kMaxDashboardTitleChars) {
    return InvalidArgumentError(Cat(where, ".title: ", std::to_string(n),
                                    " characters, more than the limit of ",
                                    std::to_string(kMaxDashboardTitleChars)));
  }
  if (auto tags = d.find("tags"); tags != d.end() && !tags->is_null()) {
    std::string at = Cat(where, ".tags");
    if (!tags->is_array()) return InvalidArgumentError(Cat(at, ": must be an array of strings"));
    if (tags->size() > kMaxDashboardTags) {
      return InvalidArgumentError(Cat(at, ": ", std::to_string(tags->size()),
                                      " tags, more than the limit of ",
                                      std::to_string(kMaxDashboardTags)));
    }
    for (size_t i = 0; i < tags->size(); ++i) {
      const json& t = (*tags)[i];
      if (!t.is_string()) return InvalidArgumentError(Cat(Index(at, i), ": must be a string"));
      if (Utf8Chars(t.get_ref<const std::string&>()) > kMaxDashboardTagChars) {
        return InvalidArgumentError(Cat(Index(at, i), ": longer than ",
                                        std::to_string(kMaxDashboardTagChars), " characters"));
      }
      out.content.tags.push_back(t.get<std::string>());
    }
  }
  if (auto panels = d.find("panels"); panels != d.end() && !panels->is_null()) {
    OSPREY_RETURN_IF_ERROR(ValidatePanels(*panels, Cat(where, ".panels"), 0));
  }
  if (auto uid = d.find("uid"); uid != d.end() && !uid->is_null()) {
    if (!uid->is_string()) return InvalidArgumentError(Cat(where, ".uid: must be a string"));
    const std::string& u = uid->get_ref<const std::string&>();
    if (!u.empty()) {
      if (!ValidUid(u)) {
        return InvalidArgumentError(
            Cat(where, ".uid: must be 1 to 40 letters, digits, '-' or '_'"));
      }
      out.uid = u;
    }
  }
  if (auto v = d.find("version"); v != d.end()) {
    if (v->is_number_integer()) out.version = v->get<int64_t>();
    d.erase(v);  // the store's version is the one that counts
  }
  return OkStatus();
}

// Parses `text` as JSON, or kInvalidArgument naming `where` and nlohmann's position.
Result<json> ParseJson(std::string_view text, std::string_view where) {
  if (JsonNestingDepth(text) > kMaxDashboardJsonDepth) {
    return InvalidArgumentError(Cat(where, ": JSON nested deeper than ",
                                    std::to_string(kMaxDashboardJsonDepth), " levels"));
  }
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 2: ..." -> from "parse".
    std::string_view msg = e.what();
    if (size_t p = msg.find("] "); p != std::string_view::npos) msg.remove_prefix(p + 2);
    return InvalidArgumentError(Cat(where, ": invalid JSON: ", msg));
  }
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string NewUid() {
  static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device rd;
  std::string uid;
  for (int i = 0; i < 12; ++i) uid.push_back(kAlphabet[rd() % kAlphabet.size()]);
  return uid;
}

json Summary(const DashboardRecord& r) {
  return json{{"uid", r.uid},
              {"title", r.title},
              {"tags", r.tags},
              {"provisioned", r.provisioned},
              {"version", r.version},
              {"created_at", FormatRfc3339Millis(std::max<int64_t>(r.created_ms, 0))},
              {"updated_at", FormatRfc3339Millis(std::max<int64_t>(r.updated_ms, 0))}};
}

}  // namespace

int JsonNestingDepth(std::string_view text) {
  int depth = 0;
  int max_depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      max_depth = std::max(max_depth, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return max_depth;
}

Result<DashboardRequest> ParseDashboardObject(std::string_view text, std::string_view where) {
  OSPREY_ASSIGN_OR_RETURN(json d, ParseJson(text, where));
  DashboardRequest out;
  OSPREY_RETURN_IF_ERROR(ValidateDashboard(d, where, out));
  out.content.json = Dump(d);
  return out;
}

Result<DashboardRequest> ParseDashboardRequest(std::string_view body) {
  if (body.size() > kMaxDashboardBodyBytes) {
    return ResourceExhaustedError(Cat("request body is ", std::to_string(body.size()),
                                      " bytes, more than the limit of 4 MiB"));
  }
  OSPREY_ASSIGN_OR_RETURN(json root, ParseJson(body, "body"));
  if (!root.is_object()) return InvalidArgumentError("body: must be a JSON object");
  auto d = root.find("dashboard");
  if (d == root.end()) {
    return InvalidArgumentError(
        "dashboard: required, the dashboard object ({\"dashboard\":{...}})");
  }
  DashboardRequest out;
  OSPREY_RETURN_IF_ERROR(ValidateDashboard(*d, "dashboard", out));
  if (auto v = root.find("version"); v != root.end() && !v->is_null()) {
    if (!v->is_number_integer()) return InvalidArgumentError("version: must be an integer");
    out.version = v->get<int64_t>();
  }
  out.content.json = Dump(*d);
  return out;
}

DashboardsApi::DashboardsApi(DashboardStore& store, metrics::Registry& registry)
    : store_(store),
      errors_(registry.NewCounterFamily("osprey_dashboard_api_errors_total",
                                        "Dashboard API requests that failed, by reason.",
                                        {"reason"})) {
  for (std::string_view reason :
       {"bad_request", "too_large", "not_found", "conflict", "forbidden", "internal"}) {
    errors_.WithLabels({reason});
  }
}

http::Response DashboardsApi::Error(const Status& s) {
  http::Response response = http::StatusErrorResponse(s);
  std::string_view reason = "internal";
  switch (response.status) {
    case 400:
      reason = "bad_request";
      break;
    case 413:
      reason = "too_large";
      break;
    case 404:
      reason = "not_found";
      break;
    case 409:
      reason = "conflict";
      break;
    case 403:
      reason = "forbidden";
      break;
    default:
      break;
  }
  errors_.WithLabels({reason}).Inc();
  return response;
}

http::Response DashboardsApi::List() {
  Result<std::vector<DashboardRecord>> list = store_.List();
  if (!list.ok()) return Error(list.status());
  json data = json::array();
  for (const DashboardRecord& r : *list) data.push_back(Summary(r));
  return http::Response::Json(SuccessJson(std::move(data)));
}

http::Response DashboardsApi::Get(const http::Request& request) {
  Result<DashboardRecord> r = store_.Get(request.PathParam("uid"));
  if (!r.ok()) return Error(r.status());
  json d = json::parse(r->json, nullptr, /*allow_exceptions=*/false);
  if (!d.is_object()) d = json::object();
  d["uid"] = r->uid;
  d["version"] = r->version;
  json data = Summary(*r);
  data["dashboard"] = std::move(d);
  return http::Response::Json(SuccessJson(std::move(data)));
}

http::Response DashboardsApi::Create(const http::Request& request) {
  Result<DashboardRequest> req = ParseDashboardRequest(request.body);
  if (!req.ok()) return Error(req.status());
  // A generated uid that collides (1 in 36^12 per pair) is retried.
  for (int attempt = 0;; ++attempt) {
    std::string uid = req->uid.value_or(NewUid());
    json d = json::parse(req->content.json);  // valid: we dumped it
    d["uid"] = uid;
    DashboardContent content = req->content;
    content.json = Dump(d);
    Status s = store_.Create(uid, content, kMaxDashboards);
    if (s.code() == StatusCode::kAlreadyExists && !req->uid && attempt < 3) continue;
    if (!s.ok()) return Error(s);
    return http::Response::Json(SuccessJson(json{{"uid", uid}, {"version", 1}}));
  }
}

http::Response DashboardsApi::Update(const http::Request& request) {
  std::string uid(request.PathParam("uid"));
  Result<DashboardRequest> req = ParseDashboardRequest(request.body);
  if (!req.ok()) return Error(req.status());
  if (req->uid && *req->uid != uid) {
    return Error(
        InvalidArgumentError(Cat("dashboard.uid: \"", *req->uid, "\" differs from the URL's \"",
                                 uid, "\"; to save a copy, POST it without a uid")));
  }
  if (!req->version) {
    return Error(InvalidArgumentError(
        "version: required, the version of the dashboard you loaded (for conflict checks)"));
  }
  json d = json::parse(req->content.json);
  d["uid"] = uid;
  req->content.json = Dump(d);
  Result<int64_t> version = store_.Update(uid, *req->version, req->content);
  if (!version.ok()) return Error(version.status());
  return http::Response::Json(SuccessJson(json{{"uid", uid}, {"version", *version}}));
}

http::Response DashboardsApi::Delete(const http::Request& request) {
  Status s = store_.Delete(request.PathParam("uid"));
  if (!s.ok()) return Error(s);
  return http::Response::Json(SuccessJson(nullptr));
}

void DashboardsApi::RegisterRoutes(http::Router& router) {
  router.Handle("GET", "/api/v1/dashboards", [this](const http::Request&) { return List(); });
  router.Handle("POST", "/api/v1/dashboards", [this](const http::Request& r) { return Create(r); });
  router.Handle("GET", "/api/v1/dashboards/:uid",
                [this](const http::Request& r) { return Get(r); });
  router.Handle("PUT", "/api/v1/dashboards/:uid",
                [this](const http::Request& r) { return Update(r); });
  router.Handle("DELETE", "/api/v1/dashboards/:uid",
                [this](const http::Request& r) { return Delete(r); });
}

Result<int> ProvisionDashboards(DashboardStore& store, std::span<const EmbeddedFile> files,
                                std::vector<std::string>& skipped) {
  std::vector<ProvisionedDashboard> dashboards;
  for (const EmbeddedFile& f : files) {
    std::string where = Cat("dashboards/", f.path);
    Result<DashboardRequest> d = ParseDashboardObject(f.data, where);
    if (!d.ok()) {
      skipped.push_back(d.status().message());
      continue;
    }
    if (!d->uid) {
      skipped.push_back(Cat(where, ".uid: required for a provisioned dashboard"));
      continue;
    }
    dashboards.push_back({.uid = *d->uid, .content = std::move(d->content)});
  }
  return store.Provision(dashboards);
}

}  // namespace osprey::server
