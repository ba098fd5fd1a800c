#include "base/base64.h"

#include <cstdint>

namespace osprey {
namespace {

constexpr char kStdAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrlAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// The 6-bit value of `c`, or -1 when it is not in the alphabet.
int DecodeChar(char c, bool url_safe) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == (url_safe ? '-' : '+')) return 62;
  if (c == (url_safe ? '_' : '/')) return 63;
  return -1;
}

std::string_view Name(Base64Encoding encoding) {
  return encoding.url_safe ? "base64url" : "base64";
}

}  // namespace

std::string Base64Encode(std::string_view bytes, Base64Encoding encoding) {
  const char* alphabet = encoding.url_safe ? kUrlAlphabet : kStdAlphabet;
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<uint8_t>(bytes[i])); };
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest == 0) return out;
  uint32_t n = byte(i) << 16;
  if (rest == 2) n |= byte(i + 1) << 8;
  out += alphabet[(n >> 18) & 63];
  out += alphabet[(n >> 12) & 63];
  if (rest == 2) out += alphabet[(n >> 6) & 63];
  if (encoding.padded) out.append(3 - rest, '=');
  return out;
}

Result<std::string> Base64Decode(std::string_view text, Base64Encoding encoding) {
  const std::string_view name = Name(encoding);
  if (encoding.padded ? text.size() % 4 != 0 : text.size() % 4 == 1) {
    return InvalidArgumentError(std::string("invalid ")
                                    .append(name)
                                    .append(" length ")
                                    .append(std::to_string(text.size())));
  }
  size_t data_chars = text.size();
  if (encoding.padded) {
    // "xx==" or "xxx=" at the very end; any other '=' ("x===", "Y=Q=") is then reported as a
    // character outside the alphabet.
    if (data_chars >= 1 && text[data_chars - 1] == '=') --data_chars;
    if (data_chars >= 1 && text[data_chars - 1] == '=') --data_chars;
  }
  std::string out;
  out.reserve(data_chars * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < data_chars; ++i) {
    const int v = DecodeChar(text[i], encoding.url_safe);
    if (v < 0) {
      return InvalidArgumentError(std::string("invalid ")
                                      .append(name)
                                      .append(" character at offset ")
                                      .append(std::to_string(i)));
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  if (encoding.strict && (acc & ((1u << bits) - 1)) != 0) {
    return InvalidArgumentError(
        std::string("non-canonical ").append(name).append(" (stray bits at the end)"));
  }
  return out;
}

}  // namespace osprey
