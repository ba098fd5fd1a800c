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
namespace {

constexpr size_t kMaxErrorBody = 256;

}  // namespace

std::string FieldRenderer::operator()(std::string_view text) {
  Result<std::string> r = deps_.templates->Render(text, dot_);
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

std::string RedactUrl(std::string_view url) {
  std::string_view u = url.substr(0, url.find_first_of("?#"));
  const size_t scheme = u.find("://");
  if (scheme == std::string_view::npos) return std::string(u);
  const size_t host_start = scheme + 3;
  const size_t path = u.find('/', host_start);
  const size_t at = u.substr(0, path).find('@', host_start);
  std::string out(u.substr(0, host_start));
  out.append(at == std::string_view::npos ? u.substr(host_start) : u.substr(at + 1));
  return out;
}

NotifyResult ClassifyHttp(std::string_view integration, std::string_view url_for_errors,
                          const Result<http::ClientResponse>& r) {
  std::string prefix(integration);
  prefix += ": ";
  if (!r.ok()) {
    // A URL or TLS file libcurl rejects will not get better by retrying.
    const bool retry = r.status().code() != StatusCode::kInvalidArgument;
    return {Status(r.status().code(), prefix + r.status().message()), retry};
  }
  const int code = r->status;
  if (code / 100 == 2) return {OkStatus(), false};
  std::string msg = prefix;
  msg += "unexpected status code ";
  msg += std::to_string(code);
  msg += " from ";
  msg += RedactUrl(url_for_errors);
  std::string_view body = r->body;
  if (!body.empty()) {
    msg += ": ";
    std::string excerpt;
    AppendJsonEscaped(excerpt, body.substr(0, kMaxErrorBody));
    msg += excerpt;
    if (body.size() > kMaxErrorBody) msg += "...";
  }
  const bool retry = code == 429 || code / 100 == 5;
  return {UnavailableError(std::move(msg)), retry};
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
  return ClassifyHttp(integration, url_for_errors.empty() ? request.url : url_for_errors, r);
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
