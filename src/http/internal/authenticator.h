// Checks the Authorization header of requests against AuthOptions: HTTP basic auth with bcrypt
// hashes (as Prometheus's exporter-toolkit web config) and bearer tokens.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "http/server_options.h"

namespace osprey::http::internal {

// Thread-safe. bcrypt costs tens of milliseconds per check, so successful (user, password)
// checks are remembered (keyed by user and SHA-256 of the password, never the password
// itself), up to kMaxCachedLogins; the cache lives as long as this object, and a config reload
// makes a new one.
class Authenticator {
 public:
  static constexpr size_t kMaxCachedLogins = 4096;

  // kInvalidArgument when a hash is not bcrypt, naming the user.
  static Result<std::unique_ptr<Authenticator>> Create(AuthOptions options);

  // True when requests need credentials at all.
  bool enabled() const { return enabled_; }
  // The schemes for a 401's WWW-Authenticate header.
  bool has_basic() const { return !options_.basic_auth_users.empty(); }
  bool has_bearer() const { return !options_.bearer_tokens.empty(); }

  // True when a request for `path` (decoded) with this Authorization header value may proceed:
  // auth is off, the path is open, or the credentials are valid. Cost: a bcrypt check the
  // first time a (user, password) pair is seen, then a hash and a set lookup.
  bool Allows(std::string_view path, std::optional<std::string_view> authorization) const
      OSPREY_EXCLUDES(mu_);

 private:
  using Digest = std::array<uint8_t, 32>;
  explicit Authenticator(AuthOptions options);
  bool CheckBasic(std::string_view credentials) const OSPREY_EXCLUDES(mu_);
  bool CheckBearer(std::string_view token) const;

  const AuthOptions options_;
  const bool enabled_;
  const std::vector<Digest> token_digests_;

  mutable Mutex mu_;
  // user + '\0' + SHA-256(password), for logins bcrypt has accepted.
  mutable std::set<std::string, std::less<>> verified_ OSPREY_GUARDED_BY(mu_);
};

// SHA-256 of `data`.
std::array<uint8_t, 32> Sha256(std::string_view data);

}  // namespace osprey::http::internal
