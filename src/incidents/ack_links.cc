// Invariant: nothing in a token's payload is interpreted before its MAC has been checked, so
// a forged token can only ever produce "signature does not match", whatever its bytes.
#include "incidents/ack_links.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

#include "base/base64.h"
#include "base/check.h"
#include "base/strings.h"

namespace osprey::incidents {
namespace {

constexpr uint8_t kVersion = 1;
constexpr size_t kNonceBytes = 16;
constexpr size_t kMacBytes = 32;
// version + id + expiry + nonce + person length
constexpr size_t kFixedPayloadBytes = 1 + 8 + 8 + kNonceBytes + 2;
// base64url without padding, canonical: each token has exactly one spelling.
constexpr Base64Encoding kAckBase64{.url_safe = true, .padded = false, .strict = true};
void PutInt64(std::string& out, int64_t v) {
  const auto u = static_cast<uint64_t>(v);
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((u >> shift) & 0xFF);
}

int64_t GetInt64(std::string_view in) {
  uint64_t u = 0;
  for (int i = 0; i < 8; ++i) u = (u << 8) | static_cast<uint8_t>(in[static_cast<size_t>(i)]);
  return static_cast<int64_t>(u);
}

std::array<unsigned char, kMacBytes> Mac(std::string_view key, std::string_view payload) {
  std::array<unsigned char, kMacBytes> mac{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), mac.data(), &len);
  OSPREY_CHECK(len == kMacBytes) << "HMAC-SHA256 gave " << len << " bytes";
  return mac;
}

std::string Hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    out += kHex[static_cast<uint8_t>(c) >> 4];
    out += kHex[static_cast<uint8_t>(c) & 0xF];
  }
  return out;
}

bool ValidPersonChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '@' || c == '-';
}

Status Malformed(std::string_view why) {
  return PermissionDeniedError(std::string("malformed ack link: ").append(why));
}

Result<std::string> ReadKeyFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError(std::string("open ack secret file ").append(path), errno);
  std::string key;
  char buf[4096];
  while (true) {
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      close(fd);
      return ErrnoError(std::string("read ack secret file ").append(path), err);
    }
    if (n == 0) break;
    key.append(buf, static_cast<size_t>(n));
    if (key.size() > (1 << 16)) {
      close(fd);
      return InvalidArgumentError(
          std::string("ack secret file ").append(path).append(" is larger than 64 KiB"));
    }
  }
  close(fd);
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
  if (key.size() < HmacAckLinks::kMinKeyBytes) {
    return InvalidArgumentError(std::string("ack secret file ")
                                    .append(path)
                                    .append(" holds ")
                                    .append(std::to_string(key.size()))
                                    .append(" bytes; the key needs at least ")
                                    .append(std::to_string(HmacAckLinks::kMinKeyBytes)));
  }
  return key;
}

// Creates the file exclusively, so two processes starting at once cannot both write a key:
// the loser reads the winner's.
Result<bool> WriteNewKeyFile(const std::string& path) {
  unsigned char raw[32];
  if (RAND_bytes(raw, sizeof(raw)) != 1) {
    return InternalError("RAND_bytes failed while generating the ack secret");
  }
  const std::string text =
      Hex(std::string_view(reinterpret_cast<const char*>(raw), sizeof(raw))).append("\n");
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST) return false;
  if (fd < 0) {
    return UnavailableError(std::string("create ack secret file ")
                                .append(path)
                                .append(": ")
                                .append(std::strerror(errno)));
  }
  size_t off = 0;
  while (off < text.size()) {
    const ssize_t n = write(fd, text.data() + off, text.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      close(fd);
      unlink(path.c_str());
      return UnavailableError(std::string("write ack secret file ")
                                  .append(path)
                                  .append(": ")
                                  .append(std::strerror(err)));
    }
    off += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0) {
    const int err = errno;
    close(fd);
    unlink(path.c_str());
    return UnavailableError(
        std::string("sync ack secret file ").append(path).append(": ").append(std::strerror(err)));
  }
  close(fd);
  return true;
}

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) { return Base64Encode(bytes, kAckBase64); }

Result<std::string> Base64UrlDecode(std::string_view text) {
  return Base64Decode(text, kAckBase64);
}

Result<std::unique_ptr<HmacAckLinks>> HmacAckLinks::Open(std::string key_file, int64_t ttl_ms) {
  if (key_file.empty()) return InvalidArgumentError("ack secret file: empty path");
  struct stat st {};
  if (stat(key_file.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      return UnavailableError(std::string("stat ack secret file ")
                                  .append(key_file)
                                  .append(": ")
                                  .append(std::strerror(errno)));
    }
    OSPREY_ASSIGN_OR_RETURN(bool created, WriteNewKeyFile(key_file));
    (void)created;  // false: another process created it first; read theirs.
  }
  Result<std::string> key = ReadKeyFile(key_file);
  if (!key.ok()) {
    if (key.status().code() == StatusCode::kInvalidArgument) return key.status();
    return UnavailableError(key.status().message());
  }
  return std::make_unique<HmacAckLinks>(std::move(key).value(), ttl_ms);
}

HmacAckLinks::HmacAckLinks(std::string key, int64_t ttl_ms)
    : key_(std::move(key)), ttl_ms_(ttl_ms) {
  OSPREY_CHECK(key_.size() >= kMinKeyBytes) << "ack link key of " << key_.size() << " bytes";
}

std::string HmacAckLinks::Sign(int64_t incident_id, const std::string& person, int64_t now_ms) {
  std::string payload;
  payload.reserve(kFixedPayloadBytes + person.size());
  payload += static_cast<char>(kVersion);
  PutInt64(payload, incident_id);
  PutInt64(payload, now_ms + ttl_ms());
  unsigned char nonce[kNonceBytes];
  OSPREY_CHECK(RAND_bytes(nonce, sizeof(nonce)) == 1) << "RAND_bytes failed";
  payload.append(reinterpret_cast<const char*>(nonce), sizeof(nonce));
  // Person names are short config identifiers; a longer one is cut rather than overflowing
  // the length field (it then fails verification's person check, as it should).
  const size_t n = std::min<size_t>(person.size(), 0xFFFF);
  payload += static_cast<char>((n >> 8) & 0xFF);
  payload += static_cast<char>(n & 0xFF);
  payload.append(person, 0, n);
  const auto mac = Mac(key_, payload);
  std::string token = Base64UrlEncode(payload);
  token += '.';
  token += Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
  return token;
}

Result<AckClaim> HmacAckLinks::Verify(const std::string& token, int64_t now_ms) const {
  if (token.empty()) return Malformed("empty token");
  if (token.size() > kMaxTokenChars) {
    return Malformed(std::string("token of ")
                         .append(std::to_string(token.size()))
                         .append(" characters (at most ")
                         .append(std::to_string(kMaxTokenChars))
                         .append(")"));
  }
  const size_t dot = token.find('.');
  if (dot == std::string::npos || token.find('.', dot + 1) != std::string::npos) {
    return Malformed("expected two parts separated by one '.'");
  }
  Result<std::string> payload = Base64UrlDecode(std::string_view(token).substr(0, dot));
  if (!payload.ok()) return Malformed(std::string("payload: ").append(payload.status().message()));
  Result<std::string> mac = Base64UrlDecode(std::string_view(token).substr(dot + 1));
  if (!mac.ok()) return Malformed(std::string("signature: ").append(mac.status().message()));
  if (mac->size() != kMacBytes) {
    return Malformed(std::string("signature of ")
                         .append(std::to_string(mac->size()))
                         .append(" bytes (want 32)"));
  }
  const auto want = Mac(key_, *payload);
  if (CRYPTO_memcmp(want.data(), mac->data(), kMacBytes) != 0) {
    return PermissionDeniedError(
        "ack link signature does not match: the link was altered or signed with another key");
  }
  // Authentic from here on; a layout error now means a bug or a different token version.
  const std::string& p = *payload;
  if (p.size() < kFixedPayloadBytes) return Malformed("payload too short");
  if (static_cast<uint8_t>(p[0]) != kVersion) {
    return Malformed(
        std::string("unsupported version ").append(std::to_string(static_cast<uint8_t>(p[0]))));
  }
  AckClaim claim;
  claim.incident_id = GetInt64(std::string_view(p).substr(1, 8));
  claim.expires_at_ms = GetInt64(std::string_view(p).substr(9, 8));
  claim.nonce = Hex(std::string_view(p).substr(17, kNonceBytes));
  const size_t n =
      (static_cast<size_t>(static_cast<uint8_t>(p[33])) << 8) | static_cast<uint8_t>(p[34]);
  if (p.size() != kFixedPayloadBytes + n) return Malformed("payload length does not match");
  claim.person = p.substr(kFixedPayloadBytes, n);
  if (claim.incident_id <= 0) return Malformed("incident id is not positive");
  if (claim.person.empty()) return Malformed("empty person");
  for (char c : claim.person) {
    if (!ValidPersonChar(c)) return Malformed("invalid character in person name");
  }
  if (now_ms >= claim.expires_at_ms) {
    return DeadlineExceededError(
        std::string("ack link expired at ")
            .append(FormatRfc3339Millis(claim.expires_at_ms < 0 ? 0 : claim.expires_at_ms)));
  }
  return claim;
}

}  // namespace osprey::incidents
