// How the manager reports one action run: the outcome label of
// osprey_incident_actions_total and the words on the incident timeline. Pure; thread-safe.
//
//   ActionOutcomeLabel(o)        // "ok", "failed", "timeout", "rate_limited" or "dry_run"
//   ActionResultText(o, "page")  // "ok (HTTP 202)", "failed (exit code 3)", ...
#pragma once

#include <string>
#include <string_view>

#include "incidents/ports.h"

namespace osprey::incidents::internal {

// dry_run, then rate_limited, then timeout, then ok (ran and status OK), else failed.
std::string_view ActionOutcomeLabel(const ActionOutcome& o);

// What follows "action <name> (on open): " on the timeline:
//   ok (HTTP 200)                    ok (exit code 0)
//   failed (HTTP 500)                failed (exit code 3)
//   failed (killed by signal 9)      timed out after 10s
//   skipped: rate limit 2 per 1h reached
//   dry run, would send POST https://h/p   dry run, would run /usr/bin/x --a
//   failed: <status message>         (nothing ran, or no response came)
// A leading "action <action>: " in the status message is dropped (the timeline names it).
std::string ActionResultText(const ActionOutcome& o, std::string_view action);

}  // namespace osprey::incidents::internal
