// Fakes of the manager's ports and a fixture that runs a Manager on a fake clock, for
// manager_test.cc and manager_escalation_test.cc. Test-only.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "alerting/pipeline.h"
#include "base/thread_annotations.h"
#include "incidents/manager.h"
#include "metrics/registry.h"
#include "testing/fake_clock.h"
#include "testing/temp_dir.h"

namespace osprey::incidents::internal {

inline constexpr int64_t kStart = 1'800'000'000'000;
inline constexpr int64_t kMinute = 60'000;

// Who is on call: set per schedule; empty means a gap.
class FakeOnCall final : public OnCallResolver {
 public:
  void Set(const std::string& schedule, std::vector<std::string> people) OSPREY_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    people_[schedule] = std::move(people);
  }
  Result<OnCallAnswer> OnCallAt(const std::string& schedule, int64_t) const override
      OSPREY_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    auto it = people_.find(schedule);
    if (it == people_.end())
      return NotFoundError(std::string("unknown schedule ").append(schedule));
    return OnCallAnswer{it->second};
  }
  Result<int64_t> NextChangeAfter(const std::string& schedule, int64_t t) const override {
    if (schedule == "primary") return t + 60 * kMinute;
    return int64_t{0};
  }

 private:
  mutable Mutex mu_;
  std::map<std::string, std::vector<std::string>> people_ OSPREY_GUARDED_BY(mu_);
};

// Records each send; one "email" result per person (an error for people in `failing`).
class FakeContacts final : public ContactSender {
 public:
  struct Sent {
    int64_t incident_id;
    std::string person;
    int level;
    std::string ack_url;
    std::string incident_url;
  };
  std::vector<ContactResult> Send(const ContactMessage& m) override OSPREY_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    sent_.push_back(Sent{m.incident->id, m.person, m.level, m.ack_url, m.incident_url});
    cv_.notify_all();
    if (no_methods_.contains(m.person)) return {};
    Status s = failing_.contains(m.person) ? UnavailableError("smtp down") : OkStatus();
    return {ContactResult{"email", m.person + "@example.com", s}};
  }
  void Fail(const std::string& person) OSPREY_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    failing_.insert(person);
  }
  std::vector<Sent> sent() const OSPREY_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    return sent_;
  }
  std::vector<std::string> people() const {
    std::vector<std::string> out;
    for (const Sent& s : sent()) out.push_back(s.person);
    return out;
  }
  // Real-time wait for a background send (bounded so that a bug fails instead of hanging).
  bool WaitForCount(size_t n) OSPREY_NO_THREAD_SAFETY_ANALYSIS {
    std::unique_lock<Mutex> lock(mu_);
    while (sent_.size() < n) {
      if (cv_.wait_for(lock, std::chrono::seconds(30)) == std::cv_status::timeout) return false;
    }
    return true;
  }

 private:
  mutable Mutex mu_;
  std::condition_variable_any cv_;
  std::vector<Sent> sent_ OSPREY_GUARDED_BY(mu_);
  std::set<std::string> failing_ OSPREY_GUARDED_BY(mu_);
  std::set<std::string> no_methods_ OSPREY_GUARDED_BY(mu_);
};

// Records each run; an action named "hang" blocks until Release().
class FakeActions final : public ActionRunner {
 public:
  ActionOutcome Run(const config::ActionConfig& a,
                    const Incident& inc) override OSPREY_NO_THREAD_SAFETY_ANALYSIS {
    std::unique_lock<Mutex> lock(mu_);
    runs_.push_back({a.name, inc.id});
    cv_.notify_all();
    while (a.name == "hang" && !released_) cv_.wait(lock);
    ActionOutcome out;
    out.ran = !a.dry_run;
    out.dry_run = a.dry_run;
    out.description = std::string("/usr/bin/").append(a.name);
    out.kind = ActionKind::kCommand;
    out.exit_code = a.dry_run ? -1 : a.name == "broken" ? 3 : 0;
    out.status = a.name == "broken" && !a.dry_run
                     ? Status(StatusCode::kAborted,
                              "action broken: /usr/bin/broken exited with "
                              "status 3")
                     : OkStatus();
    out.output = std::string("did ").append(a.name);
    return out;
  }
  void Release() OSPREY_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    released_ = true;
    cv_.notify_all();
  }
  bool WaitForCount(size_t n) OSPREY_NO_THREAD_SAFETY_ANALYSIS {
    std::unique_lock<Mutex> lock(mu_);
    while (runs_.size() < n) {
      if (cv_.wait_for(lock, std::chrono::seconds(30)) == std::cv_status::timeout) return false;
    }
    return true;
  }
  std::vector<std::pair<std::string, int64_t>> runs() const OSPREY_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    return runs_;
  }

 private:
  mutable Mutex mu_;
  std::condition_variable_any cv_;
  std::vector<std::pair<std::string, int64_t>> runs_ OSPREY_GUARDED_BY(mu_);
  bool released_ OSPREY_GUARDED_BY(mu_) = false;
};

// Tokens "ok.<id>.<person>.<nonce>.<expires_ms>"; anything else is forged.
class FakeAckLinks final : public AckLinks {
 public:
  static constexpr int64_t kTtl = 60 * kMinute;
  std::string Sign(int64_t id, const std::string& person, int64_t now_ms) override
      OSPREY_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    return std::string("ok.")
        .append(std::to_string(id))
        .append(".")
        .append(person)
        .append(".n")
        .append(std::to_string(next_++))
        .append(".")
        .append(std::to_string(now_ms + kTtl));
  }
  Result<AckClaim> Verify(const std::string& token, int64_t now_ms) const override {
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
      size_t dot = token.find('.', start);
      parts.push_back(token.substr(start, dot - start));
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    if (parts.size() != 5 || parts[0] != "ok") return PermissionDeniedError("forged ack link");
    AckClaim c{std::stoll(parts[1]), parts[2], parts[3], std::stoll(parts[4])};
    if (now_ms > c.expires_at_ms) return DeadlineExceededError("ack link expired");
    return c;
  }

 private:
  mutable Mutex mu_;
  int next_ OSPREY_GUARDED_BY(mu_) = 1;
};

inline model::Alert FiringAlert(std::string_view name,
                                std::initializer_list<std::string_view> kv = {},
                                std::initializer_list<std::string_view> annotations = {}) {
  model::LabelsBuilder b;
  b.Set("alertname", name);
  for (auto it = kv.begin(); it != kv.end(); it += 2) b.Set(*it, *(it + 1));
  model::LabelsBuilder a;
  for (auto it = annotations.begin(); it != annotations.end(); it += 2) a.Set(*it, *(it + 1));
  return model::Alert{.labels = b.Build(), .annotations = a.Build(), .starts_at = kStart};
}

inline model::Alert ResolvedAlert(model::Alert a, int64_t at) {
  a.ends_at = at;
  return a;
}

// Two people, a schedule, a two-level policy "ops" (10m, then 5m), default policy "ops".
inline config::IncidentsConfig BaseConfig() {
  config::IncidentsConfig c;
  c.enabled = true;
  c.severity_map = {{"page", config::IncidentSeverity::kCritical}};
  c.people = {{.name = "alice"}, {.name = "bob"}, {.name = "carol"}};
  config::ScheduleConfig s;
  s.name = "primary";
  s.rotations.push_back(config::RotationConfig{.name = "r", .participants = {"alice"}});
  c.schedules.push_back(s);
  config::EscalationPolicyConfig p;
  p.name = "ops";
  p.fallback = {"carol"};
  p.levels.push_back(
      {.targets = {{.schedule = "primary"}}, .escalate_after = model::Duration::Minutes(10)});
  p.levels.push_back(
      {.targets = {{.person = "bob"}}, .escalate_after = model::Duration::Minutes(5)});
  c.escalation_policies.push_back(p);
  c.default_policy = "ops";
  for (std::string name : {"restart", "page-manager", "hang", "broken"}) {
    config::ActionConfig a;
    a.name = name;
    a.command = config::ActionConfig::Command{.path = std::string("/usr/bin/").append(name)};
    c.actions.push_back(a);
  }
  return c;
}

class ManagerFixture : public ::testing::Test {
 protected:
  ManagerFixture() { oncall_.Set("primary", {"alice"}); }
  ~ManagerFixture() override {
    actions_.Release();
    m_.reset();
  }

  void Open() {
    m_.reset();
    registry_ = std::make_unique<metrics::Registry>();
    auto m = Manager::Open({.db_path = dir_.Join("incidents.db"),
                            .clock = &clock_,
                            .registry = registry_.get(),
                            .oncall = &oncall_,
                            .contacts = &contacts_,
                            .actions = &actions_,
                            .ack_links = &links_,
                            .workers = 2});
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    m_ = std::move(*m);
    Status s = m_->ApplyConfig(cfg_, "http://osprey.test/");
    ASSERT_TRUE(s.ok()) << s.ToString();
    m_->WaitIdleForTest();
  }

  alerting::FlushRequest Request(std::string group_key, std::string receiver = "ops") {
    return alerting::FlushRequest{.receiver = std::move(receiver),
                                  .group_key = std::move(group_key),
                                  .group_labels = model::Labels::FromStrings({"team", "web"}),
                                  .now = clock_.NowMillis()};
  }

  void Flush(std::vector<model::Alert> alerts, std::string group_key = "g1",
             std::string receiver = "ops") {
    m_->observer()->OnFlush(Request(std::move(group_key), std::move(receiver)), alerts);
    m_->WaitIdleForTest();
  }

  void Advance(int64_t ms) {
    clock_.Advance(ms);
    m_->WaitIdleForTest();
  }

  std::vector<Incident> All() { return m_->List(IncidentFilter{}); }

  // True when the exposition has this exact sample line ("name{labels} value").
  bool HasSample(const std::string& line) const {
    const std::string text = registry_->ExpositionText();
    return text.find(std::string("\n").append(line).append("\n")) != std::string::npos;
  }

  std::vector<std::string> Kinds(int64_t id) {
    std::vector<std::string> out;
    const std::vector<Event> timeline = m_->Timeline(id).value();
    for (const Event& e : timeline) out.emplace_back(EventKindName(e.kind));
    return out;
  }

  std::vector<std::string> Messages(int64_t id, EventKind kind) {
    std::vector<std::string> out;
    const std::vector<Event> timeline = m_->Timeline(id).value();
    for (const Event& e : timeline) {
      if (e.kind == kind) out.push_back(e.message);
    }
    return out;
  }

  osprey::testing::TempDir dir_;
  osprey::testing::FakeClock clock_{kStart};
  config::IncidentsConfig cfg_ = BaseConfig();
  FakeOnCall oncall_;
  FakeContacts contacts_;
  FakeActions actions_;
  FakeAckLinks links_;
  std::unique_ptr<metrics::Registry> registry_;
  std::unique_ptr<Manager> m_;
};

}  // namespace osprey::incidents::internal
