// Feeds arbitrary bytes to Base64Decode in each encoding: it must never crash, whatever it
// accepts must survive an encode/decode round trip, a strict decode must accept exactly the
// canonical encodings, and any bytes must round-trip through Base64Encode.
#include <cstddef>
#include <cstdint>
#include <string>

#include "base/base64.h"
#include "base/check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (osprey::Base64Encoding e : {osprey::kBase64Std, osprey::kBase64Url, osprey::kBase64RawUrl}) {
    for (bool strict : {false, true}) {
      e.strict = strict;
      osprey::Result<std::string> decoded = osprey::Base64Decode(text, e);
      if (decoded.ok()) {
        const std::string again = osprey::Base64Encode(*decoded, e);
        if (strict) OSPREY_CHECK(again == text) << "strict decode accepted a non-canonical text";
        osprey::Result<std::string> twice = osprey::Base64Decode(again, e);
        OSPREY_CHECK(twice.ok() && *twice == *decoded) << "round trip changed the bytes";
      } else {
        OSPREY_CHECK(decoded.status().code() == osprey::StatusCode::kInvalidArgument)
            << decoded.status().ToString();
      }
    }
    osprey::Result<std::string> back = osprey::Base64Decode(osprey::Base64Encode(text, e), e);
    OSPREY_CHECK(back.ok() && *back == text) << "encoded bytes did not decode";
  }
  return 0;
}
