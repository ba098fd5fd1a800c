// Base64 (RFC 4648): the standard and the URL-safe alphabet, with or without padding. One
// encoder and one strict decoder for every module (HTTP basic auth, OTLP bytes, MIME words,
// ack-link tokens, the template functions). Pure functions; thread-safe.
//
//   Base64Encode("hi?>")                        == "aGk/Pg=="
//   Base64Encode("hi?>", kBase64RawUrl)         == "aGk_Pg"
//   Base64Decode("YWxpY2U6cHc=")                == "alice:pw"
//   Base64Decode("YQ=").status().message()      == "invalid base64 length 3"
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace osprey {

// Which base64: as Go's StdEncoding, URLEncoding, RawURLEncoding and .Strict().
struct Base64Encoding {
  // '-' and '_' for 62 and 63 (section 5) instead of '+' and '/' (section 4).
  bool url_safe = false;
  // Encoding appends '=' to a multiple of 4 characters; decoding then requires exactly that.
  // Unpadded: no '=' is written or accepted.
  bool padded = true;
  // Decoding only: the unused low bits of the last character must be zero, so that each byte
  // string has exactly one accepted encoding.
  bool strict = false;
};

inline constexpr Base64Encoding kBase64Std{};
inline constexpr Base64Encoding kBase64Url{.url_safe = true};
inline constexpr Base64Encoding kBase64RawUrl{.url_safe = true, .padded = false};

std::string Base64Encode(std::string_view bytes, Base64Encoding encoding = kBase64Std);

// The bytes `text` encodes. kInvalidArgument, naming the encoding ("base64" or "base64url")
// and the offset, on a character outside the alphabet (whitespace included), misplaced
// padding, a length no encoding has, or (strict) non-zero leftover bits. "" decodes to "".
Result<std::string> Base64Decode(std::string_view text, Base64Encoding encoding = kBase64Std);

}  // namespace osprey
