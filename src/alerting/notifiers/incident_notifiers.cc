// PagerDuty (Events API v2, and v1 for service_key) and OpsGenie (Alert API v2): incident
// tools that deduplicate by a key derived from the group key, so that the resolve closes the
// incident the trigger opened.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "alerting/notifiers/go_json.h"
#include "alerting/notifiers/internal/notify_util.h"
#include "alerting/notifiers/notifiers.h"
#include "alerting/template_data.h"

namespace osprey::alerting::notifiers {
namespace {

constexpr size_t kPagerdutySummaryMaxRunes = 1024;
constexpr size_t kOpsGenieMessageMaxRunes = 130;

// Splits on `sep`, trims blanks, drops empty pieces.
std::vector<std::string> SplitList(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    std::string_view piece = s.substr(start, end - start);
    const size_t b = piece.find_first_not_of(" \t\r\n");
    if (b != std::string_view::npos) {
      const size_t e = piece.find_last_not_of(" \t\r\n");
      out.emplace_back(piece.substr(b, e - b + 1));
    }
    start = end + 1;
  }
  return out;
}

class PagerdutyNotifier final : public Notifier {
 public:
  PagerdutyNotifier(config::PagerdutyConfig c, const NotifierDeps& deps)
      : config_(std::move(c)), deps_(deps) {}

  NotifyResult Notify(const NotifyContext& ctx, std::span<const model::Alert> alerts) override {
    const TemplateData data = MakeTemplateData(ctx, alerts);
    internal::FieldRenderer render(deps_, integration(), ToTemplateValue(data));
    const bool resolved = data.status == "resolved";
    const std::string key_hash = internal::Sha256Hex(ctx.group_key);

    // Alertmanager's default details, unless the user's map names them.
    std::map<std::string, std::string> detail_templates = {
        {"firing", R"({{ template "pagerduty.default.instances" .Alerts.Firing }})"},
        {"resolved", R"({{ template "pagerduty.default.instances" .Alerts.Resolved }})"},
        {"num_firing", R"({{ .Alerts.Firing | len }})"},
        {"num_resolved", R"({{ .Alerts.Resolved | len }})"},
    };
    for (const auto& [k, v] : config_.details) detail_templates[k] = v;
    std::map<std::string, std::string> details;
    for (const auto& kv : detail_templates) details[kv.first] = render(kv.second);

    const bool v1 = config_.routing_key.empty() && config_.routing_key_file.empty();
    Result<std::string> key =
        v1 ? internal::ReadSecret(config_.service_key, config_.service_key_file)
           : internal::ReadSecret(config_.routing_key, config_.routing_key_file);
    if (!key.ok()) return {key.status().Annotate("pagerduty"), true};
    std::string routing_key = render(*key);
    if (routing_key.empty()) {
      return {InvalidArgumentError("pagerduty: routing key cannot be empty"), false};
    }
    const std::string summary =
        internal::TruncateRunes(render(config_.description), kPagerdutySummaryMaxRunes);

    GoJsonWriter w;
    w.BeginObject();
    if (v1) {
      w.Key("service_key");
      w.String(routing_key);
      w.Key("incident_key");
      w.String(key_hash);
      w.Key("event_type");
      w.String(resolved ? "resolve" : "trigger");
      w.OptionalString("description", summary);
      w.Key("event_action");
      w.String("");
      w.Key("payload");
      w.Null();
      w.OptionalString("client", render(config_.client));
      w.OptionalString("client_url", render(config_.client_url));
      if (!details.empty()) {
        w.Key("details");
        w.StringMap(details);
      }
    } else {
      w.Key("routing_key");
      w.String(routing_key);
      w.Key("dedup_key");
      w.String(key_hash);
      w.Key("event_action");
      w.String(resolved ? "resolve" : "trigger");
      w.Key("payload");
      w.BeginObject();
      w.Key("summary");
      w.String(summary);
      w.Key("source");
      w.String(render(config_.source.empty() ? config_.client : config_.source));
      w.Key("severity");
      w.String(render(config_.severity.empty() ? std::string("error") : config_.severity));
      w.OptionalString("class", render(config_.class_name));
      w.OptionalString("component", render(config_.component));
      w.OptionalString("group", render(config_.group));
      if (!details.empty()) {
        w.Key("custom_details");
        w.StringMap(details);
      }
      w.EndObject();
      w.OptionalString("client", render(config_.client));
      w.OptionalString("client_url", render(config_.client_url));
      WriteImages(w, render);
      WriteLinks(w, render);
    }
    w.EndObject();
    std::string url = config_.url;
    if (url.empty()) {
      url = v1 ? "https://events.pagerduty.com/generic/2010-04-15/create_event.json"
               : "https://events.pagerduty.com/v2/enqueue";
    }
    return internal::SendHttp(
        integration(), config_.http_config,
        internal::JsonRequest("POST", std::move(url), w.Take(), deps_.timeout));
  }
  std::string_view integration() const override { return "pagerduty"; }
  bool send_resolved() const override { return config_.send_resolved; }

 private:
  void WriteImages(GoJsonWriter& w, internal::FieldRenderer& render) const {
    bool open = false;
    for (const config::PagerdutyImage& img : config_.images) {
      const std::string src = render(img.src);
      if (src.empty()) continue;
      if (!open) {
        w.Key("images");
        w.BeginArray();
        open = true;
      }
      w.BeginObject();
      w.Key("src");
      w.String(src);
      w.OptionalString("alt", render(img.alt));
      w.OptionalString("href", render(img.href));
      w.EndObject();
    }
    if (open) w.EndArray();
  }
  void WriteLinks(GoJsonWriter& w, internal::FieldRenderer& render) const {
    bool open = false;
    for (const config::PagerdutyLink& link : config_.links) {
      const std::string href = render(link.href);
      if (href.empty()) continue;
      if (!open) {
        w.Key("links");
        w.BeginArray();
        open = true;
      }
      w.BeginObject();
      w.Key("href");
      w.String(href);
      w.Key("text");
      w.String(render(link.text));
      w.EndObject();
    }
    if (open) w.EndArray();
  }

  const config::PagerdutyConfig config_;
  const NotifierDeps deps_;
};

class OpsGenieNotifier final : public Notifier {
 public:
  OpsGenieNotifier(config::OpsGenieConfig c, const NotifierDeps& deps)
      : config_(std::move(c)), deps_(deps) {}

  NotifyResult Notify(const NotifyContext& ctx, std::span<const model::Alert> alerts) override {
    const TemplateData data = MakeTemplateData(ctx, alerts);
    internal::FieldRenderer render(deps_, integration(), ToTemplateValue(data));
    const std::string alias = internal::Sha256Hex(ctx.group_key);
    Result<std::string> key = internal::ReadSecret(config_.api_key, config_.api_key_file);
    if (!key.ok()) return {key.status().Annotate("opsgenie"), true};
    std::string base = config_.api_url.empty() ? "https://api.opsgenie.com/" : config_.api_url;
    if (base.back() != '/') base += '/';

    std::vector<http::ClientRequest> requests;
    if (data.status == "resolved") {
      GoJsonWriter w;
      w.BeginObject();
      w.Key("source");
      w.String(render(config_.source));
      w.EndObject();
      requests.push_back(
          internal::JsonRequest("POST", base + "v2/alerts/" + alias + "/close?identifierType=alias",
                                w.Take(), deps_.timeout));
    } else {
      std::map<std::string, std::string> details;
      for (const model::Label& l : data.common_labels) details[l.name] = l.value;
      for (const auto& kv : config_.details) details[kv.first] = render(kv.second);
      const std::string message =
          internal::TruncateRunes(render(config_.message), kOpsGenieMessageMaxRunes);
      const std::string description = render(config_.description);
      GoJsonWriter w;
      w.BeginObject();
      w.Key("alias");
      w.String(alias);
      w.Key("message");
      w.String(message);
      w.OptionalString("description", description);
      w.Key("details");
      w.StringMap(details);
      w.Key("source");
      w.String(render(config_.source));
      WriteResponders(w, render);
      WriteList(w, "tags", SplitList(render(config_.tags), ','));
      w.OptionalString("note", render(config_.note));
      w.OptionalString("priority", render(config_.priority));
      w.OptionalString("entity", render(config_.entity));
      WriteList(w, "actions", SplitList(render(config_.actions), ','));
      w.EndObject();
      requests.push_back(
          internal::JsonRequest("POST", base + "v2/alerts", w.Take(), deps_.timeout));
      if (config_.update_alerts) {
        GoJsonWriter m;
        m.BeginObject();
        m.Key("message");
        m.String(message);
        m.EndObject();
        requests.push_back(internal::JsonRequest(
            "PUT", base + "v2/alerts/" + alias + "/message?identifierType=alias", m.Take(),
            deps_.timeout));
        GoJsonWriter d;
        d.BeginObject();
        d.Key("description");
        d.String(description);
        d.EndObject();
        requests.push_back(internal::JsonRequest(
            "PUT", base + "v2/alerts/" + alias + "/description?identifierType=alias", d.Take(),
            deps_.timeout));
      }
    }
    std::string auth = "GenieKey ";
    auth += render(*key);
    for (http::ClientRequest& req : requests) {
      req.headers.emplace_back("Authorization", auth);
      NotifyResult r = internal::SendHttp(integration(), config_.http_config, std::move(req));
      if (!r.status.ok()) return r;
    }
    return {};
  }
  std::string_view integration() const override { return "opsgenie"; }
  bool send_resolved() const override { return config_.send_resolved; }

 private:
  static void WriteList(GoJsonWriter& w, std::string_view key,
                        const std::vector<std::string>& items) {
    if (items.empty()) return;
    w.Key(key);
    w.BeginArray();
    for (const std::string& s : items) w.String(s);
    w.EndArray();
  }
  void WriteResponders(GoJsonWriter& w, internal::FieldRenderer& render) const {
    struct Responder {
      std::string id, name, username, type;
    };
    std::vector<Responder> out;
    for (const config::OpsGenieResponder& r : config_.responders) {
      Responder x{render(r.id), render(r.name), render(r.username), render(r.type)};
      if (x.id.empty() && x.name.empty() && x.username.empty() && x.type.empty()) continue;
      if (x.type == "teams") {  // a comma-separated list of team names
        for (std::string& team : SplitList(x.name, ',')) {
          out.push_back({"", std::move(team), "", "team"});
        }
        continue;
      }
      out.push_back(std::move(x));
    }
    if (out.empty()) return;
    w.Key("responders");
    w.BeginArray();
    for (const Responder& r : out) {
      w.BeginObject();
      w.OptionalString("id", r.id);
      w.OptionalString("name", r.name);
      w.OptionalString("username", r.username);
      w.Key("type");
      w.String(r.type);
      w.EndObject();
    }
    w.EndArray();
  }

  const config::OpsGenieConfig config_;
  const NotifierDeps deps_;
};

}  // namespace

Result<std::unique_ptr<Notifier>> NewPagerdutyNotifier(const config::PagerdutyConfig& c,
                                                       const NotifierDeps& deps) {
  return std::unique_ptr<Notifier>(std::make_unique<PagerdutyNotifier>(c, deps));
}

std::unique_ptr<Notifier> NewOpsGenieNotifier(const config::OpsGenieConfig& c,
                                              const NotifierDeps& deps) {
  return std::make_unique<OpsGenieNotifier>(c, deps);
}

}  // namespace osprey::alerting::notifiers
