// Feeds arbitrary bytes to the nflog snapshot decoder, twice: as a whole file, and as the body
// of a file with a valid magic and checksum (so that the fuzzer reaches the entry parser
// without having to forge a hash). It must return a status, never crash, and what it accepts
// must decode again to the same entries after re-encoding.
#include <xxhash.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "alerting/nflog.h"
#include "base/check.h"

namespace {

void Check(std::string_view in) {
  auto decoded = osprey::alerting::DecodeNflogSnapshot(in);
  if (!decoded.ok()) return;
  auto again =
      osprey::alerting::DecodeNflogSnapshot(osprey::alerting::EncodeNflogSnapshot(*decoded));
  OSPREY_CHECK(again.ok() && *again == *decoded) << "re-encoding a decoded snapshot changed it";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Check(in);
  std::string framed = "OSPNFLOG";
  framed.append(in);
  const uint64_t sum = XXH3_64bits(framed.data(), framed.size());
  for (int i = 0; i < 8; ++i) framed.push_back(static_cast<char>((sum >> (8 * i)) & 0xff));
  Check(framed);
  return 0;
}
