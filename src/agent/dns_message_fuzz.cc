// libFuzzer target for the dns probe's response decoder.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agent/dns_message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  osprey::Result<osprey::agent::DnsResponse> r =
      osprey::agent::ParseDnsResponse(std::string_view(reinterpret_cast<const char*>(data), size));
  if (r.ok()) {
    size_t total = 0;
    for (const auto& rr : r->answers) total += rr.data.size() + rr.name.size();
    (void)total;
  }
  return 0;
}
