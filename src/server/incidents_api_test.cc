// The incidents HTTP API in-process: the real incidents::Manager on a temp SQLite file with
// a fake clock, a fake on-call resolver, a recording contact sender and the real HMAC ack
// links; requests go through the real Router.
#include "server/incidents_api.h"

#include <gtest/gtest.h>

#include <mutex>
#include <nlohmann/json.hpp>

#include "alerting/pipeline.h"
#include "base/strings.h"
#include "http/router.h"
#include "incidents/ack_links.h"
#include "metrics/registry.h"
#include "server/uptime_api.h"
#include "testing/fake_clock.h"
#include "testing/temp_dir.h"

namespace osprey::server {
namespace {

using Json = nlohmann::json;

constexpr int64_t kStart = 1'795'000'000'000;  // 2026-11-18T...
constexpr int64_t kMinute = 60'000;

class FakeOnCall final : public incidents::OnCallResolver {
 public:
  Result<incidents::OnCallAnswer> OnCallAt(const std::string& schedule,
                                           int64_t t_ms) const override {
    if (schedule != "primary") return NotFoundError("unknown schedule \"" + schedule + "\"");
    return incidents::OnCallAnswer{.people = {t_ms < kStart + 60 * kMinute ? "alice" : "bob"}};
  }
  Result<int64_t> NextChangeAfter(const std::string& schedule, int64_t t_ms) const override {
    if (schedule != "primary") return NotFoundError("unknown schedule \"" + schedule + "\"");
    return t_ms < kStart + 60 * kMinute ? kStart + 60 * kMinute : 0;
  }
};

class RecordingContacts final : public incidents::ContactSender {
 public:
  std::vector<incidents::ContactResult> Send(const incidents::ContactMessage& m) override {
    std::lock_guard lock(mu);
    messages.push_back({m.person, m.ack_url});
    return {{.method = "webhook", .address = "http://hook.example/" + m.person, .status = {}}};
  }
  std::mutex mu;
  std::vector<std::pair<std::string, std::string>> messages;  // person, ack_url
};

config::IncidentsConfig TestConfig() {
  config::IncidentsConfig c;
  c.enabled = true;
  c.default_policy = "ops";
  c.people = {{.name = "alice", .webhook = "http://hook.example/alice"},
              {.name = "bob", .webhook = "http://hook.example/bob"}};
  config::ScheduleConfig s;
  s.name = "primary";
  config::RotationConfig r;
  r.name = "weekly";
  r.start = {.year = 2026, .month = 1, .day = 5, .hour = 9};
  r.participants = {"alice", "bob"};
  s.rotations.push_back(r);
  c.schedules.push_back(s);
  config::EscalationPolicyConfig p;
  p.name = "ops";
  p.levels.push_back({.targets = {{.schedule = "primary"}}, .escalate_after = {10 * kMinute}});
  p.levels.push_back({.targets = {{.person = "bob"}}, .escalate_after = {10 * kMinute}});
  c.escalation_policies.push_back(p);
  return c;
}

class IncidentsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto m = incidents::Manager::Open({.db_path = dir_.Join("incidents.db"),
                                       .clock = &clock_,
                                       .registry = &registry_,
                                       .oncall = &oncall_,
                                       .contacts = &contacts_,
                                       .ack_links = &links_});
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    manager_ = std::move(m).value();
    ASSERT_TRUE(manager_->ApplyConfig(TestConfig(), "http://osprey.example").ok());
    source_ = std::make_unique<IncidentsApiSource>(
        IncidentsApiSource{.manager = *manager_,
                           .external_url = [] { return std::string("http://osprey.example"); },
                           .policies_now =
                               [] {
                                 return std::vector<PolicyOnCall>{{"ops", {"alice"}}};
                               }});
    RegisterIncidentsRoutes(router_, *source_);
  }
  void TearDown() override {
    if (manager_ != nullptr) manager_->Shutdown();
  }

  // Opens an incident for a group with one firing alert; returns its id.
  int64_t Fire(const std::string& alertname, const std::string& severity,
               const std::string& service, const std::string& summary = "") {
    alerting::FlushRequest flush;
    flush.receiver = "ops";
    flush.group_labels = model::Labels::FromStrings({"alertname", alertname});
    flush.group_key = "{}:{alertname=\"" + alertname + "\"}";
    flush.now = clock_.NowMillis();
    model::Alert a;
    a.labels = model::Labels::FromStrings(
        {"alertname", alertname, "instance", "db1:9100", "service", service, "severity", severity});
    if (!summary.empty()) a.annotations = model::Labels::FromStrings({"summary", summary});
    a.starts_at = clock_.NowMillis();
    a.generator_url = "http://prom.example/graph";
    flush.alerts = {a};
    manager_->observer()->OnFlush(flush, flush.alerts);
    manager_->WaitIdleForTest();
    std::vector<incidents::Incident> all = manager_->List({});
    for (const incidents::Incident& i : all) {
      if (i.group_key == flush.group_key) return i.id;
    }
    ADD_FAILURE() << "no incident opened for " << alertname;
    return 0;
  }

  struct Reply {
    int status = 0;
    Json json;
    std::string body;
  };
  Reply Call(const std::string& method, const std::string& target, const std::string& body = "",
             http::KeyValues headers = {}) {
    http::Request req;
    req.method = method;
    req.target = target;
    req.headers = std::move(headers);
    req.body = body;
    Status s = http::ParseTarget(target, req);
    EXPECT_TRUE(s.ok()) << s.ToString();
    http::Response resp = router_.Dispatch(req);
    manager_->WaitIdleForTest();
    Reply r{resp.status, Json::parse(resp.body, nullptr, false), resp.body};
    return r;
  }

  testing::TempDir dir_;
  testing::FakeClock clock_{kStart};
  metrics::Registry registry_;
  FakeOnCall oncall_;
  RecordingContacts contacts_;
  incidents::HmacAckLinks links_{std::string(32, 'k'), 24 * 60 * kMinute};
  std::unique_ptr<incidents::Manager> manager_;
  std::unique_ptr<IncidentsApiSource> source_;
  http::Router router_;
};

TEST_F(IncidentsApiTest, ListsNewestFirstWithFilters) {
  const int64_t disk = Fire("DiskFull", "critical", "db", "Disk almost full on db1");
  clock_.Advance(kMinute);
  const int64_t latency = Fire("HighLatency", "warning", "web");

  Reply all = Call("GET", "/api/v1/incidents");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.json["status"], "success");
  ASSERT_EQ(all.json["data"].size(), 2u);
  EXPECT_EQ(all.json["data"][0]["id"], latency);
  EXPECT_EQ(all.json["data"][1]["id"], disk);

  const Json& d = all.json["data"][1];
  EXPECT_EQ(d["state"], "triggered");
  EXPECT_EQ(d["title"], "Disk almost full on db1");
  EXPECT_EQ(d["severity"], "critical");
  EXPECT_EQ(d["services"], Json::array({"db"}));
  EXPECT_EQ(d["group_labels"], Json({{"alertname", "DiskFull"}}));
  EXPECT_EQ(d["opened_at"], FormatRfc3339Millis(kStart));
  EXPECT_TRUE(d["acknowledged_at"].is_null());
  EXPECT_TRUE(d["resolved_at"].is_null());
  EXPECT_TRUE(d["mtta_seconds"].is_null());
  EXPECT_EQ(d["url"], "http://osprey.example/incidents/" + std::to_string(disk));
  ASSERT_EQ(d["alerts"].size(), 1u);
  EXPECT_EQ(d["alerts"][0]["status"], "firing");
  EXPECT_EQ(d["alerts"][0]["fingerprint"].get<std::string>().size(), 16u);
  EXPECT_EQ(d["alerts"][0]["labels"]["instance"], "db1:9100");
  EXPECT_TRUE(d["alerts"][0]["ends_at"].is_null());
  EXPECT_EQ(d["alerts"][0]["generator_url"], "http://prom.example/graph");

  Reply critical = Call("GET", "/api/v1/incidents?severity=critical");
  ASSERT_EQ(critical.json["data"].size(), 1u);
  EXPECT_EQ(critical.json["data"][0]["id"], disk);
  Reply web = Call("GET", "/api/v1/incidents?service=web");
  ASSERT_EQ(web.json["data"].size(), 1u);
  EXPECT_EQ(web.json["data"][0]["id"], latency);
  Reply one = Call("GET", "/api/v1/incidents?limit=1");
  ASSERT_EQ(one.json["data"].size(), 1u);
  EXPECT_EQ(one.json["data"][0]["id"], latency);

  ASSERT_EQ(Call("POST", "/api/v1/incidents/" + std::to_string(disk) + "/resolve").status, 200);
  Reply open = Call("GET", "/api/v1/incidents?state=open");
  ASSERT_EQ(open.json["data"].size(), 1u);
  EXPECT_EQ(open.json["data"][0]["id"], latency);
  Reply resolved = Call("GET", "/api/v1/incidents?state=resolved");
  ASSERT_EQ(resolved.json["data"].size(), 1u);
  EXPECT_EQ(resolved.json["data"][0]["id"], disk);
  EXPECT_EQ(Call("GET", "/api/v1/incidents?state=acknowledged").json["data"].size(), 0u);
}

TEST_F(IncidentsApiTest, RejectsBadListParameters) {
  Reply state = Call("GET", "/api/v1/incidents?state=sleeping");
  EXPECT_EQ(state.status, 400);
  EXPECT_EQ(state.json["errorType"], "bad_data");
  EXPECT_NE(state.json["error"].get<std::string>().find("\"state\""), std::string::npos);
  Reply sev = Call("GET", "/api/v1/incidents?severity=urgent");
  EXPECT_EQ(sev.status, 400);
  EXPECT_NE(sev.json["error"].get<std::string>().find("\"severity\""), std::string::npos);
  for (const char* limit : {"0", "-1", "x", "99999999"}) {
    Reply r = Call("GET", std::string("/api/v1/incidents?limit=") + limit);
    EXPECT_EQ(r.status, 400) << limit;
    EXPECT_NE(r.json["error"].get<std::string>().find("\"limit\""), std::string::npos);
  }
}

TEST_F(IncidentsApiTest, GetsOneWithTimelineAndRejectsBadIds) {
  const int64_t id = Fire("DiskFull", "critical", "db");
  Reply r = Call("GET", "/api/v1/incidents/" + std::to_string(id));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["data"]["id"], id);
  const Json& timeline = r.json["data"]["timeline"];
  ASSERT_FALSE(timeline.empty());
  EXPECT_EQ(timeline[0]["kind"], "opened");
  EXPECT_EQ(timeline[0]["at"], FormatRfc3339Millis(kStart));
  EXPECT_TRUE(timeline[0]["detail"].is_object());
  for (size_t i = 1; i < timeline.size(); ++i) {
    EXPECT_LE(timeline[i - 1]["at"].get<std::string>(), timeline[i]["at"].get<std::string>());
  }

  Reply unknown = Call("GET", "/api/v1/incidents/999");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.json["errorType"], "not_found");
  for (const char* bad : {"abc", "0", "-3", "1x", "99999999999999999999"}) {
    Reply b = Call("GET", std::string("/api/v1/incidents/") + bad);
    EXPECT_EQ(b.status, 400) << bad;
    EXPECT_NE(b.json["error"].get<std::string>().find("\"id\""), std::string::npos) << b.body;
  }
  EXPECT_EQ(Call("POST", "/api/v1/incidents/abc/ack").status, 400);
  EXPECT_EQ(Call("POST", "/api/v1/incidents/999/ack").status, 404);
}

TEST_F(IncidentsApiTest, AcknowledgeRecordsWhoAndThroughWhat) {
  const int64_t id = Fire("DiskFull", "critical", "db");
  const std::string base = "/api/v1/incidents/" + std::to_string(id);
  clock_.Advance(2 * kMinute);
  Reply ack = Call("POST", base + "/ack", R"({"by":"alice"})", {{"X-Osprey-Via", "cli"}});
  ASSERT_EQ(ack.status, 200) << ack.body;
  EXPECT_EQ(ack.json["data"]["state"], "acknowledged");
  EXPECT_EQ(ack.json["data"]["acknowledged_by"], "alice");
  EXPECT_EQ(ack.json["data"]["acknowledged_at"], FormatRfc3339Millis(kStart + 2 * kMinute));
  EXPECT_EQ(ack.json["data"]["mtta_seconds"], 120.0);

  Reply got = Call("GET", base);
  const Json& timeline = got.json["data"]["timeline"];
  bool found = false;
  for (const Json& e : timeline) {
    if (e["kind"] != "acknowledged") continue;
    found = true;
    EXPECT_EQ(e["actor"], "alice");
    EXPECT_NE(e.dump().find("cli"), std::string::npos) << e.dump();
  }
  EXPECT_TRUE(found) << timeline.dump();

  Reply resolve = Call("POST", base + "/resolve", "");
  ASSERT_EQ(resolve.status, 200) << resolve.body;
  EXPECT_EQ(resolve.json["data"]["state"], "resolved");
  EXPECT_EQ(resolve.json["data"]["resolved_by"], "api");
  EXPECT_EQ(resolve.json["data"]["mttr_seconds"], 120.0);

  Reply again = Call("POST", base + "/ack", "{}");
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(again.json["errorType"], "conflict");
}

TEST_F(IncidentsApiTest, DefaultActorIsTheBasicAuthUser) {
  const int64_t id = Fire("DiskFull", "critical", "db");
  // "carol:secret" in base64.
  Reply ack = Call("POST", "/api/v1/incidents/" + std::to_string(id) + "/ack", "",
                   {{"Authorization", "Basic Y2Fyb2w6c2VjcmV0"}});
  ASSERT_EQ(ack.status, 200) << ack.body;
  EXPECT_EQ(ack.json["data"]["acknowledged_by"], "carol");
}

TEST_F(IncidentsApiTest, NotesAssignAndSeverity) {
  const int64_t id = Fire("DiskFull", "warning", "db");
  const std::string base = "/api/v1/incidents/" + std::to_string(id);
  Reply note = Call("POST", base + "/notes", R"({"by":"bob","text":"rolled back <v2>"})");
  ASSERT_EQ(note.status, 200) << note.body;
  Reply assign = Call("POST", base + "/assign", R"({"by":"alice","assignee":"bob"})");
  ASSERT_EQ(assign.status, 200) << assign.body;
  EXPECT_EQ(assign.json["data"]["assignee"], "bob");
  Reply sev = Call("POST", base + "/severity", R"({"severity":"critical"})");
  ASSERT_EQ(sev.status, 200) << sev.body;
  EXPECT_EQ(sev.json["data"]["severity"], "critical");

  Json timeline = Call("GET", base).json["data"]["timeline"];
  std::vector<std::string> kinds;
  for (const Json& e : timeline) kinds.push_back(e["kind"]);
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "note"), kinds.end());
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "assigned"), kinds.end());
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "severity_changed"), kinds.end());
  for (const Json& e : timeline) {
    if (e["kind"] == "note") {
      EXPECT_EQ(e["actor"], "bob");
      EXPECT_NE(e["message"].get<std::string>().find("rolled back <v2>"), std::string::npos);
    }
  }
}

TEST_F(IncidentsApiTest, RejectsBadBodies) {
  const int64_t id = Fire("DiskFull", "warning", "db");
  const std::string base = "/api/v1/incidents/" + std::to_string(id);
  Reply bad_json = Call("POST", base + "/notes", R"({"text": "x",)");
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_NE(bad_json.json["error"].get<std::string>().find("column"), std::string::npos)
      << bad_json.body;
  Reply not_object = Call("POST", base + "/ack", "[1]");
  EXPECT_EQ(not_object.status, 400);
  Reply no_text = Call("POST", base + "/notes", R"({"by":"bob"})");
  EXPECT_EQ(no_text.status, 400);
  EXPECT_NE(no_text.json["error"].get<std::string>().find("\"text\""), std::string::npos);
  Reply long_text = Call("POST", base + "/notes", Json{{"text", std::string(10001, 'x')}}.dump());
  EXPECT_EQ(long_text.status, 400);
  Reply max_text = Call("POST", base + "/notes", Json{{"text", std::string(10000, 'x')}}.dump());
  EXPECT_EQ(max_text.status, 200) << max_text.body;
  Reply by_number = Call("POST", base + "/ack", R"({"by":5})");
  EXPECT_EQ(by_number.status, 400);
  EXPECT_NE(by_number.json["error"].get<std::string>().find("\"by\""), std::string::npos);
  Reply unknown_person = Call("POST", base + "/assign", R"({"assignee":"mallory"})");
  EXPECT_EQ(unknown_person.status, 400) << unknown_person.body;
  Reply no_assignee = Call("POST", base + "/assign", "{}");
  EXPECT_EQ(no_assignee.status, 400);
  Reply bad_sev = Call("POST", base + "/severity", R"({"severity":"urgent"})");
  EXPECT_EQ(bad_sev.status, 400);
  Reply bad_via = Call("POST", base + "/ack", "{}", {{"X-Osprey-Via", "carrier-pigeon"}});
  EXPECT_EQ(bad_via.status, 400);
  // Nothing above acknowledged it.
  EXPECT_EQ(Call("GET", base).json["data"]["state"], "triggered");
}

TEST_F(IncidentsApiTest, OnCallNowAndNext) {
  Reply r = Call("GET", "/api/v1/oncall");
  ASSERT_EQ(r.status, 200) << r.body;
  const Json& s = r.json["data"]["schedules"];
  ASSERT_EQ(s.size(), 1u) << r.body;
  EXPECT_EQ(s[0]["schedule"], "primary");
  EXPECT_EQ(s[0]["now"], Json::array({"alice"}));
  EXPECT_EQ(s[0]["next"], Json::array({"bob"}));
  EXPECT_EQ(s[0]["next_change_at"], FormatRfc3339Millis(kStart + 60 * kMinute));
  EXPECT_EQ(r.json["data"]["policies"],
            Json::parse(R"([{"policy":"ops","level1_now":["alice"]}])"));
}

TEST_F(IncidentsApiTest, AckLinkAcknowledgesOnceAndRejectsForgedAndExpired) {
  const int64_t id = Fire("DiskFull", "critical", "db");
  const std::string token = links_.Sign(id, "alice", clock_.NowMillis());
  Reply page = Call("GET", "/ack/" + token);
  EXPECT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("Incident #" + std::to_string(id) + " acknowledged by alice"),
            std::string::npos)
      << page.body;
  EXPECT_EQ(Call("GET", "/api/v1/incidents/" + std::to_string(id)).json["data"]["state"],
            "acknowledged");

  Reply reused = Call("GET", "/ack/" + token);
  EXPECT_EQ(reused.status, 409);
  EXPECT_NE(reused.body.find("already used"), std::string::npos) << reused.body;

  std::string forged = token;
  forged[forged.size() / 2] = forged[forged.size() / 2] == 'A' ? 'B' : 'A';
  Reply bad = Call("GET", "/ack/" + forged);
  EXPECT_EQ(bad.status, 403);
  EXPECT_NE(bad.body.find("not valid"), std::string::npos);
  EXPECT_EQ(Call("GET", "/ack/%3Cscript%3E").status, 403);

  const int64_t other = Fire("HighLatency", "warning", "web");
  const std::string old = links_.Sign(other, "bob", clock_.NowMillis());
  clock_.Advance(25 * 60 * kMinute);
  Reply expired = Call("GET", "/ack/" + old);
  EXPECT_EQ(expired.status, 410);
  EXPECT_NE(expired.body.find("expired"), std::string::npos);
  EXPECT_EQ(Call("GET", "/api/v1/incidents/" + std::to_string(other)).json["data"]["state"],
            "triggered");
}

TEST(IncidentsTouchingProbesTest, MatchesProbeNameOrTarget) {
  incidents::Incident by_probe;
  by_probe.id = 1;
  by_probe.alerts.push_back({.labels = model::Labels::FromStrings({"probe", "homepage"})});
  incidents::Incident by_instance;
  by_instance.id = 2;
  by_instance.alerts.push_back(
      {.labels = model::Labels::FromStrings({"instance", "https://example.com"})});
  incidents::Incident unrelated;
  unrelated.id = 3;
  unrelated.alerts.push_back({.labels = model::Labels::FromStrings({"instance", "db1:9100"})});
  config::ProbeConfig p;
  p.name = "homepage";
  p.target = "https://example.com";
  std::vector<incidents::Incident> got =
      IncidentsTouchingProbes({by_probe, by_instance, unrelated}, {p});
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].id, 1);
  EXPECT_EQ(got[1].id, 2);
  EXPECT_TRUE(IncidentsTouchingProbes({by_probe}, {}).empty());
}

// No series at all: every probe's state is unknown.
class EmptyStorage final : public storage::Queryable {
 public:
  class Querier final : public storage::Querier {
   public:
    std::unique_ptr<storage::SeriesSet> Select(const storage::SelectHints&,
                                               std::span<const model::Matcher>) override {
      return storage::EmptySeriesSet();
    }
    Result<std::vector<std::string>> LabelNames(std::span<const model::Matcher>) override {
      return std::vector<std::string>{};
    }
    Result<std::vector<std::string>> LabelValues(std::string_view,
                                                 std::span<const model::Matcher>) override {
      return std::vector<std::string>{};
    }
  };
  Result<std::unique_ptr<storage::Querier>> NewQuerier(model::TimeRange) override {
    return std::unique_ptr<storage::Querier>(std::make_unique<Querier>());
  }
};

TEST(StatusPageTest, ListsOpenIncidentsTouchingAProbeEscaped) {
  auto cfg = std::make_shared<config::Config>();
  config::ProbeConfig p;
  p.name = "homepage";
  p.module = "http";
  p.target = "https://example.com";
  cfg->probes.push_back(p);
  EmptyStorage storage;
  testing::FakeClock clock(kStart);
  incidents::Incident touching;
  touching.id = 7;
  touching.title = "<script>alert(1)</script> \"homepage\" isn't up";
  touching.severity = config::IncidentSeverity::kCritical;
  touching.opened_at_ms = kStart - kMinute;
  touching.alerts.push_back({.labels = model::Labels::FromStrings({"probe", "homepage"})});
  incidents::Incident other = touching;
  other.id = 8;
  other.title = "database replication lag";
  other.alerts = {{.labels = model::Labels::FromStrings({"instance", "db1:9100"})}};
  UptimeSource source{.config = [cfg] { return std::shared_ptr<const config::Config>(cfg); },
                      .storage = storage,
                      .clock = clock,
                      .open_incidents =
                          [&] {
                            return std::vector{touching, other};
                          }};
  http::Router router;
  RegisterUptimeRoutes(router, source);
  http::Request req;
  req.method = "GET";
  req.target = "/status";
  req.path = "/status";
  http::Response resp = router.Dispatch(req);
  ASSERT_EQ(resp.status, 200) << resp.body;
  EXPECT_NE(resp.body.find("Open incidents"), std::string::npos);
  EXPECT_NE(resp.body.find("&lt;script&gt;alert(1)&lt;/script&gt; &#34;homepage&#34; isn&#39;t up"),
            std::string::npos)
      << resp.body;
  EXPECT_EQ(resp.body.find("<script>"), std::string::npos);
  EXPECT_NE(resp.body.find("critical"), std::string::npos);
  EXPECT_NE(resp.body.find("since " + FormatRfc3339Millis(kStart - kMinute)), std::string::npos);
  EXPECT_EQ(resp.body.find("replication lag"), std::string::npos);
}

}  // namespace
}  // namespace osprey::server
