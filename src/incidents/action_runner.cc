// Order of a run: render (errors: failed, nothing runs) -> dry run (nothing runs, no rate
// slot used) -> rate limit (a slot is taken when the run starts, whatever its outcome) -> run.
#include "incidents/action_runner.h"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <utility>
#include <vector>

#include "base/strings.h"
#include "http/client.h"
#include "http/config_client_options.h"
#include "http/delivery.h"
#include "incidents/internal/command_process.h"
#include "model/duration.h"
#include "tmpl/funcs.h"

namespace osprey::incidents {
namespace {

tmpl::Value LabelsMap(const model::Labels& labels) {
  tmpl::Value::Map m;
  for (const model::Label& l : labels) m.insert_or_assign(l.name, tmpl::Value(l.value));
  return tmpl::Value(std::move(m));
}

// Labels whose value is the same in every alert (Alertmanager's CommonLabels).
model::Labels CommonLabels(const Incident& incident) {
  if (incident.alerts.empty()) return incident.group_labels;
  std::vector<model::Label> common(incident.alerts[0].labels.begin(),
                                   incident.alerts[0].labels.end());
  for (size_t i = 1; i < incident.alerts.size(); ++i) {
    const model::Labels& ls = incident.alerts[i].labels;
    std::erase_if(common, [&](const model::Label& l) {
      return !ls.Has(l.name) || ls.Get(l.name) != l.value;
    });
  }
  return model::Labels(std::move(common));
}

std::string Hex16(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// Keeps at most max bytes, cut at a UTF-8 boundary, with a note of the full size.
std::string TruncateOutput(std::string s, uint64_t total_bytes, size_t max) {
  if (total_bytes <= max && s.size() <= max) return s;
  std::string note = "\n[output truncated: ";
  note += std::to_string(total_bytes);
  note += " bytes]";
  size_t keep = max > note.size() ? max - note.size() : 0;
  keep = std::min(keep, s.size());
  // Step back over a cut multi-byte sequence (continuation bytes are 10xxxxxx).
  while (keep > 0 && keep < s.size() && (static_cast<uint8_t>(s[keep]) & 0xC0) == 0x80) --keep;
  s.resize(keep);
  s += note;
  return s;
}

bool IsHttpUrl(std::string_view url) {
  auto starts = [&](std::string_view prefix) {
    if (url.size() <= prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(url[i])) != prefix[i]) return false;
    }
    return true;
  };
  if (!starts("http://") && !starts("https://")) return false;
  const size_t host = url.find("://") + 3;
  return host < url.size() && url[host] != '/' && url[host] != '?' && url[host] != '#';
}

std::string StripNul(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c != '\0') out += c;
  }
  return out;
}

std::string CommandLine(const config::ActionConfig::Command& c) {
  std::string out = c.path;
  for (const std::string& a : c.args) {
    out += ' ';
    const bool plain = !a.empty() && a.find_first_of(" \t\n\"'\\$`") == std::string::npos;
    if (plain) {
      out += a;
    } else {
      AppendGoQuoted(out, a, GoQuoteEscapes::kReadable);
    }
  }
  return out;
}

// Replaces every occurrence of `url` in an error message by its redacted form (the HTTP
// client names the URL it was given, which may carry a token).
std::string RedactIn(std::string message, const std::string& url) {
  return StrReplaceAll(message, url, http::RedactUrl(url));
}

// Errors read `template: url:1:10: executing "url" at <.X>: ...`.
Result<std::string> Render(std::string_view what, std::string_view text, const tmpl::FuncMap& funcs,
                           const tmpl::Value& dot) {
  tmpl::Template::Options options;
  options.missing_key_zero = true;
  options.max_output_bytes = 1 << 20;
  Result<tmpl::Template> t = tmpl::Template::Parse(what, text, funcs, options);
  if (!t.ok()) return t.status();
  return t->Execute(dot);
}

tmpl::FuncMap MakeFuncs(const Clock& clock) {
  tmpl::FuncMap funcs = tmpl::BuiltinFuncs();
  tmpl::AddAlertmanagerFuncs(&funcs, [&clock] { return clock.NowMillis(); });
  return funcs;
}

}  // namespace

std::string IncidentUrl(std::string_view external_url, int64_t id) {
  if (external_url.empty()) return "";
  std::string out(external_url);
  while (!out.empty() && out.back() == '/') out.pop_back();
  out += "/incidents/";
  out += std::to_string(id);
  return out;
}

tmpl::Value IncidentTemplateValue(const Incident& incident, std::string_view incident_url) {
  tmpl::Value::Map m;
  m.insert_or_assign("ID", tmpl::Value(incident.id));
  m.insert_or_assign("Title", tmpl::Value(incident.title));
  m.insert_or_assign("Severity", tmpl::Value(config::IncidentSeverityName(incident.severity)));
  m.insert_or_assign("State", tmpl::Value(StateName(incident.state)));
  tmpl::Value::List services;
  for (const std::string& s : incident.services) services.emplace_back(s);
  m.insert_or_assign("Services", tmpl::Value(std::move(services)));
  m.insert_or_assign("Service",
                     tmpl::Value(incident.services.empty() ? "" : incident.services.front()));
  m.insert_or_assign("GroupLabels", LabelsMap(incident.group_labels));
  m.insert_or_assign("CommonLabels", LabelsMap(CommonLabels(incident)));
  m.insert_or_assign("Assignee", tmpl::Value(incident.assignee));
  m.insert_or_assign("Receiver", tmpl::Value(incident.receiver));
  m.insert_or_assign("Policy", tmpl::Value(incident.policy));
  m.insert_or_assign("URL", tmpl::Value(incident_url));
  m.insert_or_assign("OpenedAt", tmpl::Value::Time(incident.opened_at_ms));
  tmpl::Value::List alerts;
  for (const IncidentAlert& a : incident.alerts) {
    tmpl::Value::Map am;
    am.insert_or_assign("Labels", LabelsMap(a.labels));
    tmpl::Value::Map annotations;
    for (const auto& kv : a.annotations)
      annotations.insert_or_assign(kv.first, tmpl::Value(kv.second));
    am.insert_or_assign("Annotations", tmpl::Value(std::move(annotations)));
    am.insert_or_assign("Status", tmpl::Value(a.firing ? "firing" : "resolved"));
    am.insert_or_assign("StartsAt", tmpl::Value::Time(a.starts_at_ms));
    am.insert_or_assign("EndsAt", tmpl::Value::Time(a.ends_at_ms));
    am.insert_or_assign("Fingerprint", tmpl::Value(Hex16(a.fingerprint)));
    am.insert_or_assign("GeneratorURL", tmpl::Value(a.generator_url));
    alerts.emplace_back(std::move(am));
  }
  m.insert_or_assign("Alerts", tmpl::Value(std::move(alerts)));
  return tmpl::Value(std::move(m));
}

ConfiguredActionRunner::ConfiguredActionRunner(const Clock& clock, std::string external_url)
    : clock_(clock), funcs_(MakeFuncs(clock)), external_url_(std::move(external_url)) {}

ConfiguredActionRunner::~ConfiguredActionRunner() = default;

void ConfiguredActionRunner::set_external_url(std::string url) {
  MutexLock lock(mu_);
  external_url_ = std::move(url);
}

bool ConfiguredActionRunner::TakeRateLimitSlot(const config::ActionConfig& action) {
  if (action.rate_limit_max <= 0) return true;
  const int64_t now = clock_.NowMillis();
  MutexLock lock(mu_);
  std::deque<int64_t>& runs = runs_by_action_[action.name];
  while (!runs.empty() && runs.front() <= now - action.rate_limit_per.ms) runs.pop_front();
  if (runs.size() >= static_cast<size_t>(action.rate_limit_max)) return false;
  runs.push_back(now);
  return true;
}

ActionOutcome ConfiguredActionRunner::Run(const config::ActionConfig& action,
                                          const Incident& incident) {
  std::string url;
  {
    MutexLock lock(mu_);
    url = IncidentUrl(external_url_, incident.id);
  }
  ActionOutcome o;
  if (action.http.has_value()) {
    o = RunHttp(action, incident, IncidentTemplateValue(incident, url));
    o.kind = ActionKind::kHttp;
  } else if (action.command.has_value()) {
    o = RunCommand(action, incident, url);
    o.kind = ActionKind::kCommand;
  } else {
    o.status = InvalidArgumentError(
        std::string("action ").append(action.name).append(": neither http nor command is set"));
  }
  o.timeout = action.timeout;
  return o;
}

namespace {

// Shared tail of both kinds: dry run, then the rate limit. Returns true when the caller
// should go on and run.
bool Gate(const config::ActionConfig& action, ActionOutcome& o, bool slot_taken) {
  if (action.dry_run) {
    o.dry_run = true;
    return false;
  }
  if (!slot_taken) {
    o.rate_limited = true;
    o.status = ResourceExhaustedError(std::string("action ")
                                          .append(action.name)
                                          .append(": rate limit ")
                                          .append(std::to_string(action.rate_limit_max))
                                          .append(" per ")
                                          .append(model::FormatDuration(action.rate_limit_per))
                                          .append(" reached"));
    return false;
  }
  return true;
}

}  // namespace

ActionOutcome ConfiguredActionRunner::RunHttp(const config::ActionConfig& action,
                                              const Incident& /*incident*/,
                                              const tmpl::Value& dot) {
  const config::ActionConfig::Http& h = *action.http;
  ActionOutcome o;
  const std::string prefix = std::string("action ").append(action.name).append(": ");
  http::ClientRequest req;
  req.method = h.method.empty() ? "POST" : h.method;
  Result<std::string> url = Render("url", h.url, funcs_, dot);
  if (!url.ok()) {
    o.status = url.status().Annotate(prefix.substr(0, prefix.size() - 2));
    return o;
  }
  req.url = std::move(url).value();
  o.description = std::string(req.method).append(" ").append(http::RedactUrl(req.url));
  if (!IsHttpUrl(req.url)) {
    o.status = InvalidArgumentError(std::string(prefix)
                                        .append("expanded url \"")
                                        .append(http::RedactUrl(req.url))
                                        .append("\" is not an http or https URL; nothing sent"));
    return o;
  }
  for (const auto& [name, value] : h.headers) {
    Result<std::string> v = Render(std::string("header ").append(name), value, funcs_, dot);
    if (!v.ok()) {
      o.status = v.status().Annotate(prefix.substr(0, prefix.size() - 2));
      return o;
    }
    req.headers.emplace_back(name, std::move(v).value());
  }
  if (!h.body.empty()) {
    Result<std::string> body = Render("body", h.body, funcs_, dot);
    if (!body.ok()) {
      o.status = body.status().Annotate(prefix.substr(0, prefix.size() - 2));
      return o;
    }
    req.body = std::move(body).value();
  }
  Result<http::ClientOptions> options = http::ClientOptionsFromConfig(h.http_config);
  if (!options.ok()) {
    o.status = options.status().Annotate(prefix.substr(0, prefix.size() - 2));
    return o;
  }
  options->user_agent = "Osprey-Incidents";
  if (!Gate(action, o, action.dry_run || TakeRateLimitSlot(action))) return o;

  req.timeout = std::chrono::milliseconds(action.timeout.ms);
  req.max_body_bytes = 1 << 20;
  o.ran = true;
  http::HttpClient client(*options);
  Result<http::ClientResponse> r = client.Do(req);
  if (!r.ok()) {
    o.timed_out = r.status().code() == StatusCode::kDeadlineExceeded;
    o.status = Status(r.status().code(), prefix + RedactIn(r.status().message(), req.url));
    return o;
  }
  o.http_status = r->status;
  o.output = TruncateOutput(r->body, r->body.size(), kMaxOutputBytes);
  if (r->status / 100 != 2) {
    o.status = UnavailableError(std::string(prefix)
                                    .append(o.description)
                                    .append(" returned status ")
                                    .append(std::to_string(r->status)));
  }
  return o;
}

ActionOutcome ConfiguredActionRunner::RunCommand(const config::ActionConfig& action,
                                                 const Incident& incident, const std::string& url) {
  const config::ActionConfig::Command& c = *action.command;
  ActionOutcome o;
  const std::string prefix = std::string("action ").append(action.name).append(": ");
  o.description = CommandLine(c);
  if (c.path.empty() || c.path[0] != '/') {
    o.status = InvalidArgumentError(
        std::string(prefix).append("command path \"").append(c.path).append("\" is not absolute"));
    return o;
  }
  if (!Gate(action, o, action.dry_run || TakeRateLimitSlot(action))) return o;

  internal::ProcessSpec spec;
  spec.path = c.path;
  spec.args = c.args;
  spec.env = {
      "PATH=/usr/bin:/bin",
      std::string("OSPREY_INCIDENT_ID=").append(std::to_string(incident.id)),
      std::string("OSPREY_INCIDENT_TITLE=").append(StripNul(incident.title)),
      std::string("OSPREY_INCIDENT_SEVERITY=")
          .append(config::IncidentSeverityName(incident.severity)),
      std::string("OSPREY_INCIDENT_STATE=").append(StateName(incident.state)),
      std::string("OSPREY_INCIDENT_SERVICES=").append(StripNul(StrJoin(incident.services, ","))),
      std::string("OSPREY_INCIDENT_URL=").append(StripNul(url)),
  };
  spec.timeout = std::chrono::milliseconds(action.timeout.ms);
  spec.max_output = kMaxOutputBytes;
  internal::ProcessOutcome p = internal::RunProcess(spec);
  if (!p.start_error.ok()) {
    o.status = p.start_error.Annotate(prefix.substr(0, prefix.size() - 2));
    return o;
  }
  o.ran = true;
  o.timed_out = p.timed_out;
  o.exit_code = p.exit_code;
  o.term_signal = p.term_signal;
  o.output = TruncateOutput(std::move(p.output), p.output_bytes, kMaxOutputBytes);
  if (p.timed_out) {
    o.status = DeadlineExceededError(std::string(prefix)
                                         .append(c.path)
                                         .append(" timed out after ")
                                         .append(model::FormatDuration(action.timeout))
                                         .append(" and was killed"));
  } else if (p.term_signal != 0) {
    o.status = Status(StatusCode::kAborted, std::string(prefix)
                                                .append(c.path)
                                                .append(" was killed by signal ")
                                                .append(std::to_string(p.term_signal))
                                                .append(" (")
                                                .append(strsignal(p.term_signal))
                                                .append(")"));
  } else if (p.exit_code != 0) {
    o.status = Status(StatusCode::kAborted, std::string(prefix)
                                                .append(c.path)
                                                .append(" exited with status ")
                                                .append(std::to_string(p.exit_code)));
  }
  return o;
}

}  // namespace osprey::incidents
