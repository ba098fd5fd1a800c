// The parts of an HTTP Authorization header (RFC 9110 section 11.6.2) and the user and password
// of Basic credentials (RFC 7617). Used by the server's Authenticator and by handlers that
// want to know who is asking. Pure functions; thread-safe.
//
//   ParseBasicAuthorization("Basic YWxpY2U6cHc=")  // {.user = "alice", .password = "pw"}
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace osprey::http {

struct AuthorizationParts {
  std::string_view scheme;       // as sent: compare with EqualsIgnoreCase
  std::string_view credentials;  // without surrounding spaces and tabs
};

// "Basic  abc " -> {"Basic", "abc"}; nullopt when there is no space after the scheme.
std::optional<AuthorizationParts> SplitAuthorization(std::string_view header_value);

struct BasicCredentials {
  std::string user;
  std::string password;
};

// The user and password in `base64` ("user:password" in padded standard base64); nullopt when
// it is not base64 or has no ':'.
std::optional<BasicCredentials> DecodeBasicCredentials(std::string_view base64);

// DecodeBasicCredentials of a "Basic ..." header value (scheme case-insensitive); nullopt for
// other schemes and malformed values.
std::optional<BasicCredentials> ParseBasicAuthorization(std::string_view header_value);

}  // namespace osprey::http
