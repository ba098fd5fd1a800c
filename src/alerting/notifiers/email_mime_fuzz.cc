// Fuzzes the email notifier's parsing and encoding of template output: address lists, header
// values and quoted-printable bodies. Checks that nothing crashes, that an encoded header
// cannot start a new header line, and that quoted-printable lines stay within 76 columns.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "alerting/notifiers/mime.h"
#include "base/check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  using namespace osprey::alerting::notifiers;
  auto addrs = ParseAddressList(in);
  if (addrs.ok()) {
    for (const std::string& a : *addrs)
      OSPREY_CHECK(!a.empty() && a.find('@') != std::string::npos);
  }
  const std::string header = EncodeHeaderValue(in);
  for (size_t p = header.find('\n'); p != std::string::npos; p = header.find('\n', p + 1)) {
    // Only folding ("\r\n ") may break an encoded header.
    OSPREY_CHECK(p > 0 && header[p - 1] == '\r' && p + 1 < header.size() && header[p + 1] == ' ');
  }
  const std::string qp = QuotedPrintable(in);
  size_t line_start = 0;
  for (size_t p = qp.find("\r\n");; p = qp.find("\r\n", line_start)) {
    const size_t end = p == std::string::npos ? qp.size() : p;
    OSPREY_CHECK(end - line_start <= 76) << "quoted-printable line too long";
    if (p == std::string::npos) break;
    line_start = p + 2;
  }
  return 0;
}
