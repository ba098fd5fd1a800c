// Signed one-click acknowledgement links: the token in `<external_url>/ack/<token>` that a
// notification carries, so that a person acknowledges an incident without logging in.
//
//   OSPREY_ASSIGN_OR_RETURN(auto links, HmacAckLinks::Open(data_dir + "/ack.key", ttl_ms));
//   std::string token = links->Sign(12, "alice", clock.NowMillis());
//   Result<AckClaim> claim = links->Verify(token, clock.NowMillis());
//
// Token format (version 1; docs/format/ack-links.md), both parts base64url without padding, joined
// by ".":
//
//   payload = 0x01 | incident id (int64, big-endian) | expires_at_ms (int64, big-endian)
//             | nonce (16 random bytes) | person length (uint16, big-endian) | person bytes
//   token   = b64url(payload) "." b64url(HMAC-SHA256(key, payload))
//
// Verification is strict: exactly one ".", canonical base64url (no padding, no stray bits),
// a 32-byte MAC compared in constant time before anything in the payload is trusted, then the
// exact payload layout. The nonce makes every link distinct; single use is the manager's job
// (it records used nonces in its store).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "incidents/ports.h"

namespace osprey::incidents {

// Thread-safe.
class HmacAckLinks final : public AckLinks {
 public:
  static constexpr size_t kMinKeyBytes = 32;
  static constexpr size_t kMaxTokenChars = 1024;

  // Reads the key from `key_file` (all its bytes but trailing CR/LF; at least kMinKeyBytes),
  // or, when the file does not exist, generates 32 random bytes and writes them there as 64
  // hex digits with mode 0600. kInvalidArgument for a short key, kUnavailable when the file
  // cannot be read or written (both name the file).
  static Result<std::unique_ptr<HmacAckLinks>> Open(std::string key_file, int64_t ttl_ms);
  // A key given directly (tests, fuzzing). Requires: key.size() >= kMinKeyBytes (CHECK).
  HmacAckLinks(std::string key, int64_t ttl_ms);

  std::string Sign(int64_t incident_id, const std::string& person, int64_t now_ms) override;
  Result<AckClaim> Verify(const std::string& token, int64_t now_ms) const override;

  // Lifetime of links signed from now on (config reload).
  void set_ttl(int64_t ttl_ms) { ttl_ms_.store(ttl_ms, std::memory_order_relaxed); }
  int64_t ttl_ms() const { return ttl_ms_.load(std::memory_order_relaxed); }

 private:
  const std::string key_;
  std::atomic<int64_t> ttl_ms_;
};

// base64url without padding (RFC 4648 section 5). Exposed for tests.
std::string Base64UrlEncode(std::string_view bytes);
// Strict inverse of Base64UrlEncode: only the URL-safe alphabet, no padding, length % 4 != 1,
// and the unused low bits of the last character zero. kInvalidArgument otherwise.
Result<std::string> Base64UrlDecode(std::string_view text);

}  // namespace osprey::incidents
