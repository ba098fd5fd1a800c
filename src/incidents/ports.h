// What the incident manager needs from the outside, as small interfaces so that tests pass
// fakes and server/ passes the real ones:
//
//   OnCallResolver  who is on call in a schedule at a time   (real: incidents/oncall.h)
//   ContactSender   notify one person of an incident          (real: incidents/contact_sender.h)
//   ActionRunner    run one configured automated response      (real: incidents/action_runner.h)
//   AckLinks        sign and verify one-click ack links        (real: incidents/ack_links.h)
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "config/incidents_config.h"
#include "incidents/incident.h"
#include "model/duration.h"

namespace osprey::incidents {

struct OnCallAnswer {
  std::vector<std::string> people;  // Person names on call, sorted, unique; empty in a gap.
};

// Thread-safe.
class OnCallResolver {
 public:
  virtual ~OnCallResolver() = default;
  // kNotFound for an unknown schedule.
  virtual Result<OnCallAnswer> OnCallAt(const std::string& schedule, int64_t t_ms) const = 0;
  // The first time after t_ms when the answer changes (hand-off, override, restriction
  // edge), looking at most 8 weeks ahead; 0 when it never changes in that window.
  virtual Result<int64_t> NextChangeAfter(const std::string& schedule, int64_t t_ms) const = 0;
};

// What a person is told. Rendered by the sender into each contact method's format.
struct ContactMessage {
  const Incident* incident = nullptr;  // Valid during Send only.
  std::string person;                  // PersonConfig.name
  int level = 0;                       // 0-based escalation level
  std::string incident_url;            // <external_url>/incidents/<id>
  std::string ack_url;                 // <external_url>/ack/<token>; "" when not signed
};

// The outcome for one contact method of one person.
struct ContactResult {
  std::string method;  // "email", "sms", "chat", "webhook"
  std::string address;
  Status status;
};

// Thread-safe. Send may block for the length of the requests (each bounded by a timeout);
// the manager calls it from its own worker, never under its lock.
class ContactSender {
 public:
  virtual ~ContactSender() = default;
  // Sends to every contact method of the person; one result per method (empty when the
  // person has none or is unknown).
  virtual std::vector<ContactResult> Send(const ContactMessage& message) = 0;
};

enum class ActionKind { kNone, kHttp, kCommand };

// What one run of an action did. The manager words the timeline and picks the metric outcome
// from these fields (see internal/action_result.h), so a runner fills them, not prose.
struct ActionOutcome {
  ActionKind kind = ActionKind::kNone;  // kNone: unknown action, or neither http nor command
  bool ran = false;                     // false: skipped (rate limit, dry run) or failed to start
  bool dry_run = false;
  bool rate_limited = false;
  bool timed_out = false;
  Status status;            // OK when it ran and succeeded (exit 0 / HTTP 2xx)
  int http_status = 0;      // http: the response's status code; 0 when none came
  int exit_code = -1;       // command: its exit status when it exited; -1 otherwise
  int term_signal = 0;      // command: the signal that ended it (timeout kills included); 0 none
  model::Duration timeout;  // the action's timeout
  std::string output;       // stdout+stderr or response body, truncated to 4 KiB
  std::string description;  // what runs: "POST https://..." or "/usr/bin/x --a" (dry runs too)
};

// Thread-safe. Run blocks until the action finished or was killed at its timeout.
class ActionRunner {
 public:
  virtual ~ActionRunner() = default;
  virtual ActionOutcome Run(const config::ActionConfig& action, const Incident& incident) = 0;
};

struct AckClaim {
  int64_t incident_id = 0;
  std::string person;  // who the link was sent to
  std::string nonce;   // single-use id
  int64_t expires_at_ms = 0;
};

// Thread-safe.
class AckLinks {
 public:
  virtual ~AckLinks() = default;
  // An opaque URL-safe token for (incident, person), valid until now + ttl.
  virtual std::string Sign(int64_t incident_id, const std::string& person, int64_t now_ms) = 0;
  // kPermissionDenied for a forged or malformed token, kDeadlineExceeded for an expired one.
  // Does not check single use: the manager does, in its store.
  virtual Result<AckClaim> Verify(const std::string& token, int64_t now_ms) const = 0;
};

}  // namespace osprey::incidents
