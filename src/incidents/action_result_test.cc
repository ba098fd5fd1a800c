// The timeline wording and metric outcome of an action run, for each way a run can end.
#include "incidents/internal/action_result.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace osprey::incidents::internal {
namespace {

ActionOutcome Http(int status) {
  ActionOutcome o;
  o.kind = ActionKind::kHttp;
  o.ran = true;
  o.http_status = status;
  o.timeout = model::Duration::Seconds(10);
  o.description = "POST https://t.example.com/x";
  if (status / 100 != 2) {
    o.status = UnavailableError(std::string("action page: POST https://t.example.com/x returned "
                                            "status ")
                                    .append(std::to_string(status)));
  }
  return o;
}

ActionOutcome Command(int exit_code, int term_signal = 0) {
  ActionOutcome o;
  o.kind = ActionKind::kCommand;
  o.ran = true;
  o.exit_code = exit_code;
  o.term_signal = term_signal;
  o.timeout = model::Duration::Millis(1500);
  o.description = "/usr/bin/restart --all";
  if (exit_code != 0) o.status = Status(StatusCode::kAborted, "action page: it failed");
  return o;
}

struct Case {
  std::string name;
  ActionOutcome outcome;
  std::string label;
  std::string text;
};

std::vector<Case> Cases() {
  std::vector<Case> cases;
  cases.push_back({"http ok", Http(200), "ok", "ok (HTTP 200)"});
  cases.push_back({"http 503", Http(503), "failed", "failed (HTTP 503)"});
  cases.push_back({"command ok", Command(0), "ok", "ok (exit code 0)"});
  cases.push_back({"command exit 3", Command(3), "failed", "failed (exit code 3)"});
  cases.push_back({"command signal", Command(-1, 9), "failed", "failed (killed by signal 9)"});

  ActionOutcome http_timeout = Http(0);
  http_timeout.timed_out = true;
  http_timeout.status = DeadlineExceededError("action page: POST https://t.example.com/x: timeout");
  cases.push_back({"http timeout", http_timeout, "timeout", "timed out after 10s"});

  ActionOutcome command_timeout = Command(-1, 15);
  command_timeout.timed_out = true;
  command_timeout.status = DeadlineExceededError("action page: /usr/bin/restart timed out");
  cases.push_back({"command timeout", command_timeout, "timeout", "timed out after 1s500ms"});

  ActionOutcome no_timeout = command_timeout;
  no_timeout.timeout = model::Duration{};
  cases.push_back(
      {"timeout unknown", no_timeout, "timeout", "timed out: /usr/bin/restart timed out"});

  ActionOutcome refused = Http(0);
  refused.status =
      UnavailableError("action page: POST https://t.example.com/x: connection refused");
  cases.push_back({"http no response", refused, "failed",
                   "failed: POST https://t.example.com/x: connection refused"});

  ActionOutcome not_started = Command(-1);
  not_started.ran = false;
  not_started.status = UnavailableError("action page: cannot start /usr/bin/restart: gone");
  cases.push_back({"command not started", not_started, "failed",
                   "failed: cannot start /usr/bin/restart: gone"});

  ActionOutcome limited = Command(-1);
  limited.ran = false;
  limited.rate_limited = true;
  limited.status = ResourceExhaustedError("action page: rate limit 2 per 1h reached");
  cases.push_back(
      {"rate limited", limited, "rate_limited", "skipped: rate limit 2 per 1h reached"});

  ActionOutcome dry_command = Command(-1);
  dry_command.ran = false;
  dry_command.dry_run = true;
  dry_command.status = OkStatus();
  cases.push_back(
      {"dry run command", dry_command, "dry_run", "dry run, would run /usr/bin/restart --all"});

  ActionOutcome dry_http = Http(0);
  dry_http.ran = false;
  dry_http.dry_run = true;
  dry_http.status = OkStatus();
  cases.push_back(
      {"dry run http", dry_http, "dry_run", "dry run, would send POST https://t.example.com/x"});

  ActionOutcome unknown;  // never reached a runner
  unknown.status = NotFoundError("unknown action \"page\"");
  cases.push_back({"unknown action", unknown, "failed", "failed: unknown action \"page\""});

  ActionOutcome other_prefix = Command(-1);
  other_prefix.ran = false;
  other_prefix.status = InvalidArgumentError("action pager: bad");  // another action's name
  cases.push_back(
      {"prefix of another action", other_prefix, "failed", "failed: action pager: bad"});
  return cases;
}

TEST(ActionResultTest, LabelAndTextForEachWayARunEnds) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(ActionOutcomeLabel(c.outcome), c.label);
    EXPECT_EQ(ActionResultText(c.outcome, "page"), c.text);
  }
}

TEST(ActionResultTest, HttpStatusIsNeverCalledAnExitCode) {
  for (int status : {200, 204, 301, 404, 500}) {
    SCOPED_TRACE(status);
    const std::string text = ActionResultText(Http(status), "page");
    EXPECT_EQ(text.find("exit code"), std::string::npos) << text;
    EXPECT_NE(text.find("HTTP " + std::to_string(status)), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace osprey::incidents::internal
