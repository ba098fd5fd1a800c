#include "incidents/internal/action_result.h"

#include "model/duration.h"

namespace osprey::incidents::internal {
namespace {

// The status message without the runner's "action <name>: " prefix.
std::string_view Reason(const ActionOutcome& o, std::string_view action) {
  std::string_view m = o.status.message();
  const std::string prefix = std::string("action ").append(action).append(": ");
  if (m.substr(0, prefix.size()) == prefix) m.remove_prefix(prefix.size());
  return m;
}

// "(HTTP 500)", "(exit code 3)", "(killed by signal 9)", or "" when there is nothing to say.
std::string Result(const ActionOutcome& o) {
  if (o.kind == ActionKind::kHttp && o.http_status > 0) {
    return std::string("(HTTP ").append(std::to_string(o.http_status)).append(")");
  }
  if (o.kind == ActionKind::kCommand && o.ran) {
    if (o.term_signal != 0) {
      return std::string("(killed by signal ").append(std::to_string(o.term_signal)).append(")");
    }
    if (o.exit_code >= 0) {
      return std::string("(exit code ").append(std::to_string(o.exit_code)).append(")");
    }
  }
  return "";
}

}  // namespace

std::string_view ActionOutcomeLabel(const ActionOutcome& o) {
  if (o.dry_run) return "dry_run";
  if (o.rate_limited) return "rate_limited";
  if (o.timed_out) return "timeout";
  if (o.ran && o.status.ok()) return "ok";
  return "failed";
}

std::string ActionResultText(const ActionOutcome& o, std::string_view action) {
  const std::string_view label = ActionOutcomeLabel(o);
  if (label == "dry_run") {
    if (o.description.empty()) return "dry run";
    return std::string(o.kind == ActionKind::kHttp ? "dry run, would send " : "dry run, would run ")
        .append(o.description);
  }
  if (label == "rate_limited") {
    const std::string_view reason = Reason(o, action);
    return std::string("skipped: ").append(reason.empty() ? "rate limit reached" : reason);
  }
  if (label == "timeout") {
    if (o.timeout.ms > 0) {
      return std::string("timed out after ").append(model::FormatDuration(o.timeout));
    }
    return std::string("timed out: ").append(Reason(o, action));
  }
  const std::string result = Result(o);
  if (label == "ok") return result.empty() ? "ok" : std::string("ok ").append(result);
  if (!result.empty()) return std::string("failed ").append(result);
  return std::string("failed: ").append(Reason(o, action));
}

}  // namespace osprey::incidents::internal
