#include "http/basic_auth.h"

#include "base/base64.h"
#include "http/request.h"

namespace osprey::http {

std::optional<AuthorizationParts> SplitAuthorization(std::string_view header_value) {
  std::string_view value = TrimOptionalWhitespace(header_value);
  const size_t space = value.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  return AuthorizationParts{.scheme = value.substr(0, space),
                            .credentials = TrimOptionalWhitespace(value.substr(space + 1))};
}

std::optional<BasicCredentials> DecodeBasicCredentials(std::string_view base64) {
  Result<std::string> decoded = Base64Decode(base64);
  if (!decoded.ok()) return std::nullopt;
  const size_t colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return BasicCredentials{.user = decoded->substr(0, colon),
                          .password = decoded->substr(colon + 1)};
}

std::optional<BasicCredentials> ParseBasicAuthorization(std::string_view header_value) {
  std::optional<AuthorizationParts> parts = SplitAuthorization(header_value);
  if (!parts.has_value() || !EqualsIgnoreCase(parts->scheme, "Basic")) return std::nullopt;
  return DecodeBasicCredentials(parts->credentials);
}

}  // namespace osprey::http
