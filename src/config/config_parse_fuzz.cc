// ParseConfig and ParseWebConfig on arbitrary bytes must never crash, hang or leak, and a
// config that parses must survive ToYaml: parsing the effective config gives the same config
// (with each secret replaced by the mask).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/check.h"
#include "config/config.h"
#include "config/web_config.h"

namespace {

using osprey::config::Config;
using osprey::config::HttpClientConfig;

void MaskSecrets(HttpClientConfig& c) {
  const std::string mask(osprey::config::kSecretMask);
  if (c.basic_auth && !c.basic_auth->password.empty()) c.basic_auth->password = mask;
  if (c.authorization && !c.authorization->credentials.empty()) {
    c.authorization->credentials = mask;
  }
}

void Mask(std::string& secret) {
  if (!secret.empty()) secret = std::string(osprey::config::kSecretMask);
}

// The alerting sections' secrets, as ToYaml prints them.
void MaskAlertingSecrets(Config& c) {
  auto& g = c.global.alertmanager;
  MaskSecrets(g.http_config);
  Mask(g.smtp_auth_password);
  Mask(g.smtp_auth_secret);
  Mask(g.slack_api_url);
  Mask(g.opsgenie_api_key);
  for (auto& am : c.alerting.alertmanagers) MaskSecrets(am.http_client);
  for (auto& r : c.receivers) {
    for (auto& x : r.webhook_configs) MaskSecrets(x.http_config);
    for (auto& x : r.email_configs) {
      Mask(x.auth_password);
      Mask(x.auth_secret);
    }
    for (auto& x : r.slack_configs) {
      Mask(x.api_url);
      MaskSecrets(x.http_config);
    }
    for (auto& x : r.msteams_configs) {
      Mask(x.webhook_url);
      MaskSecrets(x.http_config);
    }
    for (auto& x : r.telegram_configs) {
      Mask(x.bot_token);
      MaskSecrets(x.http_config);
    }
    for (auto& x : r.pagerduty_configs) {
      Mask(x.routing_key);
      Mask(x.service_key);
      MaskSecrets(x.http_config);
    }
    for (auto& x : r.opsgenie_configs) {
      Mask(x.api_key);
      MaskSecrets(x.http_config);
    }
    for (auto& x : r.sms_configs) MaskSecrets(x.http_config);
  }
}

// The incidents section's secrets, as ToYaml prints them.
void MaskIncidentsSecrets(Config& c) {
  auto& n = c.incidents.notify;
  Mask(n.chat_url);
  MaskSecrets(n.chat_http_config);
  if (n.sms) MaskSecrets(n.sms->http_config);
  for (auto& a : c.incidents.actions) {
    if (a.http) MaskSecrets(a.http->http_config);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  osprey::Result<Config> config = osprey::config::ParseConfig(text, "fuzz.yml");
  if (config.ok()) {
    const std::string yaml = config->ToYaml();
    osprey::Result<Config> again = osprey::config::ParseConfig(yaml, "effective.yml");
    OSPREY_CHECK(again.ok()) << again.status().ToString() << "\n" << yaml;
    Config expected = *config;
    for (auto& s : expected.scrape_configs) {
      MaskSecrets(s.http_client);
      for (auto& h : s.http_sd_configs) MaskSecrets(h.http_client);
    }
    MaskAlertingSecrets(expected);
    MaskIncidentsSecrets(expected);
    OSPREY_CHECK(*again == expected) << "ToYaml round trip changed the config:\n" << yaml;
  }
  osprey::config::ParseWebConfig(text, "web.yml").status().IgnoreError();
  return 0;
}
