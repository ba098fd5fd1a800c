#include "config/probe_config.h"

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <unordered_map>

#include "config/internal/emit.h"
#include "config/internal/validate.h"

namespace osprey::config {
namespace {

using internal::Quote;

constexpr model::Duration kDefaultProbeTimeout = model::Duration::Seconds(10);
constexpr int64_t kMaxIcmpPayload = 65000;

// Label names every probe series gets; configured labels may not replace them.
constexpr std::string_view kReservedLabels[] = {"__name__", "job",    "probe",
                                                "instance", "module", "phase"};

Status DecodeTls(const MappingDecoder& parent, std::string_view key, ProbeTlsConfig* out) {
  const YamlNode* n = parent.Get(key);
  if (n == nullptr) return OkStatus();
  OSPREY_ASSIGN_OR_RETURN(
      MappingDecoder t,
      MappingDecoder::Open(parent.doc(), *n, parent.ChildPath(key),
                           {"insecure_skip_verify", "ca_file", "cert_file", "key_file"}));
  OSPREY_RETURN_IF_ERROR(t.Optional("insecure_skip_verify", &out->insecure_skip_verify));
  OSPREY_RETURN_IF_ERROR(t.Optional("ca_file", &out->ca_file));
  OSPREY_RETURN_IF_ERROR(t.Optional("cert_file", &out->cert_file));
  OSPREY_RETURN_IF_ERROR(t.Optional("key_file", &out->key_file));
  if (out->cert_file.empty() != out->key_file.empty()) {
    return t.ErrorAt(t.node().mark(), "cert_file and key_file must be given together");
  }
  return OkStatus();
}

// A list of RE2 patterns, each compiled once to check it.
Status DecodeRegexList(const MappingDecoder& m, std::string_view key,
                       std::vector<std::string>* out) {
  OSPREY_RETURN_IF_ERROR(m.Optional(key, out));
  for (size_t i = 0; i < out->size(); ++i) {
    RE2 re((*out)[i], RE2::Quiet);
    if (!re.ok()) {
      return m.ErrorAt(
          m.Get(key)->items()[i].mark(),
          "invalid regexp " + Quote((*out)[i]) + " for " + std::string(key) + ": " + re.error());
    }
  }
  return OkStatus();
}

Status DecodeHttp(const MappingDecoder& p, ProbeHttpConfig* c) {
  const YamlNode* n = p.Get("http");
  if (n == nullptr) return OkStatus();
  OSPREY_ASSIGN_OR_RETURN(
      MappingDecoder h,
      MappingDecoder::Open(
          p.doc(), *n, p.ChildPath("http"),
          {"method", "headers", "body", "valid_status_codes", "fail_if_body_matches_regexp",
           "fail_if_body_not_matches_regexp", "follow_redirects", "tls_config"}));
  OSPREY_RETURN_IF_ERROR(h.OptionalOneOf(
      "method", {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}, &c->method));
  OSPREY_RETURN_IF_ERROR(h.Optional("headers", &c->headers));
  OSPREY_RETURN_IF_ERROR(h.Optional("body", &c->body));
  if (const YamlNode* codes = h.Get("valid_status_codes")) {
    if (!codes->IsSequence()) return TypeError(p.doc(), *codes, "a list", "valid_status_codes");
    for (const YamlNode& item : codes->items()) {
      int64_t code = 0;
      OSPREY_RETURN_IF_ERROR(DecodeValue(p.doc(), item, "valid_status_codes", &code));
      if (code < 100 || code > 599) {
        return h.ErrorAt(item.mark(), "invalid status code " + std::to_string(code) +
                                          " in valid_status_codes: must be 100-599");
      }
      c->valid_status_codes.push_back(code);
    }
  }
  OSPREY_RETURN_IF_ERROR(
      DecodeRegexList(h, "fail_if_body_matches_regexp", &c->fail_if_body_matches_regexp));
  OSPREY_RETURN_IF_ERROR(
      DecodeRegexList(h, "fail_if_body_not_matches_regexp", &c->fail_if_body_not_matches_regexp));
  OSPREY_RETURN_IF_ERROR(h.Optional("follow_redirects", &c->follow_redirects));
  return DecodeTls(h, "tls_config", &c->tls_config);
}

Status DecodeTcp(const MappingDecoder& p, ProbeTcpConfig* c) {
  const YamlNode* n = p.Get("tcp");
  if (n == nullptr) return OkStatus();
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder t,
                          MappingDecoder::Open(p.doc(), *n, p.ChildPath("tcp"),
                                               {"send", "expect", "tls", "tls_config"}));
  OSPREY_RETURN_IF_ERROR(t.Optional("send", &c->send));
  OSPREY_RETURN_IF_ERROR(t.Optional("expect", &c->expect));
  if (!c->expect.empty()) {
    RE2 re(c->expect, RE2::Quiet);
    if (!re.ok()) {
      return t.ErrorAt(t.ValueMark("expect"),
                       "invalid regexp " + Quote(c->expect) + " for expect: " + re.error());
    }
  }
  OSPREY_RETURN_IF_ERROR(t.Optional("tls", &c->tls));
  return DecodeTls(t, "tls_config", &c->tls_config);
}

Status DecodeDns(const MappingDecoder& p, ProbeDnsConfig* c) {
  const YamlNode* n = p.Get("dns");
  if (n == nullptr) return OkStatus();
  OSPREY_ASSIGN_OR_RETURN(
      MappingDecoder d, MappingDecoder::Open(p.doc(), *n, p.ChildPath("dns"),
                                             {"query_type", "query_name", "transport_protocol",
                                              "valid_rcodes", "valid_answers", "invalid_answers"}));
  OSPREY_RETURN_IF_ERROR(d.OptionalOneOf(
      "query_type", {"A", "AAAA", "CNAME", "MX", "NS", "PTR", "SOA", "SRV", "TXT", "ANY"},
      &c->query_type));
  OSPREY_RETURN_IF_ERROR(d.Optional("query_name", &c->query_name));
  if (c->query_name.size() > 253 || c->query_name.find_first_of(" /:") != std::string::npos) {
    return d.ErrorAt(d.ValueMark("query_name"),
                     "invalid query_name " + Quote(c->query_name) + ": must be a DNS name");
  }
  OSPREY_RETURN_IF_ERROR(
      d.OptionalOneOf("transport_protocol", {"udp", "tcp"}, &c->transport_protocol));
  if (const YamlNode* codes = d.Get("valid_rcodes")) {
    std::vector<std::string> names;
    OSPREY_RETURN_IF_ERROR(DecodeValue(p.doc(), *codes, "valid_rcodes", &names));
    static constexpr std::string_view kRcodes[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                                   "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                                   "NXRRSET", "NOTAUTH", "NOTZONE"};
    for (const std::string& name : names) {
      if (std::find(std::begin(kRcodes), std::end(kRcodes), name) == std::end(kRcodes)) {
        return d.ErrorAt(d.ValueMark("valid_rcodes"),
                         "invalid rcode " + Quote(name) +
                             " in valid_rcodes: must be NOERROR, NXDOMAIN, SERVFAIL, REFUSED, ...");
      }
    }
    if (!names.empty()) c->valid_rcodes = std::move(names);
  }
  OSPREY_RETURN_IF_ERROR(DecodeRegexList(d, "valid_answers", &c->valid_answers));
  return DecodeRegexList(d, "invalid_answers", &c->invalid_answers);
}

Status DecodeIcmp(const MappingDecoder& p, ProbeIcmpConfig* c) {
  const YamlNode* n = p.Get("icmp");
  if (n == nullptr) return OkStatus();
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder d, MappingDecoder::Open(p.doc(), *n, p.ChildPath("icmp"),
                                                                 {"ip_protocol", "payload_size"}));
  OSPREY_RETURN_IF_ERROR(d.OptionalOneOf("ip_protocol", {"ip4", "ip6"}, &c->ip_protocol));
  OSPREY_RETURN_IF_ERROR(d.Optional("payload_size", &c->payload_size));
  if (c->payload_size < 0 || c->payload_size > kMaxIcmpPayload) {
    return d.ErrorAt(d.ValueMark("payload_size"),
                     "invalid payload_size " + std::to_string(c->payload_size) + ": must be 0-" +
                         std::to_string(kMaxIcmpPayload));
  }
  return OkStatus();
}

// "host:port" with a numeric port 1-65535; the host may be "[v6]".
bool IsHostPort(std::string_view s) {
  const size_t colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  const std::string_view port = s.substr(colon + 1);
  if (port.empty() || port.size() > 5) return false;
  int value = 0;
  for (char ch : port) {
    if (ch < '0' || ch > '9') return false;
    value = value * 10 + (ch - '0');
  }
  return value >= 1 && value <= 65535;
}

Status CheckTarget(const MappingDecoder& p, const ProbeConfig& c) {
  const YamlMark mark = p.ValueMark("target");
  if (c.module == "http") {
    if (!c.target.starts_with("http://") && !c.target.starts_with("https://")) {
      return p.ErrorAt(mark, "invalid target " + Quote(c.target) +
                                 " for module http: must be an http:// or https:// URL");
    }
  } else if (c.module == "tcp") {
    if (!IsHostPort(c.target)) {
      return p.ErrorAt(mark,
                       "invalid target " + Quote(c.target) + " for module tcp: must be host:port");
    }
  } else if (c.module == "dns") {
    if (!c.dns.query_name.empty()) {
      // The target is the server: host, host:port, [v6] or [v6]:port.
      if (c.target.empty() || c.target.find_first_of(" /") != std::string::npos) {
        return p.ErrorAt(mark, "invalid target " + Quote(c.target) +
                                   " for module dns with query_name: must be a DNS server "
                                   "(host or host:port)");
      }
    } else if (c.target.empty() || c.target.find_first_of(" /:") != std::string::npos) {
      return p.ErrorAt(mark,
                       "invalid target " + Quote(c.target) + " for module dns: must be a name");
    }
  } else if (c.module == "icmp") {
    // A name, an IPv4 address or a bare IPv6 address (colons allowed, no port or URL).
    if (c.target.empty() || c.target.find_first_of(" /[]") != std::string::npos) {
      return p.ErrorAt(mark, "invalid target " + Quote(c.target) +
                                 " for module icmp: must be a host name or IP address");
    }
  }
  // A section for another module is a mistake worth reporting.
  for (std::string_view other : {"http", "tcp", "dns", "icmp"}) {
    if (other != c.module && p.Has(other)) {
      return p.ErrorAt(p.KeyMark(other), std::string("section ")
                                             .append(other)
                                             .append(" does not apply to module ")
                                             .append(c.module));
    }
  }
  return OkStatus();
}

Result<ProbeConfig> DecodeProbe(const YamlDocument& doc, const YamlNode& node,
                                const std::string& path) {
  OSPREY_ASSIGN_OR_RETURN(MappingDecoder p,
                          MappingDecoder::Open(doc, node, path,
                                               {"name", "module", "target", "interval", "timeout",
                                                "labels", "http", "tcp", "dns", "icmp"}));
  ProbeConfig c;
  OSPREY_RETURN_IF_ERROR(p.Required("name", &c.name));
  if (c.name.empty()) return p.ErrorAt(p.ValueMark("name"), "probe name must not be empty");
  if (!p.Has("module")) return p.MissingError("module");
  OSPREY_RETURN_IF_ERROR(p.OptionalOneOf("module", {"http", "tcp", "dns", "icmp"}, &c.module));
  OSPREY_RETURN_IF_ERROR(p.Required("target", &c.target));
  OSPREY_RETURN_IF_ERROR(p.Optional("interval", &c.interval));
  if (c.interval.ms <= 0) {
    return p.ErrorAt(p.ValueMark("interval"), "interval must be greater than 0");
  }
  c.timeout = model::Duration{0};
  OSPREY_RETURN_IF_ERROR(p.Optional("timeout", &c.timeout));
  if (c.timeout > c.interval) {
    return p.ErrorAt(p.ValueMark("timeout"), "timeout " + model::FormatDuration(c.timeout) +
                                                 " is greater than interval " +
                                                 model::FormatDuration(c.interval));
  }
  if (c.timeout.ms == 0) c.timeout = std::min(kDefaultProbeTimeout, c.interval);
  if (const YamlNode* labels = p.Get("labels")) {
    OSPREY_RETURN_IF_ERROR(internal::DecodeLabelMap(doc, *labels, "labels", &c.labels));
    for (const YamlEntry& e : labels->entries()) {
      if (std::find(std::begin(kReservedLabels), std::end(kReservedLabels), e.key) !=
          std::end(kReservedLabels)) {
        return p.ErrorAt(e.key_mark, "label " + Quote(e.key) + " is set by the probe itself");
      }
    }
  }
  OSPREY_RETURN_IF_ERROR(DecodeHttp(p, &c.http));
  OSPREY_RETURN_IF_ERROR(DecodeTcp(p, &c.tcp));
  OSPREY_RETURN_IF_ERROR(DecodeDns(p, &c.dns));
  OSPREY_RETURN_IF_ERROR(DecodeIcmp(p, &c.icmp));
  OSPREY_RETURN_IF_ERROR(CheckTarget(p, c));
  return c;
}

void EmitTls(std::string_view key, const ProbeTlsConfig& t, YAML::Emitter& out) {
  out << YAML::Key << std::string(key) << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "insecure_skip_verify" << YAML::Value << t.insecure_skip_verify;
  if (!t.ca_file.empty()) internal::WriteStringEntry(out, "ca_file", t.ca_file);
  if (!t.cert_file.empty()) internal::WriteStringEntry(out, "cert_file", t.cert_file);
  if (!t.key_file.empty()) internal::WriteStringEntry(out, "key_file", t.key_file);
  out << YAML::EndMap;
}

void EmitStringList(std::string_view key, const std::vector<std::string>& v, YAML::Emitter& out) {
  if (v.empty()) return;
  out << YAML::Key << std::string(key) << YAML::Value << YAML::BeginSeq;
  for (const std::string& s : v) internal::WriteString(out, s);
  out << YAML::EndSeq;
}

void EmitStringMap(std::string_view key, const std::map<std::string, std::string>& m,
                   YAML::Emitter& out) {
  if (m.empty()) return;
  out << YAML::Key << std::string(key) << YAML::Value << YAML::BeginMap;
  for (const auto& [k, v] : m) internal::WriteStringEntry(out, k, v);
  out << YAML::EndMap;
}

}  // namespace

Status DecodeProbeConfigs(const MappingDecoder& m, std::vector<ProbeConfig>* out) {
  const YamlDocument& doc = m.doc();
  OSPREY_RETURN_IF_ERROR(
      m.DecodeList("probes", out, [&](const YamlNode& n, const std::string& path) {
        Result<ProbeConfig> c = DecodeProbe(doc, n, path);
        if (c.ok()) return c;
        // Name the probe in the error when its name is known.
        const YamlEntry* name = n.IsMapping() ? n.Find("name") : nullptr;
        if (name == nullptr || !name->value.IsScalar()) return c;
        std::string message = c.status().message();
        message.append(" (probe ").append(Quote(name->value.scalar())).append(")");
        return Result<ProbeConfig>(Status(c.status().code(), std::move(message)));
      }));
  std::unordered_map<std::string_view, size_t> seen;
  for (size_t i = 0; i < out->size(); ++i) {
    if (seen.emplace((*out)[i].name, i).second) continue;
    const YamlEntry* name = m.Get("probes")->items()[i].Find("name");
    return m.ErrorAt(name != nullptr ? name->value.mark() : m.ValueMark("probes"),
                     "found multiple probes named " + Quote((*out)[i].name));
  }
  return OkStatus();
}

void ResolveProbePaths(std::string_view dir, ProbeConfig* c) {
  for (ProbeTlsConfig* t : {&c->http.tls_config, &c->tcp.tls_config}) {
    t->ca_file = internal::JoinDir(dir, t->ca_file);
    t->cert_file = internal::JoinDir(dir, t->cert_file);
    t->key_file = internal::JoinDir(dir, t->key_file);
  }
}

void EmitProbeConfig(const ProbeConfig& c, YAML::Emitter& out) {
  out << YAML::BeginMap;
  internal::WriteStringEntry(out, "name", c.name);
  internal::WriteStringEntry(out, "module", c.module);
  internal::WriteStringEntry(out, "target", c.target);
  out << YAML::Key << "interval" << YAML::Value << model::FormatDuration(c.interval);
  out << YAML::Key << "timeout" << YAML::Value << model::FormatDuration(c.timeout);
  EmitStringMap("labels", c.labels, out);
  if (c.module == "http") {
    const ProbeHttpConfig& h = c.http;
    out << YAML::Key << "http" << YAML::Value << YAML::BeginMap;
    internal::WriteStringEntry(out, "method", h.method);
    EmitStringMap("headers", h.headers, out);
    if (!h.body.empty()) internal::WriteStringEntry(out, "body", h.body);
    if (!h.valid_status_codes.empty()) {
      out << YAML::Key << "valid_status_codes" << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (int64_t code : h.valid_status_codes) out << code;
      out << YAML::EndSeq;
    }
    EmitStringList("fail_if_body_matches_regexp", h.fail_if_body_matches_regexp, out);
    EmitStringList("fail_if_body_not_matches_regexp", h.fail_if_body_not_matches_regexp, out);
    out << YAML::Key << "follow_redirects" << YAML::Value << h.follow_redirects;
    EmitTls("tls_config", h.tls_config, out);
    out << YAML::EndMap;
  } else if (c.module == "tcp") {
    out << YAML::Key << "tcp" << YAML::Value << YAML::BeginMap;
    if (!c.tcp.send.empty()) internal::WriteStringEntry(out, "send", c.tcp.send);
    if (!c.tcp.expect.empty()) internal::WriteStringEntry(out, "expect", c.tcp.expect);
    out << YAML::Key << "tls" << YAML::Value << c.tcp.tls;
    EmitTls("tls_config", c.tcp.tls_config, out);
    out << YAML::EndMap;
  } else if (c.module == "dns") {
    out << YAML::Key << "dns" << YAML::Value << YAML::BeginMap;
    internal::WriteStringEntry(out, "query_type", c.dns.query_type);
    if (!c.dns.query_name.empty()) internal::WriteStringEntry(out, "query_name", c.dns.query_name);
    internal::WriteStringEntry(out, "transport_protocol", c.dns.transport_protocol);
    EmitStringList("valid_rcodes", c.dns.valid_rcodes, out);
    EmitStringList("valid_answers", c.dns.valid_answers, out);
    EmitStringList("invalid_answers", c.dns.invalid_answers, out);
    out << YAML::EndMap;
  } else if (c.module == "icmp") {
    out << YAML::Key << "icmp" << YAML::Value << YAML::BeginMap;
    internal::WriteStringEntry(out, "ip_protocol", c.icmp.ip_protocol);
    out << YAML::Key << "payload_size" << YAML::Value << c.icmp.payload_size;
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
}

}  // namespace osprey::config
