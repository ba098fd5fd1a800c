// Rendering of the four message forms, then delivery. Everything shown comes from the
// incident (alert labels included), so every HTML output escapes it, and every error message
// passes URLs through a redaction first.
#include "incidents/contact_sender.h"

#include <cctype>
#include <map>
#include <random>
#include <utility>

#include "alerting/notifiers/email.h"
#include "alerting/notifiers/go_json.h"
#include "alerting/notifiers/sms.h"
#include "base/html.h"
#include "base/strings.h"
#include "http/client.h"
#include "http/config_client_options.h"
#include "http/delivery.h"
#include "incidents/action_runner.h"
#include "tmpl/funcs.h"
#include "tmpl/template.h"

namespace osprey::incidents {
namespace {

// Concatenation without `"literal" + std::string` (which trips g++ 12's -Wrestrict).
template <typename... Parts>
std::string Cat(const Parts&... parts) {
  std::string out;
  (out.append(std::string_view(parts)), ...);
  return out;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string SeverityUpper(const Incident& i) {
  return Upper(config::IncidentSeverityName(i.severity));
}

// At most max code points; when cut, the last one kept becomes "…".
std::string TruncateChars(std::string_view s, size_t max) {
  size_t count = 0;
  size_t i = 0;
  size_t cut = 0;  // byte offset after max - 1 code points
  while (i < s.size()) {
    if (count == max - 1) cut = i;
    const size_t len = std::max<size_t>(1, Utf8SequenceLength(s, i));
    i += len;
    ++count;
  }
  if (count <= max) return std::string(s);
  if (max == 0) return "";
  return std::string(s.substr(0, cut)).append("\xE2\x80\xA6");
}

size_t CountChars(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); i += std::max<size_t>(1, Utf8SequenceLength(s, i))) ++n;
  return n;
}

// "scheme://host/…": for webhook URLs whose path is the secret (Slack, Mattermost).
std::string HostOnly(std::string_view url) {
  const std::string r = http::RedactUrl(url);
  const size_t scheme = r.find("://");
  if (scheme == std::string::npos) return "<url>";
  const size_t path = r.find('/', scheme + 3);
  if (path == std::string::npos) return r;
  return r.substr(0, path).append("/\xE2\x80\xA6");
}

std::string LabelsText(const model::Labels& labels) {
  std::string out;
  for (const model::Label& l : labels) {
    if (!out.empty()) out += ", ";
    out += l.name;
    out += '=';
    AppendGoQuoted(out, l.value, GoQuoteEscapes::kReadable);
  }
  return out;
}

std::string_view Annotation(const IncidentAlert& a, std::string_view name) {
  for (const auto& kv : a.annotations) {
    if (kv.first == name) return kv.second;
  }
  return {};
}

std::string Subject(const ContactMessage& m) {
  return std::string("[")
      .append(SeverityUpper(*m.incident))
      .append("] Incident #")
      .append(std::to_string(m.incident->id))
      .append(": ")
      .append(m.incident->title);
}

// One HTTP request; the error names `what` ("webhook to https://h/x") and shows the URL only
// as `shown_url`. Incident contacts are not retried, so only the status is kept.
Status Deliver(std::string_view what, const config::HttpClientConfig& http_config,
               http::ClientRequest req, const std::string& shown_url) {
  Result<http::ClientOptions> options = http::ClientOptionsFromConfig(http_config);
  if (!options.ok()) return options.status().Annotate(what);
  options->user_agent = "Osprey-Incidents";
  req.max_body_bytes = 1 << 20;
  http::HttpClient client(*options);
  Result<http::ClientResponse> r = client.Do(req);
  return http::JudgeDelivery(what, req.url, shown_url, r).status;
}

Status SendEmail(const ContactMessage& m, const config::PersonConfig& p,
                 const ContactSenderOptions& o, int64_t now_ms) {
  const std::string what = std::string("email to ").append(p.email);
  const config::AlertmanagerGlobalConfig& g = o.global;
  if (g.smtp_smarthost.empty()) {
    return FailedPreconditionError(what + ": global.smtp_smarthost is not set");
  }
  if (g.smtp_from.empty()) return FailedPreconditionError(what + ": global.smtp_from is not set");
  const RenderedEmail e = RenderIncidentEmail(m);
  config::EmailConfig c;
  c.to = p.email;
  c.from = g.smtp_from;
  c.smarthost = g.smtp_smarthost;
  c.hello = g.smtp_hello;
  c.auth_username = g.smtp_auth_username;
  c.auth_password = g.smtp_auth_password;
  c.auth_password_file = g.smtp_auth_password_file;
  c.auth_secret = g.smtp_auth_secret;
  c.auth_identity = g.smtp_auth_identity;
  c.require_tls = g.smtp_require_tls;
  c.headers = {{"Subject", e.subject}};
  c.text = e.text;
  c.html = e.html;
  std::random_device rd;
  const uint64_t random = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  // The texts are final: the "template" renderer passes them through unchanged.
  Result<alerting::notifiers::EmailMessage> built = alerting::notifiers::BuildEmailMessage(
      c, [](std::string_view t) { return std::string(t); }, now_ms,
      o.hostname.empty() ? alerting::notifiers::LocalHostName() : o.hostname, random);
  if (!built.ok()) return built.status().Annotate(what);
  alerting::NotifyResult r = alerting::notifiers::SendEmail(c, *built, o.timeout);
  if (!r.status.ok()) return r.status.Annotate(what);
  return OkStatus();
}

Status SendWebhook(const ContactMessage& m, const config::PersonConfig& p,
                   const ContactSenderOptions& o) {
  const std::string shown = http::RedactUrl(p.webhook);
  http::ClientRequest req;
  req.method = "POST";
  req.url = p.webhook;
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = IncidentWebhookJson(m);
  req.timeout = o.timeout;
  return Deliver(std::string("webhook to ").append(shown), {}, std::move(req), shown);
}

Status SendSms(const ContactMessage& m, const config::PersonConfig& p,
               const ContactSenderOptions& o) {
  const std::string what = std::string("sms to ").append(p.sms);
  if (!o.notify.sms.has_value()) {
    return FailedPreconditionError(what + ": incidents.notify.sms is not configured");
  }
  const config::SmsConfig& s = *o.notify.sms;
  tmpl::Value::Map dot = IncidentTemplateValue(*m.incident, m.incident_url).AsMap();
  dot.insert_or_assign("To", tmpl::Value(p.sms));
  dot.insert_or_assign("Message", tmpl::Value(IncidentSmsText(m)));
  const tmpl::Value dot_value(std::move(dot));
  const tmpl::FuncMap funcs = tmpl::BuiltinFuncs();
  tmpl::Template::Options topts;
  topts.missing_key_zero = true;
  std::map<std::string, std::string> params;
  for (const auto& [name, text] : alerting::notifiers::SmsParamTemplates(s)) {
    Result<tmpl::Template> t = tmpl::Template::Parse(name, text, funcs, topts);
    Result<std::string> v = t.ok() ? t->Execute(dot_value) : Result<std::string>(t.status());
    if (!v.ok()) return v.status().Annotate(what + ": param " + name);
    params[name] = std::move(v).value();
  }
  http::ClientRequest req = alerting::notifiers::SmsGatewayRequest(s, params, o.timeout);
  return Deliver(what, s.http_config, std::move(req), http::RedactUrl(s.url));
}

Status SendChat(const ContactMessage& m, const config::PersonConfig& p,
                const ContactSenderOptions& o) {
  const std::string what = std::string("chat to ").append(p.chat);
  if (o.notify.chat_url.empty()) {
    return FailedPreconditionError(what + ": incidents.notify.chat.url is not configured");
  }
  alerting::notifiers::GoJsonWriter w;
  w.BeginObject();
  w.Key("channel");
  w.String(p.chat);
  w.Key("text");
  w.String(IncidentChatText(m));
  w.EndObject();
  http::ClientRequest req;
  req.method = "POST";
  req.url = o.notify.chat_url;
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = w.Take();
  req.timeout = o.timeout;
  return Deliver(what, o.notify.chat_http_config, std::move(req), HostOnly(o.notify.chat_url));
}

}  // namespace

RenderedEmail RenderIncidentEmail(const ContactMessage& m) {
  const Incident& i = *m.incident;
  RenderedEmail e;
  e.subject = Subject(m);
  const std::string services = i.services.empty() ? "-" : StrJoin(i.services, ", ");
  const std::string severity(config::IncidentSeverityName(i.severity));
  const std::string state(StateName(i.state));
  const std::string level = std::to_string(m.level + 1);
  const std::string opened = FormatRfc3339Millis(std::max<int64_t>(0, i.opened_at_ms));

  const std::string escalation =
      m.person.empty() ? Cat("level ", level) : Cat("level ", level, " (", m.person, ")");
  const std::string alert_count = std::to_string(i.alerts.size());

  std::string& t = e.text;
  t += Cat("Incident #", std::to_string(i.id), ": ", i.title, "\n\n");
  t += Cat("State:      ", state, "\n");
  t += Cat("Severity:   ", severity, "\n");
  t += Cat("Services:   ", services, "\n");
  t += Cat("Opened:     ", opened, "\n");
  t += Cat("Escalation: ", escalation, "\n");
  if (!i.assignee.empty()) t += Cat("Assignee:   ", i.assignee, "\n");
  t += Cat("\nAlerts (", alert_count, "):\n");
  for (const IncidentAlert& a : i.alerts) {
    t += Cat("- [", a.firing ? "firing" : "resolved", "] ", LabelsText(a.labels), "\n");
    const std::string_view summary = Annotation(a, "summary");
    if (!summary.empty()) t += Cat("  ", summary, "\n");
  }
  t += "\n";
  if (!m.ack_url.empty()) t += Cat("Acknowledge: ", m.ack_url, "\n");
  if (!m.incident_url.empty()) t += Cat("Incident:    ", m.incident_url, "\n");

  std::string& h = e.html;
  h += Cat("<!DOCTYPE html>\n<html><head><meta charset=\"UTF-8\"><title>", HtmlEscape(e.subject),
           "</title></head>\n<body style=\"font-family: sans-serif\">\n");
  h += Cat("<h2>Incident #", std::to_string(i.id), ": ", HtmlEscape(i.title), "</h2>\n");
  if (!m.ack_url.empty()) {
    h += Cat("<p><a href=\"", HtmlEscape(m.ack_url),
             "\" style=\"display:inline-block;padding:8px 16px;background:#1565c0;color:#fff;"
             "text-decoration:none;border-radius:4px\">Acknowledge</a></p>\n");
  }
  h += "<table>\n";
  auto row = [&h](std::string_view k, std::string_view v) {
    h += Cat("<tr><th align=\"left\">", HtmlEscape(k), "</th><td>", HtmlEscape(v), "</td></tr>\n");
  };
  row("State", state);
  row("Severity", severity);
  row("Services", services);
  row("Opened", opened);
  row("Escalation", escalation);
  if (!i.assignee.empty()) row("Assignee", i.assignee);
  h += Cat("</table>\n<h3>Alerts (", alert_count, ")</h3>\n<ul>\n");
  for (const IncidentAlert& a : i.alerts) {
    h += Cat("<li>[", a.firing ? "firing" : "resolved", "] <code>",
             HtmlEscape(LabelsText(a.labels)), "</code>");
    const std::string_view summary = Annotation(a, "summary");
    if (!summary.empty()) h += Cat("<br>", HtmlEscape(summary));
    h += "</li>\n";
  }
  h += "</ul>\n";
  if (!m.ack_url.empty()) {
    h += Cat("<p>Acknowledge: <a href=\"", HtmlEscape(m.ack_url), "\">", HtmlEscape(m.ack_url),
             "</a></p>\n");
  }
  if (!m.incident_url.empty()) {
    h += Cat("<p>Incident: <a href=\"", HtmlEscape(m.incident_url), "\">",
             HtmlEscape(m.incident_url), "</a></p>\n");
  }
  h += "</body></html>\n";
  return e;
}

std::string IncidentWebhookJson(const ContactMessage& m) {
  const Incident& i = *m.incident;
  alerting::notifiers::GoJsonWriter w;
  w.BeginObject();
  w.Key("version");
  w.String("1");
  w.Key("type");
  w.String("incident");
  w.Key("incident");
  w.BeginObject();
  w.Key("id");
  w.Int(i.id);
  w.Key("title");
  w.String(i.title);
  w.Key("state");
  w.String(StateName(i.state));
  w.Key("severity");
  w.String(config::IncidentSeverityName(i.severity));
  w.Key("services");
  w.BeginArray();
  for (const std::string& s : i.services) w.String(s);
  w.EndArray();
  w.Key("url");
  w.String(m.incident_url);
  w.Key("group_labels");
  w.LabelsObject(i.group_labels);
  w.Key("alerts");
  w.BeginArray();
  for (const IncidentAlert& a : i.alerts) {
    w.BeginObject();
    w.Key("labels");
    w.LabelsObject(a.labels);
    w.Key("annotations");
    w.StringMap(std::map<std::string, std::string>(a.annotations.begin(), a.annotations.end()));
    w.Key("status");
    w.String(a.firing ? "firing" : "resolved");
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.Key("person");
  w.String(m.person);
  w.Key("level");
  w.Int(m.level + 1);
  w.Key("ack_url");
  w.String(m.ack_url);
  w.EndObject();
  return w.Take();
}

std::string IncidentSmsText(const ContactMessage& m, size_t max_chars) {
  const Incident& i = *m.incident;
  const std::string head = std::string("Osprey #")
                               .append(std::to_string(i.id))
                               .append(" ")
                               .append(SeverityUpper(i))
                               .append(": ");
  std::string tail;
  if (!m.ack_url.empty()) {
    tail = std::string(". Ack: ").append(m.ack_url);
  } else if (!m.incident_url.empty()) {
    tail = std::string(". Details: ").append(m.incident_url);
  }
  // The link must survive whole; the title gets what is left, but never fewer than 20
  // characters (a message over the limit beats a useless one).
  constexpr size_t kMinTitle = 20;
  const size_t fixed = CountChars(head) + CountChars(tail);
  const size_t room = fixed + kMinTitle >= max_chars ? kMinTitle : max_chars - fixed;
  return head + TruncateChars(i.title, room) + tail;
}

std::string IncidentChatText(const ContactMessage& m) {
  const Incident& i = *m.incident;
  std::string t = Subject(m);
  t += "\nState: ";
  t += StateName(i.state);
  if (!i.services.empty()) t += Cat(" | Services: ", StrJoin(i.services, ", "));
  t += Cat(" | Level ", std::to_string(m.level + 1));
  size_t shown = 0;
  for (const IncidentAlert& a : i.alerts) {
    if (shown++ == 5) {
      t += Cat("\n... and ", std::to_string(i.alerts.size() - 5), " more alerts");
      break;
    }
    t += Cat("\n- [", a.firing ? "firing" : "resolved", "] ", LabelsText(a.labels));
  }
  if (!m.incident_url.empty()) t += Cat("\nIncident: ", m.incident_url);
  if (!m.ack_url.empty()) t += Cat("\nAcknowledge: ", m.ack_url);
  return t;
}

ConfiguredContactSender::ConfiguredContactSender(const Clock& clock, ContactSenderOptions options)
    : clock_(clock), options_(std::make_shared<const ContactSenderOptions>(std::move(options))) {}

ConfiguredContactSender::~ConfiguredContactSender() = default;

void ConfiguredContactSender::Reconfigure(ContactSenderOptions options) {
  auto next = std::make_shared<const ContactSenderOptions>(std::move(options));
  MutexLock lock(mu_);
  options_ = std::move(next);
}

std::vector<ContactResult> ConfiguredContactSender::Send(const ContactMessage& message) {
  std::shared_ptr<const ContactSenderOptions> o;
  {
    MutexLock lock(mu_);
    o = options_;
  }
  std::vector<ContactResult> results;
  if (message.incident == nullptr) return results;
  const config::PersonConfig* person = nullptr;
  for (const config::PersonConfig& p : o->people) {
    if (p.name == message.person) person = &p;
  }
  if (person == nullptr) return results;
  if (!person->email.empty()) {
    results.push_back(
        {"email", person->email, SendEmail(message, *person, *o, clock_.NowMillis())});
  }
  if (!person->sms.empty()) results.push_back({"sms", person->sms, SendSms(message, *person, *o)});
  if (!person->chat.empty()) {
    results.push_back({"chat", person->chat, SendChat(message, *person, *o)});
  }
  if (!person->webhook.empty()) {
    results.push_back(
        {"webhook", http::RedactUrl(person->webhook), SendWebhook(message, *person, *o)});
  }
  return results;
}

}  // namespace osprey::incidents
