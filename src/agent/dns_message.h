// DNS wire format (RFC 1035) for the dns probe: encodes one question and decodes the
// server's response into records whose data is printed as dig prints it.
//
//   std::string q = EncodeDnsQuery(0x1234, "example.com", DnsType::kMx);
//   OSPREY_ASSIGN_OR_RETURN(DnsResponse r, ParseDnsResponse(bytes));
//   for (const DnsRecord& rr : r.answers) ... rr.data == "10 mail.example.com."
//
// The decoder takes hostile input: every length and compression pointer is bounds-checked
// and pointer loops are cut, so a bad packet is a kDataLoss error naming the offset.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace osprey::agent {

enum class DnsType : uint16_t {
  kA = 1,
  kNs = 2,
  kCname = 5,
  kSoa = 6,
  kPtr = 12,
  kMx = 15,
  kTxt = 16,
  kAaaa = 28,
  kSrv = 33,
  kAny = 255,
};

// "A", "MX"...; nullopt for a name not listed above.
std::optional<DnsType> DnsTypeFromName(std::string_view name);
std::string DnsTypeName(uint16_t type);  // "MX", or "TYPE99" for others.
// Response codes: "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", ...
std::optional<int> DnsRcodeFromName(std::string_view name);
std::string DnsRcodeName(int rcode);

struct DnsRecord {
  std::string name;  // Owner name with the trailing dot: "example.com."
  uint16_t type = 0;
  uint32_t ttl = 0;
  // As dig prints it: "127.0.0.1", "::1", "10 mail.example.com.", "\"some text\"",
  // "ns1.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 300",
  // "10 5 443 target.example.com.". Unknown types: "\# <len> <hex>" (RFC 3597).
  std::string data;
  std::optional<uint32_t> soa_serial;  // SOA records only.
};

struct DnsResponse {
  uint16_t id = 0;
  int rcode = 0;
  bool truncated = false;
  std::vector<DnsRecord> answers;
  std::vector<DnsRecord> authority;
  std::vector<DnsRecord> additional;
};

// A standard query with recursion desired. `name` without or with its trailing dot. For
// UDP; TCP prefixes the 2-byte length itself. kInvalidArgument for a label over 63 bytes or
// a name over 253.
Result<std::string> EncodeDnsQuery(uint16_t id, std::string_view name, uint16_t type);

// Decodes a response message (without TCP's length prefix).
Result<DnsResponse> ParseDnsResponse(std::string_view message);

}  // namespace osprey::agent
