// Judging one outbound delivery (an alert notification, an incident contact) from what the
// HTTP client returned, the same way for every sender, and keeping secrets out of the errors:
// URLs often carry tokens in their user info, path or query.
//
//   Result<http::ClientResponse> r = client.Do(req);
//   http::DeliveryOutcome o = http::JudgeDelivery("webhook", req.url, http::RedactUrl(req.url), r);
//   if (!o.status.ok() && o.retryable) ...  // try again later
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "http/client.h"

namespace osprey::http {

// "scheme://host[:port]/path": `url` without user info, query or fragment. A string without
// "://" loses only its query and fragment.
std::string RedactUrl(std::string_view url);

// For URLs that are secrets as a whole (Slack and Teams incoming webhooks carry their token
// in the path): "scheme://host[:port]/<secret>", or "scheme://host[:port]" when nothing
// follows the host. A string without "://" becomes "<secret>" (or "" when empty).
std::string RedactSecretUrl(std::string_view url);

struct DeliveryOutcome {
  Status status;           // OK for a 2xx response
  bool retryable = false;  // worth sending again later
};

// At most this many bytes of a refusing response's body go into the error.
inline constexpr size_t kMaxDeliveryErrorBody = 256;

// A 2xx response: OK. Any other response: kUnavailable
// "<what>: unexpected status code 400 from <shown_url>: <body excerpt>" (the first 256 bytes,
// JSON-escaped, "..." when cut), retryable for 429 and 5xx. No response: the client's error as
// "<what>: <message>" with each occurrence of `request_url` replaced by `shown_url`, retryable
// unless kInvalidArgument (a URL or TLS file libcurl rejects will not get better).
DeliveryOutcome JudgeDelivery(std::string_view what, std::string_view request_url,
                              std::string_view shown_url, const Result<ClientResponse>& r);

}  // namespace osprey::http
