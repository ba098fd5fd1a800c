#include "server/incidents_wiring.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>

#include "incidents/ack_links.h"
#include "incidents/action_runner.h"
#include "incidents/contact_sender.h"
#include "incidents/oncall.h"

namespace osprey::server {

// Invariant: the manager holds pointers to these for its whole life. The on-call resolver and
// the ack-link signer forward to the current real object, swapped under mu_ by ApplyConfig. Calls
// copy the shared_ptr under the lock and run outside it, so a reload never waits for a slow send,
// and an object replaced mid-call lives until that call returns (why shared_ptr: shared by the
// reload thread and the manager's workers).
class IncidentsWiring::Forwarders {
 public:
  class OnCall final : public incidents::OnCallResolver {
   public:
    Result<incidents::OnCallAnswer> OnCallAt(const std::string& schedule,
                                             int64_t t_ms) const override {
      std::shared_ptr<const incidents::OnCallResolver> r = Get();
      if (r == nullptr) return NotFoundError("unknown schedule \"" + schedule + "\"");
      return r->OnCallAt(schedule, t_ms);
    }
    Result<int64_t> NextChangeAfter(const std::string& schedule, int64_t t_ms) const override {
      std::shared_ptr<const incidents::OnCallResolver> r = Get();
      if (r == nullptr) return NotFoundError("unknown schedule \"" + schedule + "\"");
      return r->NextChangeAfter(schedule, t_ms);
    }
    std::shared_ptr<const incidents::OnCallResolver> Get() const OSPREY_EXCLUDES(mu_) {
      MutexLock lock(mu_);
      return current_;
    }
    std::shared_ptr<const incidents::OnCallResolver> Swap(
        std::shared_ptr<const incidents::OnCallResolver> next) OSPREY_EXCLUDES(mu_) {
      MutexLock lock(mu_);
      std::swap(current_, next);
      return next;
    }

   private:
    mutable Mutex mu_;
    std::shared_ptr<const incidents::OnCallResolver> current_ OSPREY_GUARDED_BY(mu_);
  };

  class AckLinks final : public incidents::AckLinks {
   public:
    std::string Sign(int64_t incident_id, const std::string& person, int64_t now_ms) override {
      std::shared_ptr<incidents::HmacAckLinks> l = Get();
      return l == nullptr ? "" : l->Sign(incident_id, person, now_ms);
    }
    Result<incidents::AckClaim> Verify(const std::string& token, int64_t now_ms) const override {
      std::shared_ptr<incidents::HmacAckLinks> l = Get();
      if (l == nullptr) return PermissionDeniedError("incidents are not configured");
      return l->Verify(token, now_ms);
    }
    std::shared_ptr<incidents::HmacAckLinks> Get() const OSPREY_EXCLUDES(mu_) {
      MutexLock lock(mu_);
      return current_;
    }
    std::shared_ptr<incidents::HmacAckLinks> Swap(std::shared_ptr<incidents::HmacAckLinks> next)
        OSPREY_EXCLUDES(mu_) {
      MutexLock lock(mu_);
      std::swap(current_, next);
      return next;
    }

   private:
    mutable Mutex mu_;
    std::shared_ptr<incidents::HmacAckLinks> current_ OSPREY_GUARDED_BY(mu_);
  };

  explicit Forwarders(const IncidentsWiringOptions& o)
      : contacts(*o.clock, {}), actions(*o.clock) {}

  OnCall oncall;
  AckLinks ack_links;
  // Reconfigured in place: a send in flight keeps the settings it started with.
  incidents::ConfiguredContactSender contacts;
  // One runner for the process: its rate-limit book outlives reloads; the
  // actions themselves come with each Run.
  incidents::ConfiguredActionRunner actions;
};

IncidentsWiring::IncidentsWiring(IncidentsWiringOptions options)
    : options_(std::move(options)), forwarders_(std::make_unique<Forwarders>(options_)) {}

IncidentsWiring::~IncidentsWiring() { Shutdown(); }

Result<std::unique_ptr<IncidentsWiring>> IncidentsWiring::Open(IncidentsWiringOptions options) {
  std::unique_ptr<IncidentsWiring> w(new IncidentsWiring(std::move(options)));
  const IncidentsWiringOptions& o = w->options_;
  std::error_code ec;
  std::filesystem::create_directories(o.data_dir, ec);
  if (ec) {
    return UnavailableError("cannot create incidents directory " + o.data_dir + ": " +
                            ec.message());
  }
  const std::string db_path = (std::filesystem::path(o.data_dir) / "incidents.db").string();
  auto open = [&] {
    return incidents::Manager::Open({.db_path = db_path,
                                     .clock = o.clock,
                                     .registry = o.registry,
                                     .logger = o.logger,
                                     .oncall = &w->forwarders_->oncall,
                                     .contacts = &w->forwarders_->contacts,
                                     .actions = &w->forwarders_->actions,
                                     .ack_links = &w->forwarders_->ack_links});
  };
  Result<std::unique_ptr<incidents::Manager>> m = open();
  if (!m.ok() && m.status().code() == StatusCode::kDataLoss) {
    // Keep the damaged file for inspection; incidents start over rather than the server
    // refusing to start.
    const std::string aside = db_path + ".corrupt-" + std::to_string(o.clock->NowMillis());
    if (o.logger != nullptr) {
      o.logger->Error("Incidents database is corrupt; moved aside, starting with an empty one",
                      {{"err", m.status().message()}, {"moved_to", aside}});
    }
    std::filesystem::rename(db_path, aside, ec);
    if (ec) return m.status().Annotate("moving it aside to " + aside + " failed");
    for (const char* suffix : {"-wal", "-shm", "-journal"}) {
      std::filesystem::rename(db_path + suffix, aside + suffix, ec);
    }
    m = open();
  }
  if (!m.ok()) return m.status().Annotate("opening " + db_path);
  w->manager_ = std::move(m).value();
  return w;
}

Status IncidentsWiring::ApplyConfig(const config::Config& cfg, const std::string& external_url) {
  const config::IncidentsConfig& ic = cfg.incidents;
  // Everything that can fail first, before the running objects change.
  OSPREY_ASSIGN_OR_RETURN(std::unique_ptr<incidents::OnCallSchedules> schedules,
                          incidents::OnCallSchedules::Build(ic));
  std::string key_file = ic.ack_secret_file;
  if (key_file.empty()) {
    key_file = (std::filesystem::path(options_.data_dir) / "incidents.key").string();
  }
  std::shared_ptr<incidents::HmacAckLinks> links = forwarders_->ack_links.Get();
  std::string old_key_file;
  {
    MutexLock lock(mu_);
    old_key_file = ack_key_file_;
  }
  const bool new_links = ic.enabled && (links == nullptr || old_key_file != key_file);
  if (new_links) {
    OSPREY_ASSIGN_OR_RETURN(std::unique_ptr<incidents::HmacAckLinks> opened,
                            incidents::HmacAckLinks::Open(key_file, ic.ack_link_ttl.ms));
    links = std::move(opened);
  }
  const int64_t now = options_.clock->NowMillis();
  if (options_.logger != nullptr) {
    constexpr int64_t kFourWeeksMs = 28LL * 24 * 3600 * 1000;
    for (const std::string& warning : schedules->Analyze(now, now + kFourWeeksMs)) {
      options_.logger->Warn("On-call schedule problem", {{"warning", warning}});
    }
  }

  // Swap in the new objects, then give the manager the section; when it rejects it, the
  // old objects go back.
  std::shared_ptr<const incidents::OnCallResolver> old_oncall =
      forwarders_->oncall.Swap(std::move(schedules));
  std::shared_ptr<incidents::HmacAckLinks> old_links;
  if (new_links) old_links = forwarders_->ack_links.Swap(links);
  Status s = manager_->ApplyConfig(ic, external_url);
  if (!s.ok()) {
    forwarders_->oncall.Swap(std::move(old_oncall));
    if (new_links) forwarders_->ack_links.Swap(std::move(old_links));
    return s;
  }
  if (links != nullptr) links->set_ttl(ic.ack_link_ttl.ms);
  forwarders_->contacts.Reconfigure(
      {.people = ic.people, .notify = ic.notify, .global = cfg.global.alertmanager});
  forwarders_->actions.set_external_url(external_url);
  MutexLock lock(mu_);
  config_ = std::make_shared<const config::IncidentsConfig>(ic);
  external_url_ = external_url;
  if (new_links) ack_key_file_ = key_file;
  return OkStatus();
}

std::string IncidentsWiring::external_url() const {
  MutexLock lock(mu_);
  return external_url_;
}

std::vector<PolicyOnCall> IncidentsWiring::PoliciesNow() const {
  std::shared_ptr<const config::IncidentsConfig> cfg;
  {
    MutexLock lock(mu_);
    cfg = config_;
  }
  std::vector<PolicyOnCall> out;
  if (cfg == nullptr) return out;
  const int64_t now = options_.clock->NowMillis();
  for (const config::EscalationPolicyConfig& p : cfg->escalation_policies) {
    std::set<std::string> people;
    if (!p.levels.empty()) {
      for (const config::EscalationTargetConfig& t : p.levels.front().targets) {
        if (!t.person.empty()) people.insert(t.person);
        if (t.schedule.empty()) continue;
        Result<incidents::OnCallAnswer> a = forwarders_->oncall.OnCallAt(t.schedule, now);
        if (a.ok()) people.insert(a->people.begin(), a->people.end());
      }
    }
    if (people.empty()) people.insert(p.fallback.begin(), p.fallback.end());
    out.push_back({.policy = p.name, .level1_now = {people.begin(), people.end()}});
  }
  std::sort(out.begin(), out.end(),
            [](const PolicyOnCall& a, const PolicyOnCall& b) { return a.policy < b.policy; });
  return out;
}

std::vector<incidents::Incident> IncidentsWiring::OpenIncidents() const {
  return manager_->List({.open_only = true, .limit = 100});
}

void IncidentsWiring::Shutdown() {
  if (manager_ != nullptr) manager_->Shutdown();
}

}  // namespace osprey::server
