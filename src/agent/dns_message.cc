#include "agent/dns_message.h"

#include <arpa/inet.h>

#include <array>
#include <cstdio>

namespace osprey::agent {
namespace {

struct TypeName {
  DnsType type;
  std::string_view name;
};
constexpr std::array<TypeName, 10> kTypes = {{{DnsType::kA, "A"},
                                              {DnsType::kNs, "NS"},
                                              {DnsType::kCname, "CNAME"},
                                              {DnsType::kSoa, "SOA"},
                                              {DnsType::kPtr, "PTR"},
                                              {DnsType::kMx, "MX"},
                                              {DnsType::kTxt, "TXT"},
                                              {DnsType::kAaaa, "AAAA"},
                                              {DnsType::kSrv, "SRV"},
                                              {DnsType::kAny, "ANY"}}};

constexpr std::array<std::string_view, 11> kRcodes = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                                      "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                                      "NXRRSET", "NOTAUTH", "NOTZONE"};

constexpr size_t kHeaderSize = 12;
// A name has at most 127 labels; more pointer hops than that can only be a loop.
constexpr int kMaxPointerHops = 128;

Status Truncated(size_t offset, std::string_view what) {
  return DataLossError("dns response truncated at byte " + std::to_string(offset) + " reading " +
                       std::string(what));
}

class Reader {
 public:
  explicit Reader(std::string_view m) : m_(m) {}

  size_t offset() const { return pos_; }
  Result<uint8_t> U8(std::string_view what) {
    if (pos_ + 1 > m_.size()) return Truncated(pos_, what);
    return static_cast<uint8_t>(m_[pos_++]);
  }
  Result<uint16_t> U16(std::string_view what) {
    if (pos_ + 2 > m_.size()) return Truncated(pos_, what);
    const uint16_t v = static_cast<uint16_t>((static_cast<uint8_t>(m_[pos_]) << 8) |
                                             static_cast<uint8_t>(m_[pos_ + 1]));
    pos_ += 2;
    return v;
  }
  Result<uint32_t> U32(std::string_view what) {
    OSPREY_ASSIGN_OR_RETURN(uint16_t hi, U16(what));
    OSPREY_ASSIGN_OR_RETURN(uint16_t lo, U16(what));
    return (static_cast<uint32_t>(hi) << 16) | lo;
  }
  Result<std::string_view> Bytes(size_t n, std::string_view what) {
    if (n > m_.size() - pos_) return Truncated(pos_, what);
    std::string_view b = m_.substr(pos_, n);
    pos_ += n;
    return b;
  }
  // A possibly compressed name, printed with a trailing dot ("." for the root).
  Result<std::string> Name() {
    std::string out;
    size_t pos = pos_;
    bool jumped = false;
    for (int hops = 0;;) {
      if (pos >= m_.size()) return Truncated(pos, "a name");
      const uint8_t len = static_cast<uint8_t>(m_[pos]);
      if ((len & 0xC0) == 0xC0) {
        if (pos + 2 > m_.size()) return Truncated(pos, "a name pointer");
        if (++hops > kMaxPointerHops) {
          return DataLossError("dns name at byte " + std::to_string(pos) +
                               " has a compression pointer loop");
        }
        const size_t target = ((len & 0x3F) << 8) | static_cast<uint8_t>(m_[pos + 1]);
        if (!jumped) pos_ = pos + 2;
        jumped = true;
        pos = target;
        continue;
      }
      if ((len & 0xC0) != 0) {
        return DataLossError("dns name at byte " + std::to_string(pos) +
                             " has an unsupported label type");
      }
      if (len == 0) {
        if (!jumped) pos_ = pos + 1;
        break;
      }
      if (pos + 1 + len > m_.size()) return Truncated(pos, "a name label");
      if (out.size() + len + 1 > 255) {
        return DataLossError("dns name at byte " + std::to_string(pos) + " is over 255 bytes");
      }
      for (char c : m_.substr(pos + 1, len)) {
        if (c == '.' || c == '\\') out.push_back('\\');
        out.push_back(c);
      }
      out.push_back('.');
      pos += 1 + len;
    }
    return out.empty() ? std::string(".") : out;
  }

 private:
  std::string_view m_;
  size_t pos_ = 0;
};

std::string Quoted(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20 || c >= 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\%03d", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
  return out;
}

std::string Hex(std::string_view b) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : b) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

// Decodes the record data starting at the reader's position, `rdlen` bytes long. Names in
// the data may point anywhere in the message, so the whole message is readable.
Status DecodeData(Reader& r, uint16_t type, uint16_t rdlen, DnsRecord* rr) {
  const size_t start = r.offset();
  switch (static_cast<DnsType>(type)) {
    case DnsType::kA:
    case DnsType::kAaaa: {
      const size_t want = type == static_cast<uint16_t>(DnsType::kA) ? 4 : 16;
      if (rdlen != want) {
        return DataLossError("dns " + DnsTypeName(type) + " record at byte " +
                             std::to_string(start) + " has " + std::to_string(rdlen) +
                             " data bytes, want " + std::to_string(want));
      }
      OSPREY_ASSIGN_OR_RETURN(std::string_view b, r.Bytes(rdlen, "an address"));
      char buf[INET6_ADDRSTRLEN];
      inet_ntop(want == 4 ? AF_INET : AF_INET6, b.data(), buf, sizeof(buf));
      rr->data = buf;
      break;
    }
    case DnsType::kNs:
    case DnsType::kCname:
    case DnsType::kPtr: {
      OSPREY_ASSIGN_OR_RETURN(rr->data, r.Name());
      break;
    }
    case DnsType::kMx: {
      OSPREY_ASSIGN_OR_RETURN(uint16_t pref, r.U16("an MX preference"));
      OSPREY_ASSIGN_OR_RETURN(std::string host, r.Name());
      rr->data = std::to_string(pref) + " " + host;
      break;
    }
    case DnsType::kTxt: {
      while (r.offset() < start + rdlen) {
        OSPREY_ASSIGN_OR_RETURN(uint8_t len, r.U8("a TXT string length"));
        OSPREY_ASSIGN_OR_RETURN(std::string_view s, r.Bytes(len, "a TXT string"));
        if (!rr->data.empty()) rr->data.push_back(' ');
        rr->data += Quoted(s);
      }
      break;
    }
    case DnsType::kSoa: {
      OSPREY_ASSIGN_OR_RETURN(std::string mname, r.Name());
      OSPREY_ASSIGN_OR_RETURN(std::string rname, r.Name());
      rr->data = mname + " " + rname;
      for (int i = 0; i < 5; ++i) {
        OSPREY_ASSIGN_OR_RETURN(uint32_t v, r.U32("an SOA field"));
        if (i == 0) rr->soa_serial = v;
        rr->data += " " + std::to_string(v);
      }
      break;
    }
    case DnsType::kSrv: {
      OSPREY_ASSIGN_OR_RETURN(uint16_t prio, r.U16("an SRV priority"));
      OSPREY_ASSIGN_OR_RETURN(uint16_t weight, r.U16("an SRV weight"));
      OSPREY_ASSIGN_OR_RETURN(uint16_t port, r.U16("an SRV port"));
      OSPREY_ASSIGN_OR_RETURN(std::string target, r.Name());
      rr->data = std::to_string(prio) + " " + std::to_string(weight) + " " + std::to_string(port) +
                 " " + target;
      break;
    }
    default: {
      OSPREY_ASSIGN_OR_RETURN(std::string_view b, r.Bytes(rdlen, "record data"));
      rr->data = std::string("\\# ").append(std::to_string(rdlen));
      if (rdlen > 0) rr->data.append(" ").append(Hex(b));
      break;
    }
  }
  if (r.offset() != start + rdlen) {
    return DataLossError("dns " + DnsTypeName(type) + " record at byte " + std::to_string(start) +
                         ": data length " + std::to_string(rdlen) + " does not match its content");
  }
  return OkStatus();
}

Status ReadRecords(Reader& r, uint16_t count, std::vector<DnsRecord>* out) {
  for (uint16_t i = 0; i < count; ++i) {
    DnsRecord rr;
    OSPREY_ASSIGN_OR_RETURN(rr.name, r.Name());
    OSPREY_ASSIGN_OR_RETURN(rr.type, r.U16("a record type"));
    OSPREY_ASSIGN_OR_RETURN(uint16_t klass, r.U16("a record class"));
    (void)klass;
    OSPREY_ASSIGN_OR_RETURN(rr.ttl, r.U32("a record TTL"));
    OSPREY_ASSIGN_OR_RETURN(uint16_t rdlen, r.U16("a record data length"));
    OSPREY_RETURN_IF_ERROR(DecodeData(r, rr.type, rdlen, &rr));
    out->push_back(std::move(rr));
  }
  return OkStatus();
}

}  // namespace

std::optional<DnsType> DnsTypeFromName(std::string_view name) {
  for (const TypeName& t : kTypes) {
    if (t.name == name) return t.type;
  }
  return std::nullopt;
}

std::string DnsTypeName(uint16_t type) {
  for (const TypeName& t : kTypes) {
    if (static_cast<uint16_t>(t.type) == type) return std::string(t.name);
  }
  return std::string("TYPE").append(std::to_string(type));
}

std::optional<int> DnsRcodeFromName(std::string_view name) {
  for (size_t i = 0; i < kRcodes.size(); ++i) {
    if (kRcodes[i] == name) return static_cast<int>(i);
  }
  return std::nullopt;
}

std::string DnsRcodeName(int rcode) {
  if (rcode >= 0 && static_cast<size_t>(rcode) < kRcodes.size()) return std::string(kRcodes[rcode]);
  return std::string("RCODE").append(std::to_string(rcode));
}

Result<std::string> EncodeDnsQuery(uint16_t id, std::string_view name, uint16_t type) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.size() > 253) {
    return InvalidArgumentError("dns name \"" + std::string(name) + "\" is over 253 bytes");
  }
  std::string q;
  q.reserve(kHeaderSize + name.size() + 6);
  const uint8_t header[kHeaderSize] = {static_cast<uint8_t>(id >> 8),
                                       static_cast<uint8_t>(id & 0xFF),
                                       0x01,  // RD
                                       0x00,
                                       0x00,
                                       0x01,  // QDCOUNT 1
                                       0,
                                       0,
                                       0,
                                       0,
                                       0,
                                       0};
  q.append(reinterpret_cast<const char*>(header), kHeaderSize);
  while (!name.empty()) {
    const size_t dot = name.find('.');
    std::string_view label = name.substr(0, dot);
    if (label.empty() || label.size() > 63) {
      return InvalidArgumentError("dns name has an empty or over-63-byte label: \"" +
                                  std::string(label) + "\"");
    }
    q.push_back(static_cast<char>(label.size()));
    q.append(label);
    name = dot == std::string_view::npos ? std::string_view() : name.substr(dot + 1);
  }
  q.push_back('\0');
  q.push_back(static_cast<char>(type >> 8));
  q.push_back(static_cast<char>(type & 0xFF));
  q.push_back('\0');
  q.push_back('\x01');  // IN
  return q;
}

Result<DnsResponse> ParseDnsResponse(std::string_view message) {
  Reader r(message);
  DnsResponse resp;
  OSPREY_ASSIGN_OR_RETURN(resp.id, r.U16("the header"));
  OSPREY_ASSIGN_OR_RETURN(uint16_t flags, r.U16("the header"));
  if ((flags & 0x8000) == 0) return DataLossError("dns message is a query, not a response");
  resp.truncated = (flags & 0x0200) != 0;
  resp.rcode = flags & 0x000F;
  OSPREY_ASSIGN_OR_RETURN(uint16_t qd, r.U16("the header"));
  OSPREY_ASSIGN_OR_RETURN(uint16_t an, r.U16("the header"));
  OSPREY_ASSIGN_OR_RETURN(uint16_t ns, r.U16("the header"));
  OSPREY_ASSIGN_OR_RETURN(uint16_t ar, r.U16("the header"));
  for (uint16_t i = 0; i < qd; ++i) {
    OSPREY_ASSIGN_OR_RETURN(std::string qname, r.Name());
    OSPREY_ASSIGN_OR_RETURN(uint16_t qtype, r.U16("a question"));
    OSPREY_ASSIGN_OR_RETURN(uint16_t qclass, r.U16("a question"));
    (void)qname;
    (void)qtype;
    (void)qclass;
  }
  Status answers = ReadRecords(r, an, &resp.answers);
  // A truncated UDP answer may stop anywhere: keep what was read; the caller asks over TCP.
  if (resp.truncated) return resp;
  OSPREY_RETURN_IF_ERROR(answers);
  OSPREY_RETURN_IF_ERROR(ReadRecords(r, ns, &resp.authority));
  OSPREY_RETURN_IF_ERROR(ReadRecords(r, ar, &resp.additional));
  return resp;
}

}  // namespace osprey::agent
