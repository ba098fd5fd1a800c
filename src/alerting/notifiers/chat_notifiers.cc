// Slack, Microsoft Teams and Telegram: one JSON POST per notification.
#include <string>
#include <utility>

#include "alerting/notifiers/go_json.h"
#include "alerting/notifiers/internal/notify_util.h"
#include "alerting/notifiers/notifiers.h"
#include "alerting/template_data.h"
#include "http/delivery.h"

namespace osprey::alerting::notifiers {
namespace {

constexpr size_t kSlackMaxTitleRunes = 1024;
constexpr size_t kTelegramMaxMessageRunes = 4096;

class SlackNotifier final : public Notifier {
 public:
  SlackNotifier(config::SlackConfig c, const NotifierDeps& deps)
      : config_(std::move(c)), deps_(deps) {}

  NotifyResult Notify(const NotifyContext& ctx, std::span<const model::Alert> alerts) override {
    internal::FieldRenderer render(deps_, integration(),
                                   ToTemplateValue(MakeTemplateData(ctx, alerts)));
    GoJsonWriter w;
    w.BeginObject();
    w.OptionalString("channel", render(config_.channel));
    w.OptionalString("username", render(config_.username));
    w.OptionalString("icon_emoji", render(config_.icon_emoji));
    w.OptionalString("icon_url", render(config_.icon_url));
    if (config_.link_names) {
      w.Key("link_names");
      w.Bool(true);
    }
    w.Key("attachments");
    w.BeginArray();
    w.BeginObject();
    w.OptionalString("title", internal::TruncateRunes(render(config_.title), kSlackMaxTitleRunes));
    w.OptionalString("title_link", render(config_.title_link));
    w.OptionalString("pretext", render(config_.pretext));
    w.Key("text");
    w.String(render(config_.text));
    w.Key("fallback");
    w.String(render(config_.fallback));
    w.Key("callback_id");
    w.String(render(config_.callback_id));
    if (!config_.fields.empty()) {
      w.Key("fields");
      w.BeginArray();
      for (const config::SlackField& f : config_.fields) {
        w.BeginObject();
        w.Key("title");
        w.String(render(f.title));
        w.Key("value");
        w.String(render(f.value));
        w.Key("short");
        w.Bool(f.short_field.value_or(config_.short_fields));
        w.EndObject();
      }
      w.EndArray();
    }
    w.OptionalString("image_url", render(config_.image_url));
    w.OptionalString("thumb_url", render(config_.thumb_url));
    w.Key("footer");
    w.String(render(config_.footer));
    w.OptionalString("color", render(config_.color));
    w.Key("mrkdwn_in");
    w.BeginArray();
    if (config_.mrkdwn_in.empty()) {
      for (const char* f : {"fallback", "pretext", "text"}) w.String(f);
    } else {
      for (const std::string& f : config_.mrkdwn_in) w.String(f);
    }
    w.EndArray();
    w.EndObject();
    w.EndArray();
    w.EndObject();

    Result<std::string> url = internal::ReadSecret(config_.api_url, config_.api_url_file);
    if (!url.ok()) return {url.status().Annotate("slack"), true};
    // The incoming webhook's path is its token: errors show only the host.
    return internal::SendHttp(integration(), config_.http_config,
                              internal::JsonRequest("POST", *url, w.Take(), deps_.timeout),
                              http::RedactSecretUrl(*url));
  }
  std::string_view integration() const override { return "slack"; }
  bool send_resolved() const override { return config_.send_resolved; }

 private:
  const config::SlackConfig config_;
  const NotifierDeps deps_;
};

class MsTeamsNotifier final : public Notifier {
 public:
  MsTeamsNotifier(config::MsTeamsConfig c, const NotifierDeps& deps)
      : config_(std::move(c)), deps_(deps) {}

  NotifyResult Notify(const NotifyContext& ctx, std::span<const model::Alert> alerts) override {
    const TemplateData data = MakeTemplateData(ctx, alerts);
    internal::FieldRenderer render(deps_, integration(), ToTemplateValue(data));
    GoJsonWriter w;
    w.BeginObject();
    w.Key("@context");
    w.String("http://schema.org/extensions");
    w.Key("@type");
    w.String("MessageCard");
    w.Key("title");
    w.String(render(config_.title));
    w.Key("summary");
    w.String(render(config_.summary));
    w.Key("text");
    w.String(render(config_.text));
    w.Key("themeColor");
    w.String(data.status == "firing" ? "8C1A1A" : "2DC72D");
    w.EndObject();
    Result<std::string> url = internal::ReadSecret(config_.webhook_url, config_.webhook_url_file);
    if (!url.ok()) return {url.status().Annotate("msteams"), true};
    // The incoming webhook's path is its token: errors show only the host.
    return internal::SendHttp(integration(), config_.http_config,
                              internal::JsonRequest("POST", *url, w.Take(), deps_.timeout),
                              http::RedactSecretUrl(*url));
  }
  std::string_view integration() const override { return "msteams"; }
  bool send_resolved() const override { return config_.send_resolved; }

 private:
  const config::MsTeamsConfig config_;
  const NotifierDeps deps_;
};

class TelegramNotifier final : public Notifier {
 public:
  TelegramNotifier(config::TelegramConfig c, const NotifierDeps& deps)
      : config_(std::move(c)), deps_(deps) {}

  NotifyResult Notify(const NotifyContext& ctx, std::span<const model::Alert> alerts) override {
    internal::FieldRenderer render(deps_, integration(),
                                   ToTemplateValue(MakeTemplateData(ctx, alerts)));
    GoJsonWriter w;
    w.BeginObject();
    w.Key("chat_id");
    w.Int(config_.chat_id);
    w.Key("text");
    w.String(internal::TruncateRunes(render(config_.message), kTelegramMaxMessageRunes));
    if (!config_.parse_mode.empty()) {
      w.Key("parse_mode");
      w.String(config_.parse_mode);
    }
    w.Key("disable_notification");
    w.Bool(config_.disable_notifications);
    w.Key("disable_web_page_preview");
    w.Bool(true);
    w.EndObject();
    Result<std::string> token = internal::ReadSecret(config_.bot_token, config_.bot_token_file);
    if (!token.ok()) return {token.status().Annotate("telegram"), true};
    std::string base = config_.api_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    std::string url = base;
    url += "/bot";
    url += *token;
    url += "/sendMessage";
    std::string redacted = base;  // the token is a secret: keep it out of errors
    redacted += "/bot<secret>/sendMessage";
    return internal::SendHttp(
        integration(), config_.http_config,
        internal::JsonRequest("POST", std::move(url), w.Take(), deps_.timeout), redacted);
  }
  std::string_view integration() const override { return "telegram"; }
  bool send_resolved() const override { return config_.send_resolved; }

 private:
  const config::TelegramConfig config_;
  const NotifierDeps deps_;
};

}  // namespace

std::unique_ptr<Notifier> NewSlackNotifier(const config::SlackConfig& c, const NotifierDeps& deps) {
  return std::make_unique<SlackNotifier>(c, deps);
}

std::unique_ptr<Notifier> NewMsTeamsNotifier(const config::MsTeamsConfig& c,
                                             const NotifierDeps& deps) {
  return std::make_unique<MsTeamsNotifier>(c, deps);
}

std::unique_ptr<Notifier> NewTelegramNotifier(const config::TelegramConfig& c,
                                              const NotifierDeps& deps) {
  return std::make_unique<TelegramNotifier>(c, deps);
}

}  // namespace osprey::alerting::notifiers
