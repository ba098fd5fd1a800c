#include "alerting/notifiers/webhook.h"

#include <algorithm>

#include "alerting/notifiers/go_json.h"
#include "alerting/notifiers/internal/notify_util.h"
#include "alerting/notifiers/notifiers.h"

namespace osprey::alerting::notifiers {

std::string WebhookJson(const TemplateData& data, std::string_view group_key,
                        uint64_t truncated_alerts) {
  // Field order is Go's struct order: template.Data's fields, then the message's own.
  GoJsonWriter w;
  w.BeginObject();
  w.Key("receiver");
  w.String(data.receiver);
  w.Key("status");
  w.String(data.status);
  w.Key("alerts");
  w.BeginArray();
  for (const TemplateAlert& a : data.alerts) {
    w.BeginObject();
    w.Key("status");
    w.String(a.status);
    w.Key("labels");
    w.LabelsObject(a.labels);
    w.Key("annotations");
    w.LabelsObject(a.annotations);
    w.Key("startsAt");
    w.Time(a.starts_at);
    w.Key("endsAt");
    w.Time(a.ends_at);
    w.Key("generatorURL");
    w.String(a.generator_url);
    w.Key("fingerprint");
    w.String(a.fingerprint);
    w.EndObject();
  }
  w.EndArray();
  w.Key("groupLabels");
  w.LabelsObject(data.group_labels);
  w.Key("commonLabels");
  w.LabelsObject(data.common_labels);
  w.Key("commonAnnotations");
  w.LabelsObject(data.common_annotations);
  w.Key("externalURL");
  w.String(data.external_url);
  w.Key("version");
  w.String("4");
  w.Key("groupKey");
  w.String(group_key);
  w.Key("truncatedAlerts");
  w.Uint(truncated_alerts);
  w.EndObject();
  std::string out = w.Take();
  out += '\n';  // json.Encoder.Encode ends each value with a newline
  return out;
}

namespace {

class WebhookNotifier final : public Notifier {
 public:
  WebhookNotifier(config::WebhookConfig c, const NotifierDeps& deps)
      : config_(std::move(c)), deps_(deps) {}

  NotifyResult Notify(const NotifyContext& ctx, std::span<const model::Alert> alerts) override {
    uint64_t truncated = 0;
    if (config_.max_alerts != 0 && alerts.size() > config_.max_alerts) {
      truncated = alerts.size() - config_.max_alerts;
      alerts = alerts.first(config_.max_alerts);
    }
    Result<std::string> url = internal::ReadSecret(config_.url, config_.url_file);
    if (!url.ok()) return {url.status().Annotate("webhook"), true};
    http::ClientRequest req;
    req.method = "POST";
    req.url = *url;
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = WebhookJson(MakeTemplateData(ctx, alerts), ctx.group_key, truncated);
    req.timeout = deps_.timeout;
    return internal::SendHttp(integration(), config_.http_config, std::move(req));
  }
  std::string_view integration() const override { return "webhook"; }
  bool send_resolved() const override { return config_.send_resolved; }

 private:
  const config::WebhookConfig config_;
  const NotifierDeps deps_;
};

}  // namespace

std::unique_ptr<Notifier> NewWebhookNotifier(const config::WebhookConfig& c,
                                             const NotifierDeps& deps) {
  return std::make_unique<WebhookNotifier>(c, deps);
}

}  // namespace osprey::alerting::notifiers
