#include "http/internal/response_writer.h"

#include <cstdlib>
#include <string>

#include "http/compression.h"
#include "http/request.h"

namespace osprey::http::internal {
namespace {

// Fast and still about 4x smaller on JSON and exposition text; CPU matters more than bytes for
// a monitoring server answering its own dashboards.
constexpr int kResponseGzipLevel = 1;

// The q value of one Accept-Encoding element's parameters (";q=0.5"); 1 when absent, 0 when
// malformed (RFC 9110 section 12.4.2).
double QValue(std::string_view params) {
  while (!params.empty()) {
    size_t semi = params.find(';');
    std::string_view param = TrimOptionalWhitespace(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
    if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
      std::string value(TrimOptionalWhitespace(param.substr(2)));
      char* end = nullptr;
      double q = std::strtod(value.c_str(), &end);
      if (value.empty() || end != value.c_str() + value.size() || !(q >= 0 && q <= 1)) return 0;
      return q;
    }
  }
  return 1;
}

bool IsServerOwnedHeader(std::string_view name) {
  return EqualsIgnoreCase(name, "Content-Length") || EqualsIgnoreCase(name, "Transfer-Encoding") ||
         EqualsIgnoreCase(name, "Connection");
}

}  // namespace

bool AcceptsGzip(std::string_view accept_encoding) {
  std::optional<double> gzip_q;
  std::optional<double> star_q;
  while (!accept_encoding.empty()) {
    size_t comma = accept_encoding.find(',');
    std::string_view element = accept_encoding.substr(0, comma);
    accept_encoding =
        comma == std::string_view::npos ? std::string_view() : accept_encoding.substr(comma + 1);
    size_t semi = element.find(';');
    std::string_view coding = TrimOptionalWhitespace(element.substr(0, semi));
    double q = semi == std::string_view::npos ? 1.0 : QValue(element.substr(semi + 1));
    if (EqualsIgnoreCase(coding, "gzip") || EqualsIgnoreCase(coding, "x-gzip")) {
      gzip_q = q;
    } else if (coding == "*") {
      star_q = q;
    }
  }
  if (gzip_q) return *gzip_q > 0;
  return star_q.value_or(0) > 0;
}

void MaybeGzip(std::optional<std::string_view> accept_encoding, size_t min_bytes,
               Response& response) {
  if (response.body.size() < min_bytes || !StatusHasBody(response.status) ||
      response.Header("Content-Encoding")) {
    return;
  }
  if (auto vary = response.Header("Vary"); !vary) {
    response.SetHeader("Vary", "Accept-Encoding");
  } else if (vary->find("Accept-Encoding") == std::string_view::npos && *vary != "*") {
    response.SetHeader("Vary", std::string(*vary) + ", Accept-Encoding");
  }
  if (!accept_encoding || !AcceptsGzip(*accept_encoding)) return;
  response.body = GzipCompress(response.body, kResponseGzipLevel);
  response.SetHeader("Content-Encoding", "gzip");
}

bool StatusHasBody(int status) { return status >= 200 && status != 204 && status != 304; }

std::string SerializeResponseHead(const Response& response, int version, bool keep_alive) {
  std::string out;
  out.reserve(128 + 64 * response.headers.size());
  out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  int status = response.status >= 100 && response.status <= 999 ? response.status : 500;
  out += std::to_string(status);
  out += ' ';
  out += ReasonPhrase(status);
  out += "\r\n";
  for (const auto& [name, value] : response.headers) {
    // Handlers may fill `headers` directly: never let a CR or LF split the header block.
    if (name.empty() || IsServerOwnedHeader(name) ||
        name.find_first_of("\r\n:") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos) {
      continue;
    }
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  if (StatusHasBody(status)) {
    out += "Content-Length: ";
    out += std::to_string(response.body.size());
    out += "\r\n";
  }
  if (!keep_alive) {
    out += "Connection: close\r\n";
  } else if (version == 10) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
  return out;
}

}  // namespace osprey::http::internal
