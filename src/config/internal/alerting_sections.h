// The alerting sections of osprey.yml as a whole: decoding them into Config with the checks
// that span sections (receiver and time interval names), their paths and their YAML.
// Private to config/; config.cc calls these.
#pragma once

#include <string_view>

#include "base/status.h"
#include "config/config.h"
#include "config/yaml_decoder.h"

namespace YAML {
class Emitter;
}  // namespace YAML

namespace osprey::config::internal {

// Top-level keys handled here.
inline constexpr std::string_view kAlertingSections[] = {
    "alerting",  "route", "receivers", "inhibit_rules", "time_intervals", "mute_time_intervals",
    "templates",
};

// Decodes the sections above from the root mapping `m` into *c. Requires: c->global decoded.
Status DecodeAlertingSections(const YamlDocument& doc, const MappingDecoder& m, Config* c);

// templates, receivers' files and the global SMTP/Slack/OpsGenie files relative to `dir`.
void ResolveAlertingPaths(std::string_view dir, Config* c);

// Emits the sections present (alerting when not default) as root mapping entries.
void EmitAlertingSections(const Config& c, YAML::Emitter& out);

}  // namespace osprey::config::internal
