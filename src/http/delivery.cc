#include "http/delivery.h"

#include <algorithm>
#include <utility>

#include "base/strings.h"

namespace osprey::http {
namespace {}  // namespace

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

std::string RedactSecretUrl(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return url.empty() ? std::string() : "<secret>";
  const size_t host_start = scheme + 3;
  const size_t host_end = std::min(url.find_first_of("/?#", host_start), url.size());
  std::string_view authority = url.substr(host_start, host_end - host_start);
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  std::string out(url.substr(0, host_start));
  out.append(authority);
  std::string_view rest = url.substr(host_end);
  if (!rest.empty() && rest != "/") out.append("/<secret>");
  return out;
}

DeliveryOutcome JudgeDelivery(std::string_view what, std::string_view request_url,
                              std::string_view shown_url, const Result<ClientResponse>& r) {
  std::string msg(what);
  msg += ": ";
  if (!r.ok()) {
    msg += StrReplaceAll(r.status().message(), request_url, shown_url);
    return {Status(r.status().code(), std::move(msg)),
            r.status().code() != StatusCode::kInvalidArgument};
  }
  const int code = r->status;
  if (code / 100 == 2) return {OkStatus(), false};
  msg += "unexpected status code ";
  msg += std::to_string(code);
  msg += " from ";
  msg += shown_url;
  const std::string_view body = r->body;
  if (!body.empty()) {
    msg += ": ";
    AppendJsonEscaped(msg, body.substr(0, kMaxDeliveryErrorBody));
    if (body.size() > kMaxDeliveryErrorBody) msg += "...";
  }
  return {UnavailableError(std::move(msg)), code == 429 || code / 100 == 5};
}

}  // namespace osprey::http
