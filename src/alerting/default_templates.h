// Osprey's built-in notification templates: the template names Alertmanager's default.tmpl
// and email.tmpl define ("__subject", "slack.default.title", "email.default.html", ...), with
// Osprey's own bodies, plus "sms.default.message". Every default message links back to Osprey:
// the group's page (ExternalURL + "/alerting?receiver=...") and each alert's page
// (ExternalURL + "/alerting?fingerprint=...", the alert's AlertURL), and names the alert's
// GeneratorURL as its source.
//
// The text is only defines; user template files (config `templates:`) are parsed after it,
// so a user file may redefine any of these names.
#pragma once

#include <string_view>

namespace osprey::alerting {

// The template file text; lives as long as the program.
std::string_view DefaultNotificationTemplates();

}  // namespace osprey::alerting
