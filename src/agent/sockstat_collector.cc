// sockstat (<procfs>/net/sockstat and net/sockstat6) and softnet (<procfs>/net/softnet_stat),
// with node_exporter 1.5's names and HELP texts:
//   node_sockstat_sockets_used, node_sockstat_<PROTO>_<key> for inuse, orphan, tw, alloc, mem,
//   memory (as present) plus <PROTO>_mem_bytes = mem x page size;
//   node_softnet_{processed,dropped,times_squeezed}_total{cpu} with cpu = the line's index.
// A missing sockstat file is skipped (IPv6 may be disabled); a malformed one fails the
// collector, as does any malformed softnet_stat line.
#include <charconv>

#include "agent/internal/collectors.h"

namespace osprey::agent::internal {

Status Collectors::ReadSockstatFile(std::string_view rel, bool ipv6) {
  Result<std::string_view> read = ReadProc(rel);
  if (!read.ok()) {
    if (read.status().code() == StatusCode::kNotFound) return OkStatus();
    return read.status();
  }
  std::string_view rest = *read, line;
  auto malformed = [&](std::string_view why) {
    return DataLossError(std::string(why)
                             .append(" in ")
                             .append(ProcPath(rel))
                             .append(": \"")
                             .append(line.substr(0, 120))
                             .append("\""));
  };
  static constexpr std::string_view kKeys[] = {"inuse", "orphan", "tw", "alloc", "mem", "memory"};
  while (NextLine(rest, line)) {
    // Fields are separated by single spaces (procfs splits on " ").
    std::string_view fields[64];
    size_t n = 0;
    for (std::string_view tail = line;;) {
      if (n == 64) return malformed("too many fields");
      size_t sp = tail.find(' ');
      fields[n++] = tail.substr(0, sp);
      if (sp == std::string_view::npos) break;
      tail.remove_prefix(sp + 1);
    }
    if (n < 3) return malformed("malformed sockstat line");
    if ((n - 1) % 2 != 0) return malformed("odd number of key/value fields");
    int64_t values[6] = {};
    bool has[6] = {};
    int64_t used = 0;
    for (size_t i = 1; i < n; i += 2) {
      int64_t v;
      if (!ParseGoInt(fields[i + 1], v)) return malformed("bad value");
      if (fields[i] == "used") used = v;
      for (int k = 0; k < 6; ++k) {
        if (fields[i] == kKeys[k]) {
          values[k] = v;
          has[k] = true;
        }
      }
    }
    std::string_view proto = fields[0];
    if (proto.ends_with(':')) proto.remove_suffix(1);
    if (proto == "sockets") {
      if (!ipv6 && FirstSeen("sockets_used")) sockstat_.emplace_back("sockets_used", used);
      continue;
    }
    has[0] = true;  // inuse is always written (0 when absent)
    auto add = [&](std::string_view key, double value) {
      name_.clear();
      AppendMetricNamePart(name_, proto);
      name_.append("_").append(key);
      if (FirstSeen(name_)) sockstat_.emplace_back(name_, value);
    };
    for (int k = 0; k < 6; ++k) {
      if (has[k]) add(kKeys[k], static_cast<double>(values[k]));
    }
    if (has[4]) add("mem_bytes", static_cast<double>(values[4]) * static_cast<double>(page_size_));
  }
  return OkStatus();
}

Status Collectors::CollectSockstat(TextWriter& w) {
  sockstat_.clear();
  ResetSeen();
  OSPREY_RETURN_IF_ERROR(ReadSockstatFile("net/sockstat", false));
  OSPREY_RETURN_IF_ERROR(ReadSockstatFile("net/sockstat6", true));
  std::string help;
  for (const auto& [key, value] : sockstat_) {
    name_.assign("node_sockstat_").append(key);
    if (key == "sockets_used") {
      help.assign("Number of IPv4 sockets in use.");
    } else {
      // key is <PROTO>_<state>; protocols have no '_' but states can (mem_bytes).
      size_t us = key.find('_');
      help.assign("Number of ")
          .append(key.substr(0, us))
          .append(" sockets in state ")
          .append(key.substr(us + 1))
          .append(".");
    }
    w.Family(name_, help, "gauge");
    w.Sample(name_, value);
  }
  return OkStatus();
}

Status Collectors::CollectSoftnet(TextWriter& w) {
  OSPREY_ASSIGN_OR_RETURN(std::string_view body, ReadProc("net/softnet_stat"));
  struct Row {
    uint64_t processed, dropped, squeezed;
  };
  std::vector<Row> rows;
  std::string_view rest = body, line;
  while (NextLine(rest, line)) {
    std::string_view tail = line;
    uint64_t v[3] = {};
    int columns = 0;
    for (std::string_view f = NextField(tail); !f.empty(); f = NextField(tail), ++columns) {
      if (columns >= 3) continue;
      auto [end, ec] = std::from_chars(f.data(), f.data() + f.size(), v[columns], 16);
      if (ec != std::errc() || end != f.data() + f.size() || v[columns] > 0xffffffffu) {
        return DataLossError(std::string("bad hex value in ")
                                 .append(ProcPath("net/softnet_stat"))
                                 .append(": \"")
                                 .append(line.substr(0, 120))
                                 .append("\""));
      }
    }
    if (columns < 9) {
      return DataLossError(std::string("softnet_stat line with ")
                               .append(std::to_string(columns))
                               .append(" columns, at least 9 expected, in ")
                               .append(ProcPath("net/softnet_stat")));
    }
    rows.push_back({v[0], v[1], v[2]});
  }
  static constexpr struct {
    std::string_view name, help;
  } kFamilies[] = {
      {"node_softnet_processed_total", "Number of processed packets"},
      {"node_softnet_dropped_total", "Number of dropped packets"},
      {"node_softnet_times_squeezed_total", "Number of times processing packets ran out of quota"},
  };
  if (rows.empty()) return OkStatus();
  std::string cpu;
  for (int f = 0; f < 3; ++f) {
    w.Family(kFamilies[f].name, kFamilies[f].help, "counter");
    for (size_t i = 0; i < rows.size(); ++i) {
      cpu = std::to_string(i);
      uint64_t v = f == 0 ? rows[i].processed : f == 1 ? rows[i].dropped : rows[i].squeezed;
      w.SampleInt(kFamilies[f].name, {{"cpu", cpu}}, v);
    }
  }
  return OkStatus();
}

}  // namespace osprey::agent::internal
