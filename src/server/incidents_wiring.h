// The incident manager as the server runs it: opened on <data dir>/incidents.db (a corrupt
// file is set aside and a fresh one started), with the real on-call schedules, contact
// sender, action runner and ack-link signer built from the `incidents:` section. The
// manager keeps pointers to small forwarding objects; each config swaps what they forward
// to, so a reload never leaves the manager with a dangling pointer, and a send or action
// already running finishes with the objects it started with.
//
//   OSPREY_ASSIGN_OR_RETURN(auto inc, IncidentsWiring::Open({.data_dir = ..., ...}));
//   stack options.observer = inc->manager().observer();
//   OSPREY_RETURN_IF_ERROR(inc->ApplyConfig(cfg, external_url));   // start and reload
//
// Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/logger.h"
#include "base/status.h"
#include "base/thread_annotations.h"
#include "config/config.h"
#include "incidents/manager.h"
#include "metrics/registry.h"
#include "server/incidents_api.h"

namespace osprey::server {

struct IncidentsWiringOptions {
  std::string data_dir;  // incidents.db and the default ack key (incidents.key) live here
  const Clock* clock = nullptr;
  metrics::Registry* registry = nullptr;
  const Logger* logger = nullptr;
};

class IncidentsWiring {
 public:
  // kUnavailable when the database cannot be opened. A corrupt database is renamed to
  // incidents.db.corrupt-<unix ms>, logged, and replaced by an empty one.
  static Result<std::unique_ptr<IncidentsWiring>> Open(IncidentsWiringOptions options);
  ~IncidentsWiring();

  // Builds the schedules, contact sender and ack-link signer of cfg.incidents, logs each
  // schedule gap or overlap of the next 4 weeks, and hands the section to the manager. On
  // error (kInvalidArgument naming what) the previous configuration stays in effect.
  Status ApplyConfig(const config::Config& cfg, const std::string& external_url)
      OSPREY_EXCLUDES(mu_);

  incidents::Manager& manager() { return *manager_; }
  const incidents::Manager& manager() const { return *manager_; }

  // The current external URL (without a trailing "/").
  std::string external_url() const OSPREY_EXCLUDES(mu_);
  // Who level 1 of each policy reaches now (the fallback when it finds nobody on call).
  std::vector<PolicyOnCall> PoliciesNow() const OSPREY_EXCLUDES(mu_);
  // Open incidents (triggered or acknowledged), newest first.
  std::vector<incidents::Incident> OpenIncidents() const;

  // Stops the manager's timers and workers. Idempotent. Call after the alerting stack
  // stopped notifying (it feeds the manager).
  void Shutdown();

 private:
  class Forwarders;
  explicit IncidentsWiring(IncidentsWiringOptions options);

  const IncidentsWiringOptions options_;
  std::unique_ptr<Forwarders> forwarders_;
  std::unique_ptr<incidents::Manager> manager_;

  mutable Mutex mu_;
  std::shared_ptr<const config::IncidentsConfig> config_ OSPREY_GUARDED_BY(mu_);
  std::string external_url_ OSPREY_GUARDED_BY(mu_);
  std::string ack_key_file_ OSPREY_GUARDED_BY(mu_);  // of the current ack-link signer
};

}  // namespace osprey::server
