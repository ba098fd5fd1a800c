#include "alerting/notifiers/internal/notify_util.h"

#include <openssl/sha.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "base/strings.h"
#include "http/config_client_options.h"

namespace osprey::alerting::notifiers::internal {
std::string FieldRenderer::operator()(std::string_view text) {
  return Render(text, tmpl::Template::Escaping::kNone);
}

std::string FieldRenderer::Html(std::string_view text) {
  return Render(text, tmpl::Template::Escaping::kHtml);
}

std::string FieldRenderer::Render(std::string_view text, tmpl::Template::Escaping escaping) {
  Result<std::string> r = deps_.templates->Render(text, dot_, escaping);
  if (r.ok()) return std::move(r).value();
  ++errors_;
  deps_.metrics->template_errors.WithLabels({integration_}).Inc();
  return r.status().message();
}

Result<http::ClientOptions> ClientOptionsFromConfig(const config::HttpClientConfig& c) {
  OSPREY_ASSIGN_OR_RETURN(http::ClientOptions o, http::ClientOptionsFromConfig(c));
  o.user_agent = "Osprey-Alerting";
  return o;
}

namespace {

// One client per distinct settings per pipeline worker thread, so notifications to one
// endpoint reuse a kept-alive connection (a new connection per notification made the
// delivery of 1,000 groups several times slower than Alertmanager's). Bounded: the least
// recently used client goes when a thread talks to more than kMaxClients settings.
http::HttpClient& CachedClient(const http::ClientOptions& options) {
  constexpr size_t kMaxClients = 16;
  struct Entry {
    http::ClientOptions options;
    std::unique_ptr<http::HttpClient> client;
  };
  thread_local std::vector<Entry> cache;  // most recently used last
  for (size_t i = 0; i < cache.size(); ++i) {
    if (cache[i].options == options) {
      std::rotate(cache.begin() + static_cast<std::ptrdiff_t>(i),
                  cache.begin() + static_cast<std::ptrdiff_t>(i) + 1, cache.end());
      return *cache.back().client;
    }
  }
  if (cache.size() == kMaxClients) cache.erase(cache.begin());
  cache.push_back({options, std::make_unique<http::HttpClient>(options)});
  return *cache.back().client;
}

}  // namespace

NotifyResult SendHttp(std::string_view integration, const config::HttpClientConfig& http_config,
                      http::ClientRequest request, std::string_view url_for_errors) {
  Result<http::ClientOptions> options = ClientOptionsFromConfig(http_config);
  if (!options.ok()) {
    return {Status(options.status().code(),
                   std::string(integration).append(": ").append(options.status().message())),
            true};
  }
  request.max_body_bytes = 1 << 20;
  Result<http::ClientResponse> r = CachedClient(*options).Do(request);
  http::DeliveryOutcome o =
      http::JudgeDelivery(integration, request.url,
                          RedactUrl(url_for_errors.empty() ? request.url : url_for_errors), r);
  return {std::move(o.status), o.retryable};
}

http::ClientRequest JsonRequest(std::string method, std::string url, std::string body,
                                std::chrono::milliseconds timeout) {
  http::ClientRequest req;
  req.method = std::move(method);
  req.url = std::move(url);
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = std::move(body);
  req.body += '\n';
  req.timeout = timeout;
  return req;
}

std::string Sha256Hex(std::string_view s) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * SHA256_DIGEST_LENGTH);
  for (unsigned char c : digest) {
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
  }
  return out;
}

std::string TruncateRunes(std::string_view s, size_t max_runes) {
  size_t runes = 0;
  size_t i = 0;
  std::vector<size_t> starts;
  while (i < s.size()) {
    const size_t len = std::max<size_t>(1, Utf8SequenceLength(s, i));
    starts.push_back(i);
    ++runes;
    i += len;
  }
  if (runes <= max_runes) return std::string(s);
  if (max_runes == 0) return std::string();
  std::string out(s.substr(0, starts[max_runes - 1]));
  out += "\xE2\x80\xA6";  // "…"
  return out;
}

}  // namespace osprey::alerting::notifiers::internal
