// Fuzzes the incidents API's request handling (path ids, query filters, JSON bodies, actor
// headers, ack-link tokens) against a real incidents::Manager on a temp SQLite file holding
// one incident: every answer is a JSON envelope (API) or an HTML page (/ack), with a status
// the API documents, never a crash.
//
// Input: byte 0 picks the route, byte 1 the X-Osprey-Via header; the rest up to the first
// "\n" is the route's variable part (id, query or token), after it the body.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "alerting/pipeline.h"
#include "base/check.h"
#include "base/clock.h"
#include "http/router.h"
#include "incidents/ack_links.h"
#include "incidents/manager.h"
#include "server/incidents_api.h"

namespace {

using namespace osprey;  // NOLINT: fuzzer entry point

struct Env {
  Env() {
    char tmpl[] = "/tmp/incidents-api-fuzz-XXXXXX";
    OSPREY_CHECK(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    auto m = incidents::Manager::Open(
        {.db_path = dir + "/incidents.db", .clock = &clock, .ack_links = &links, .workers = 1});
    OSPREY_CHECK(m.ok()) << m.status().ToString();
    manager = std::move(m).value();
    config::IncidentsConfig cfg;
    cfg.enabled = true;
    cfg.people = {{.name = "alice"}, {.name = "bob"}};
    OSPREY_CHECK(manager->ApplyConfig(cfg, "http://osprey.example").ok());
    alerting::FlushRequest flush;
    flush.receiver = "ops";
    flush.group_key = "{}:{alertname=\"X\"}";
    flush.group_labels = model::Labels::FromStrings({"alertname", "X"});
    flush.now = clock.NowMillis();
    model::Alert a;
    a.labels = model::Labels::FromStrings({"alertname", "X", "service", "db"});
    a.starts_at = flush.now;
    flush.alerts = {a};
    manager->observer()->OnFlush(flush, flush.alerts);
    manager->WaitIdleForTest();
    source = std::make_unique<server::IncidentsApiSource>(server::IncidentsApiSource{
        .manager = *manager,
        .external_url = [] { return std::string("http://osprey.example"); },
        .policies_now = [] { return std::vector<server::PolicyOnCall>{}; }});
    server::RegisterIncidentsRoutes(router, *source);
  }
  ~Env() {
    manager->Shutdown();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  std::string dir;
  SystemClock clock;
  incidents::HmacAckLinks links{std::string(32, 'k'), 3600 * 1000};
  std::unique_ptr<incidents::Manager> manager;
  std::unique_ptr<server::IncidentsApiSource> source;
  http::Router router;
};

Env& GetEnv() {
  static Env env;
  return env;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  Env& env = GetEnv();
  std::string_view in(reinterpret_cast<const char*>(data) + 2, size - 2);
  const size_t nl = in.find('\n');
  const std::string_view part = in.substr(0, nl);
  const std::string_view body = nl == std::string_view::npos ? "" : in.substr(nl + 1);

  static constexpr const char* kActions[] = {"ack", "resolve", "notes", "assign", "severity"};
  http::Request req;
  req.method = "GET";
  std::string target;
  switch (data[0] % 8) {
    case 0:
      target = std::string("/api/v1/incidents?").append(part);
      break;
    case 1:
      target = std::string("/api/v1/incidents/").append(part);
      break;
    case 2:
      target = "/api/v1/oncall";
      break;
    case 3:
      target = std::string("/ack/").append(part);
      break;
    default:
      req.method = "POST";
      target = std::string("/api/v1/incidents/")
                   .append(part)
                   .append("/")
                   .append(kActions[(data[0] / 8) % 5]);
  }
  if (!http::ParseTarget(target, req).ok()) return 0;
  req.target = target;
  req.body = std::string(body);
  static constexpr const char* kVia[] = {"", "cli", "ui", "api", "x"};
  if (data[1] % 5 != 0) req.headers.push_back({"X-Osprey-Via", kVia[data[1] % 5]});
  if (data[1] & 0x80) req.headers.push_back({"Authorization", "Basic YWxpY2U6cHc="});

  http::Response resp = env.router.Dispatch(req);
  const int s = resp.status;
  OSPREY_CHECK(s == 200 || s == 400 || s == 403 || s == 404 || s == 405 || s == 409 || s == 410)
      << s << " " << resp.body;
  if (req.path.starts_with("/api/")) {
    nlohmann::json j = nlohmann::json::parse(resp.body, nullptr, /*allow_exceptions=*/false);
    OSPREY_CHECK(!j.is_discarded() && j.contains("status")) << resp.body;
  } else if (req.path.starts_with("/ack/") && s != 404 && s != 405) {
    OSPREY_CHECK(resp.body.starts_with("<!doctype html>")) << resp.body;
  }
  return 0;
}
