// The email notifier's message: built separately from the SMTP session so tests can read it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "alerting/notifier.h"
#include "base/status.h"
#include "config/receiver_config.h"

namespace osprey::alerting::notifiers {

struct EmailMessage {
  std::string envelope_from;            // MAIL FROM
  std::vector<std::string> recipients;  // RCPT TO
  std::string data;                     // Headers and body, CRLF line ends.
};

// Renders the config's templates with `render` and builds a multipart/alternative message:
// the configured headers (each value encoded per RFC 2047 when not plain ASCII), Message-Id
// (unless configured) `<now_ns.random@hostname>`, Date, MIME-Version, then a text/plain part
// (when `text` is set) and a text/html part (when `html` is set), both quoted-printable.
// `render_html` expands the `html` field (the notifier passes Alertmanager's html/template
// escaping, tmpl::Template::Escaping::kHtml); without it `render` does.
// kInvalidArgument when From is not exactly one address or To holds no valid address.
using RenderFunc = std::function<std::string(std::string_view)>;
Result<EmailMessage> BuildEmailMessage(const config::EmailConfig& c, const RenderFunc& render,
                                       const RenderFunc& render_html, int64_t now_ms,
                                       std::string_view hostname, uint64_t random);
Result<EmailMessage> BuildEmailMessage(const config::EmailConfig& c, const RenderFunc& render,
                                       int64_t now_ms, std::string_view hostname, uint64_t random);

// Delivers a built message over SMTP with the config's smarthost, hello, TLS and auth
// settings (its templates are not used), giving up after `timeout`. Errors read
// `email: sending to <smarthost> failed: <reason> (last SMTP reply 550)`; `retry` is false
// for a permanent SMTP rejection (5xx) or a malformed smarthost. Blocking; thread-safe.
NotifyResult SendEmail(const config::EmailConfig& c, const EmailMessage& m,
                       std::chrono::milliseconds timeout);

// The host's name for Message-Id domains ("localhost" when unknown).
std::string LocalHostName();

}  // namespace osprey::alerting::notifiers
