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
    OSPREY_CHECK(*again == expected) << "ToYaml round trip changed the config:\n" << yaml;
  }
  osprey::config::ParseWebConfig(text, "web.yml").status().IgnoreError();
  return 0;
}
