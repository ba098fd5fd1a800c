// netdev (<procfs>/net/dev) and netstat (<procfs>/net/netstat, net/snmp, net/snmp6). Names,
// types and HELP texts are node_exporter 1.5's.
//
// node_exporter 1.5 reads netdev counters over rtnetlink, which adds receive_nohandler to the
// 16 counters of /proc/net/dev (same names in its default, non-detailed mode); we read that one
// from <sysfs>/class/net/<device>/statistics/rx_nohandler (the same kernel counter), and skip
// a device without the file.
#include <unistd.h>

#include "agent/internal/collectors.h"

namespace osprey::agent::internal {

Status Collectors::CollectNetdev(TextWriter& w) {
  OSPREY_RETURN_IF_ERROR(netdev_exclude_.status());
  OSPREY_ASSIGN_OR_RETURN(std::string_view body, ReadProc("net/dev"));
  std::string_view rest = body, line;
  size_t count = 0;
  int line_no = 0;
  ResetSeen();
  while (NextLine(rest, line)) {
    if (++line_no <= 2) continue;  // two header lines
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      if (Trim(line).empty()) continue;
      return DataLossError(std::string("malformed line in ")
                               .append(ProcPath("net/dev"))
                               .append(": \"")
                               .append(line)
                               .append("\""));
    }
    std::string_view device = Trim(line.substr(0, colon));
    if (netdev_exclude_.Matches(device) || !FirstSeen(device)) continue;
    if (count == nets_.size()) nets_.emplace_back();
    NetRow& row = nets_[count];
    row.device.assign(device);
    std::string_view tail = line.substr(colon + 1);
    for (uint64_t& field : row.fields) {
      if (!ParseUint(NextField(tail), field)) {
        return DataLossError(std::string("malformed line in ")
                                 .append(ProcPath("net/dev"))
                                 .append(": \"")
                                 .append(line)
                                 .append("\""));
      }
    }
    ++count;
  }
  static constexpr std::string_view kStats[16] = {
      "receive_bytes",  "receive_packets",  "receive_errs",       "receive_drop",
      "receive_fifo",   "receive_frame",    "receive_compressed", "receive_multicast",
      "transmit_bytes", "transmit_packets", "transmit_errs",      "transmit_drop",
      "transmit_fifo",  "transmit_colls",   "transmit_carrier",   "transmit_compressed"};
  std::string help;
  for (int s = 0; s < 16; ++s) {
    name_.assign("node_network_").append(kStats[s]).append("_total");
    help.assign("Network device statistic ").append(kStats[s]).append(".");
    w.Family(name_, help, "counter");
    for (size_t i = 0; i < count; ++i) {
      w.SampleInt(name_, {{"device", nets_[i].device}}, nets_[i].fields[s]);
    }
  }
  bool family = false;
  std::string value;
  for (size_t i = 0; i < count; ++i) {
    int err = 0;
    uint64_t nohandler = 0;
    path_.assign(options_.sysfs)
        .append("/class/net/")
        .append(nets_[i].device)
        .append("/statistics/rx_nohandler");
    // A device name from /proc could hold "/..": only plain names address sysfs.
    if (nets_[i].device.find('/') != std::string::npos || nets_[i].device.starts_with('.') ||
        !ReadSysValue(path_, value, err) || !ParseUint(value, nohandler)) {
      continue;
    }
    if (!family) {
      w.Family("node_network_receive_nohandler_total",
               "Network device statistic receive_nohandler.", "counter");
      family = true;
    }
    w.SampleInt("node_network_receive_nohandler_total", {{"device", nets_[i].device}}, nohandler);
  }
  return OkStatus();
}

// Appends the wanted "Proto_Field" values of one file to netstat_. net/netstat and net/snmp
// hold pairs of lines ("Tcp: ActiveOpens ..." then "Tcp: 8212305 ..."); net/snmp6 holds
// "Ip6InOctets 384" lines, the protocol ending at its '6'.
Status Collectors::ReadNetstatFile(std::string_view rel, bool snmp6) {
  OSPREY_ASSIGN_OR_RETURN(std::string_view body, ReadProc(rel));
  std::string_view rest = body, line;
  auto add = [this](std::string_view proto, std::string_view field, std::string_view value) {
    name_.clear();
    AppendMetricNamePart(name_, proto);
    name_ += '_';
    AppendMetricNamePart(name_, field);
    if (!netstat_fields_.Matches(name_) || !FirstSeen(name_)) return true;
    double v;
    if (!ParseDouble(value, v)) return false;
    netstat_.emplace_back(name_, v);
    return true;
  };
  auto malformed = [&] {
    return DataLossError(std::string("malformed line in ")
                             .append(ProcPath(rel))
                             .append(": \"")
                             .append(line.substr(0, 120))
                             .append("\""));
  };
  if (snmp6) {
    while (NextLine(rest, line)) {
      std::string_view tail = line;
      std::string_view key = NextField(tail);
      if (key.empty()) continue;
      size_t six = key.find('6');
      if (six == std::string_view::npos) return malformed();
      if (!add(key.substr(0, six + 1), key.substr(six + 1), NextField(tail))) return malformed();
    }
    return OkStatus();
  }
  std::string_view names;
  while (NextLine(rest, names)) {
    if (Trim(names).empty()) continue;
    if (!NextLine(rest, line)) {
      line = names;
      return malformed();
    }
    std::string_view name_tail = names, value_tail = line;
    std::string_view proto = NextField(name_tail);
    if (proto.size() < 2 || proto.back() != ':' || NextField(value_tail) != proto) {
      return malformed();
    }
    proto.remove_suffix(1);
    for (std::string_view field = NextField(name_tail); !field.empty();
         field = NextField(name_tail)) {
      std::string_view value = NextField(value_tail);
      if (!add(proto, field, value)) return malformed();
    }
  }
  return OkStatus();
}

Status Collectors::CollectNetstat(TextWriter& w) {
  OSPREY_RETURN_IF_ERROR(netstat_fields_.status());
  netstat_.clear();
  ResetSeen();
  OSPREY_RETURN_IF_ERROR(ReadNetstatFile("net/netstat", false));
  OSPREY_RETURN_IF_ERROR(ReadNetstatFile("net/snmp", false));
  // IPv6 may be disabled; node_exporter then skips snmp6 too.
  if (::access(ProcPath("net/snmp6").c_str(), F_OK) == 0) {
    OSPREY_RETURN_IF_ERROR(ReadNetstatFile("net/snmp6", true));
  }
  std::string help;
  for (const auto& [key, value] : netstat_) {
    name_.assign("node_netstat_").append(key);
    help.assign("Statistic ");
    for (char c : key) {
      if (c != '_') help += c;
    }
    help += '.';
    w.Family(name_, help, "untyped");
    w.Sample(name_, value);
  }
  return OkStatus();
}

}  // namespace osprey::agent::internal
