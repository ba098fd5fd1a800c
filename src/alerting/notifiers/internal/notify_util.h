// Pieces every notifier shares: template rendering with error counting, secrets from files,
// the HTTP client settings of a config, posting a body and judging the response.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "alerting/notifier.h"
#include "alerting/notifiers/notifiers.h"
#include "base/status.h"
#include "config/http_client_config.h"
#include "http/client.h"
#include "http/delivery.h"
#include "tmpl/template.h"

namespace osprey::alerting::notifiers::internal {

// Expands config fields for one notification. A failing template yields its error text
// (so the message still goes out and shows what is wrong) and counts one template error.
// Thread-compatible: one per Notify call.
class FieldRenderer {
 public:
  FieldRenderer(const NotifierDeps& deps, std::string_view integration, tmpl::Value dot)
      : deps_(deps), integration_(integration), dot_(std::move(dot)) {}
  std::string operator()(std::string_view text);
  // The same with html/template's escaping (the email `html` field).
  std::string Html(std::string_view text);
  const tmpl::Value& dot() const { return dot_; }
  int errors() const { return errors_; }

 private:
  const NotifierDeps& deps_;
  const std::string_view integration_;
  std::string Render(std::string_view text, tmpl::Template::Escaping escaping);

  const tmpl::Value dot_;
  int errors_ = 0;
};

using config::ReadSecret;

// http::ClientOptionsFromConfig with Osprey's alerting User-Agent.
Result<http::ClientOptions> ClientOptionsFromConfig(const config::HttpClientConfig& c);

// One request with a client built from `http_config`, judged by http::JudgeDelivery: 2xx ok;
// 429 and 5xx retryable; other statuses not; network errors and timeouts retryable; a URL
// libcurl rejects is not. Errors read `<integration>: unexpected status code 400 from <url>:
// <first 256 bytes>` and show URLs only redacted (`url_for_errors`, else the request's).
NotifyResult SendHttp(std::string_view integration, const config::HttpClientConfig& http_config,
                      http::ClientRequest request, std::string_view url_for_errors = {});

// Lower-case hex SHA-256 (PagerDuty dedup_key, OpsGenie alias).
std::string Sha256Hex(std::string_view s);

// A JSON request as Go's json.Encoder writes it (the body ends with a newline), with the
// notifier's timeout.
http::ClientRequest JsonRequest(std::string method, std::string url, std::string body,
                                std::chrono::milliseconds timeout);

// At most `max_runes` code points of `s`; when cut, the last one is replaced by "…".
std::string TruncateRunes(std::string_view s, size_t max_runes);

// "scheme://host/..." with any user info and the query removed, for error messages (URLs
// may carry tokens).
using http::RedactUrl;

}  // namespace osprey::alerting::notifiers::internal
