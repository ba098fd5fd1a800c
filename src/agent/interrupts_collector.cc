// interrupts (<procfs>/interrupts): node_interrupts_total{cpu,type,info,devices}, as
// node_exporter 1.5 (disabled by default there: cpus x interrupt lines series).
//
// The header has one column per CPU. A numbered line ("24:  1  0  IO-APIC  5-edge  ACPI:Ged")
// has info = the first word after the counts and devices = the rest; a named one ("CAL: ...
// Function call interrupts") has info = everything after the counts and devices "". Lines
// with fewer than cpus + 2 fields (ERR, MIS) are skipped; a repeated name keeps its last line.
#include <unordered_map>

#include "agent/internal/collectors.h"

namespace osprey::agent::internal {

Status Collectors::CollectInterrupts(TextWriter& w) {
  OSPREY_ASSIGN_OR_RETURN(std::string_view body, ReadProc("interrupts"));
  std::string_view rest = body, line;
  if (!NextLine(rest, line)) {
    return DataLossError(std::string(ProcPath("interrupts")).append(" is empty"));
  }
  size_t cpus = 0;
  for (std::string_view tail = line; !NextField(tail).empty();) ++cpus;
  if (cpus == 0 || cpus > 65536) {
    return DataLossError(std::string("malformed header in ").append(ProcPath("interrupts")));
  }
  struct Line {
    std::string type, info, devices;
    std::vector<double> values;
  };
  std::vector<Line> lines;
  std::unordered_map<std::string, size_t, StringHash, std::equal_to<>> index;
  std::vector<std::string_view> parts;
  while (NextLine(rest, line)) {
    parts.clear();
    for (std::string_view tail = line, f = NextField(tail); !f.empty(); f = NextField(tail)) {
      parts.push_back(f);
    }
    if (parts.size() < cpus + 2) continue;
    std::string_view name = parts[0];
    if (name.back() == ':') name.remove_suffix(1);
    Line l;
    utf8_.clear();
    AppendValidUtf8(utf8_, name);
    l.type = utf8_;
    for (size_t c = 1; c <= cpus; ++c) {
      double v;
      if (!ParseDouble(parts[c], v)) {
        return DataLossError(std::string("invalid value ")
                                 .append(parts[c].substr(0, 40))
                                 .append(" in ")
                                 .append(ProcPath("interrupts")));
      }
      l.values.push_back(v);
    }
    uint64_t irq;
    const bool numbered = ParseUint(name, irq);
    for (size_t i = cpus + 1; i < parts.size(); ++i) {
      std::string& to = (numbered && i > cpus + 1) ? l.devices : l.info;
      if (!to.empty()) to += ' ';
      to.append(parts[i]);
    }
    auto it = index.find(l.type);
    if (it != index.end()) {
      lines[it->second] = std::move(l);
    } else {
      if (lines.size() >= 65536) {
        return DataLossError(std::string("too many lines in ").append(ProcPath("interrupts")));
      }
      index.emplace(l.type, lines.size());
      lines.push_back(std::move(l));
    }
  }
  if (lines.empty()) return OkStatus();
  w.Family("node_interrupts_total", "Interrupt details.", "counter");
  std::string cpu;
  for (const Line& l : lines) {
    for (size_t c = 0; c < l.values.size(); ++c) {
      cpu = std::to_string(c);
      w.Sample("node_interrupts_total",
               {{"cpu", cpu}, {"devices", l.devices}, {"info", l.info}, {"type", l.type}},
               l.values[c]);
    }
  }
  return OkStatus();
}

}  // namespace osprey::agent::internal
