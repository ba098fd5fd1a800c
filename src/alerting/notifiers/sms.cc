// Osprey's generic HTTP SMS gateway (sms_configs): one request per phone number, its
// parameters expanded from templates that see Alertmanager's data plus .To (the number) and
// .Message (the expanded `message`), sent as a form, JSON, or a GET query string.
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
    if (config_.params.empty()) {
      config_.params = {{"to", "{{ .To }}"}, {"message", "{{ .Message }}"}};
    }
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

      http::ClientRequest req;
      req.method = config_.method.empty() ? "POST" : config_.method;
      req.url = config_.url;
      req.timeout = deps_.timeout;
      if (req.method == "GET") {
        req.url += req.url.find('?') == std::string::npos ? '?' : '&';
        req.url += FormEncode(params);
      } else if (config_.content_type == config::SmsConfig::ContentType::kJson) {
        GoJsonWriter w;
        w.StringMap(params);
        req.headers.emplace_back("Content-Type", "application/json");
        req.body = w.Take();
      } else {
        req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
        req.body = FormEncode(params);
      }
      NotifyResult r =
          internal::SendHttp(integration(), config_.http_config, std::move(req), config_.url);
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

std::unique_ptr<Notifier> NewSmsNotifier(const config::SmsConfig& c, const NotifierDeps& deps) {
  return std::make_unique<SmsNotifier>(c, deps);
}

}  // namespace osprey::alerting::notifiers
