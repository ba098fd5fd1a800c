#include "http/internal/authenticator.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>

#include "base/check.h"
#include "http/basic_auth.h"
#include "http/request.h"

namespace osprey::http::internal {
namespace {

// Checked when the user is unknown, so that a wrong user name takes as long as a wrong
// password. bcrypt of "osprey-dummy-password-not-a-secret", cost 10.
constexpr std::string_view kDummyHash =
    "$2b$10$qcoQc/dim3eguSBEtQRuXubxU83SKw2pvRYLK5R3AdzxeVyMZlkwW";

bool IsBcryptHash(std::string_view h) {
  return h.size() == 60 &&
         (h.starts_with("$2a$") || h.starts_with("$2b$") || h.starts_with("$2y$"));
}

bool BcryptMatches(std::string_view password, std::string_view hash) {
  // crypt_rn needs NUL-terminated strings; a password with a NUL can never match.
  if (password.find('\0') != std::string_view::npos) return false;
  std::string phrase(password);
  std::string setting(hash);
  auto data = std::make_unique<crypt_data>();
  const char* out = crypt_rn(phrase.c_str(), setting.c_str(), data.get(), sizeof(crypt_data));
  if (out == nullptr || out[0] == '*') return false;
  std::string_view computed(out);
  return computed.size() == hash.size() &&
         CRYPTO_memcmp(computed.data(), hash.data(), hash.size()) == 0;
}

std::vector<std::array<uint8_t, 32>> DigestAll(const std::vector<std::string>& tokens) {
  std::vector<std::array<uint8_t, 32>> out;
  out.reserve(tokens.size());
  for (const std::string& t : tokens) out.push_back(Sha256(t));
  return out;
}

}  // namespace

std::array<uint8_t, 32> Sha256(std::string_view data) {
  std::array<uint8_t, 32> out{};
  unsigned int len = 0;
  OSPREY_CHECK(EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) == 1 &&
               len == out.size())
      << "EVP_Digest(sha256) failed";
  return out;
}

Result<std::unique_ptr<Authenticator>> Authenticator::Create(AuthOptions options) {
  for (const auto& [user, hash] : options.basic_auth_users) {
    if (!IsBcryptHash(hash)) {
      return InvalidArgumentError("basic_auth_users: password of user \"" + user +
                                  "\" is not a bcrypt hash");
    }
  }
  for (const std::string& token : options.bearer_tokens) {
    if (token.empty()) return InvalidArgumentError("bearer_tokens: empty token");
  }
  return std::unique_ptr<Authenticator>(new Authenticator(std::move(options)));
}

Authenticator::Authenticator(AuthOptions options)
    : options_(std::move(options)),
      enabled_(!options_.basic_auth_users.empty() || !options_.bearer_tokens.empty()),
      token_digests_(DigestAll(options_.bearer_tokens)) {}

bool Authenticator::Allows(std::string_view path,
                           std::optional<std::string_view> authorization) const {
  if (!enabled_) return true;
  for (const std::string& open : options_.open_paths) {
    // "/ack/*": every path below "/ack/" (not "/ack" itself).
    if (open.size() >= 2 && open.ends_with("/*")) {
      if (path.size() > open.size() - 1 && path.starts_with(open.substr(0, open.size() - 1))) {
        return true;
      }
    } else if (path == open) {
      return true;
    }
  }
  if (!authorization) return false;
  std::optional<AuthorizationParts> parts = SplitAuthorization(*authorization);
  if (!parts.has_value()) return false;
  if (EqualsIgnoreCase(parts->scheme, "Basic")) return CheckBasic(parts->credentials);
  if (EqualsIgnoreCase(parts->scheme, "Bearer")) return CheckBearer(parts->credentials);
  return false;
}

bool Authenticator::CheckBasic(std::string_view credentials) const {
  if (options_.basic_auth_users.empty()) return false;
  std::optional<BasicCredentials> decoded = DecodeBasicCredentials(credentials);
  if (!decoded) return false;
  const std::string& user = decoded->user;
  const std::string& password = decoded->password;

  std::array<uint8_t, 32> digest = Sha256(password);
  std::string key(user);
  key.push_back('\0');
  key.append(reinterpret_cast<const char*>(digest.data()), digest.size());
  {
    MutexLock lock(mu_);
    if (verified_.count(key)) return true;
  }
  auto it = options_.basic_auth_users.find(user);
  bool known = it != options_.basic_auth_users.end();
  bool ok = BcryptMatches(password, known ? std::string_view(it->second) : kDummyHash) && known;
  if (ok) {
    MutexLock lock(mu_);
    if (verified_.size() >= kMaxCachedLogins) verified_.clear();
    verified_.insert(std::move(key));
  }
  return ok;
}

bool Authenticator::CheckBearer(std::string_view token) const {
  // Compare digests, so neither the length nor the content of a token leaks through timing;
  // check every token so that which one matched does not either.
  std::array<uint8_t, 32> digest = Sha256(token);
  bool ok = false;
  for (const Digest& d : token_digests_) {
    ok |= CRYPTO_memcmp(d.data(), digest.data(), d.size()) == 0;
  }
  return ok;
}

}  // namespace osprey::http::internal
