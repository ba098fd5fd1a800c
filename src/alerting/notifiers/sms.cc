// Osprey's generic HTTP SMS gateway (sms_configs): one request per phone number, its
// parameters expanded from templates that see Alertmanager's data plus .To (the number) and
// .Message (the expanded `message`), sent as a form, JSON, or a GET query string.
#include "alerting/notifiers/sms.h"

#include <map>
#include <string>
#include <utility>

#include "alerting/notifiers/go_json.h"
#include "alerting/notifiers/internal/notify_util.h"
#include "alerting/notifiers/notifiers.h"
#include "alerting/template_data.h"
#include "base/strings.h"

namespace osprey::alerting::notifiers {
namespace {

class SmsNotifier final : public Notifier {
 public:
  SmsNotifier(config::SmsConfig c, const NotifierDeps& deps) : config_(std::move(c)), deps_(deps) {
    config_.params = SmsParamTemplates(config_);
  }

  NotifyResult Notify(const NotifyContext& ctx, std::span<const model::Alert> alerts) override {
    const tmpl::Value base = ToTemplateValue(MakeTemplateData(ctx, alerts));
    internal::FieldRenderer render_message(deps_, integration(), base);
    const std::string message = render_message(config_.message);
    for (const std::string& number : config_.to) {
      tmpl::Value::Map dot = base.AsMap();
      dot.insert_or_assign("To", tmpl::Value(number));
      dot.insert_or_assign("Message", tmpl::Value(message));
      internal::FieldRenderer render(deps_, integration(), tmpl::Value(std::move(dot)));
      std::map<std::string, std::string> params;
      for (const auto& kv : config_.params) params[kv.first] = render(kv.second);

      NotifyResult r =
          internal::SendHttp(integration(), config_.http_config,
                             SmsGatewayRequest(config_, params, deps_.timeout), config_.url);
      if (!r.status.ok()) return r;
    }
    return {};
  }
  std::string_view integration() const override { return "sms"; }
  bool send_resolved() const override { return config_.send_resolved; }

 private:
  config::SmsConfig config_;  // Fixed after construction.
  const NotifierDeps deps_;
};

}  // namespace

std::map<std::string, std::string> SmsParamTemplates(const config::SmsConfig& c) {
  if (!c.params.empty()) return c.params;
  return {{"to", "{{ .To }}"}, {"message", "{{ .Message }}"}};
}

http::ClientRequest SmsGatewayRequest(const config::SmsConfig& c,
                                      const std::map<std::string, std::string>& params,
                                      std::chrono::milliseconds timeout) {
  http::ClientRequest req;
  req.method = c.method.empty() ? "POST" : c.method;
  req.url = c.url;
  req.timeout = timeout;
  if (req.method == "GET") {
    req.url += req.url.find('?') == std::string::npos ? '?' : '&';
    req.url += FormEncode(params);
  } else if (c.content_type == config::SmsConfig::ContentType::kJson) {
    GoJsonWriter w;
    w.StringMap(params);
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = w.Take();
  } else {
    req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    req.body = FormEncode(params);
  }
  return req;
}

std::unique_ptr<Notifier> NewSmsNotifier(const config::SmsConfig& c, const NotifierDeps& deps) {
  return std::make_unique<SmsNotifier>(c, deps);
}

}  // namespace osprey::alerting::notifiers
