// Feeds arbitrary strings to HmacAckLinks::Verify (the strict token parser): it must never
// crash, and a token it accepts must be one it signed itself (the MAC check comes first).
#include <cstddef>
#include <cstdint>
#include <string>

#include "base/check.h"
#include "incidents/ack_links.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static osprey::incidents::HmacAckLinks* links =  // NOLINT: one key for the whole run
      new osprey::incidents::HmacAckLinks(std::string(32, 'k'), 3'600'000);
  const std::string token(reinterpret_cast<const char*>(data), size);
  osprey::Result<osprey::incidents::AckClaim> claim = links->Verify(token, 1'000);
  if (claim.ok()) {
    OSPREY_CHECK(claim->incident_id > 0) << "accepted a non-positive id";
    OSPREY_CHECK(!claim->person.empty()) << "accepted an empty person";
  } else {
    const osprey::StatusCode code = claim.status().code();
    OSPREY_CHECK(code == osprey::StatusCode::kPermissionDenied ||
                 code == osprey::StatusCode::kDeadlineExceeded)
        << claim.status().ToString();
  }
  // The decoder alone, on the same bytes: strict and canonical.
  osprey::Result<std::string> decoded = osprey::incidents::Base64UrlDecode(token);
  if (decoded.ok()) {
    OSPREY_CHECK(osprey::incidents::Base64UrlEncode(*decoded) == token) << "not canonical";
  }
  return 0;
}
