// Automated responses: runs one configured action (an HTTP request or a command) for an
// incident, with its timeout, rate limit and dry-run mode. Only actions from the config run;
// nothing taken from alert labels is ever executed.
//
//   ConfiguredActionRunner runner(clock, "https://osprey.example.com");
//   ActionOutcome o = runner.Run(cfg.actions[0], incident);   // blocks until done or killed
//
// http: the URL, header values and body are Go templates over the incident (see
//   IncidentTemplateValue); the expanded URL must be http(s). 2xx is success; the response
//   body (first 4 KiB) is the output.
// command: posix_spawn of the absolute path with the literal args (no shell, never
//   templated), in its own process group, stdin /dev/null, stdout and stderr into one pipe
//   (first 4 KiB kept, the rest drained), environment only PATH=/usr/bin:/bin and
//   OSPREY_INCIDENT_{ID,TITLE,SEVERITY,STATE,SERVICES,URL}. At the timeout the group gets
//   SIGTERM, then SIGKILL after a 2 s grace; the process is always reaped.
// rate limit: at most rate_limit_max runs per rate_limit_per (sliding window, per action
//   name, in memory, on the Clock). Dry runs render everything and run nothing.
//
// The runner fills ActionOutcome and counts nothing: the manager, which also sees actions that
// never reach a runner (unknown name), counts every run in osprey_incident_actions_total.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/thread_annotations.h"
#include "incidents/ports.h"
#include "tmpl/template.h"

namespace osprey::incidents {

// The data templates see: .ID .Title .Severity .State .Services (list) .Service (first or "")
// .GroupLabels .CommonLabels (maps) .Assignee .Receiver .Policy .URL .OpenedAt (time) and
// .Alerts (list of {.Labels .Annotations .Status .StartsAt .EndsAt .Fingerprint
// .GeneratorURL}).
tmpl::Value IncidentTemplateValue(const Incident& incident, std::string_view incident_url);

// "<external_url>/incidents/<id>" (one "/" between them); "" when external_url is empty.
std::string IncidentUrl(std::string_view external_url, int64_t id);

// Thread-safe: runs may proceed concurrently; only the rate-limit book is locked.
class ConfiguredActionRunner final : public ActionRunner {
 public:
  static constexpr size_t kMaxOutputBytes = 4096;

  // `external_url` builds .URL.
  explicit ConfiguredActionRunner(const Clock& clock, std::string external_url = "");
  ~ConfiguredActionRunner() override;

  ActionOutcome Run(const config::ActionConfig& action, const Incident& incident) override;

  void set_external_url(std::string url) OSPREY_EXCLUDES(mu_);

 private:
  ActionOutcome RunHttp(const config::ActionConfig& action, const Incident& incident,
                        const tmpl::Value& dot);
  ActionOutcome RunCommand(const config::ActionConfig& action, const Incident& incident,
                           const std::string& url);
  // True and records a run when the action may run now.
  bool TakeRateLimitSlot(const config::ActionConfig& action) OSPREY_EXCLUDES(mu_);

  const Clock& clock_;
  const tmpl::FuncMap funcs_;

  mutable Mutex mu_;
  std::string external_url_ OSPREY_GUARDED_BY(mu_);
  // Action name -> start times (ms) of the runs inside the current window, oldest first.
  std::map<std::string, std::deque<int64_t>, std::less<>> runs_by_action_ OSPREY_GUARDED_BY(mu_);
};

}  // namespace osprey::incidents
