// arp (<procfs>/net/arp), conntrack (<procfs>/sys/net/netfilter/nf_conntrack_{count,max},
// <procfs>/net/stat/nf_conntrack), cpufreq (<sysfs>/devices/system/cpu/cpuN/cpufreq) and
// schedstat (<procfs>/schedstat), with node_exporter 1.5's names, HELP texts and units.
#include <algorithm>
#include <cerrno>
#include <charconv>

#include "agent/internal/collectors.h"

namespace osprey::agent::internal {
namespace {

Status Malformed(std::string_view what, const std::string& path, std::string_view line) {
  return DataLossError(std::string(what)
                           .append(" in ")
                           .append(path)
                           .append(": \"")
                           .append(line.substr(0, 120))
                           .append("\""));
}

bool ParseHex(std::string_view s, uint64_t& v) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

Status Collectors::CollectArp(TextWriter& w) {
  OSPREY_ASSIGN_OR_RETURN(std::string_view body, ReadProc("net/arp"));
  std::vector<std::pair<std::string, uint64_t>> devices;  // few devices: linear search
  std::string_view rest = body, line;
  while (NextLine(rest, line)) {
    std::string_view tail = line, first, last;
    int columns = 0;
    for (std::string_view f = NextField(tail); !f.empty(); f = NextField(tail), ++columns) {
      if (columns == 0) first = f;
      last = f;
    }
    if (columns < 6) return Malformed("unexpected ARP table format", ProcPath("net/arp"), line);
    if (first == "IP") continue;  // header
    // Compared as written out, so two devices differing only in invalid UTF-8 are one series.
    utf8_.clear();
    AppendValidUtf8(utf8_, last);
    auto it = std::find_if(devices.begin(), devices.end(),
                           [&](const auto& d) { return d.first == utf8_; });
    if (it == devices.end()) {
      if (devices.size() >= 4096) return Malformed("too many devices", ProcPath("net/arp"), line);
      devices.emplace_back(utf8_, 1);
    } else {
      ++it->second;
    }
  }
  std::sort(devices.begin(), devices.end());
  if (devices.empty()) return OkStatus();
  w.Family("node_arp_entries", "ARP entries by device", "gauge");
  for (const auto& d : devices) w.SampleInt("node_arp_entries", {{"device", d.first}}, d.second);
  return OkStatus();
}

Status Collectors::CollectConntrack(TextWriter& w) {
  uint64_t values[2];
  static constexpr std::string_view kFiles[2] = {"sys/net/netfilter/nf_conntrack_count",
                                                 "sys/net/netfilter/nf_conntrack_max"};
  for (int i = 0; i < 2; ++i) {
    OSPREY_ASSIGN_OR_RETURN(std::string_view body, ReadProc(kFiles[i]));
    if (!ParseUint(Trim(body), values[i])) {
      return Malformed("not an integer", ProcPath(kFiles[i]), body);
    }
  }
  w.Family("node_nf_conntrack_entries",
           "Number of currently allocated flow entries for connection tracking.", "gauge");
  w.SampleInt("node_nf_conntrack_entries", {}, values[0]);
  w.Family("node_nf_conntrack_entries_limit", "Maximum size of connection tracking table.",
           "gauge");
  w.SampleInt("node_nf_conntrack_entries_limit", {}, values[1]);

  // Per-CPU statistics, summed: a header line, then 17 hex columns per CPU.
  OSPREY_ASSIGN_OR_RETURN(std::string_view body, ReadProc("net/stat/nf_conntrack"));
  static constexpr struct {
    int column;
    std::string_view name, help;
  } kStats[] = {
      {2, "node_nf_conntrack_stat_found", "Number of searched entries which were successful."},
      {4, "node_nf_conntrack_stat_invalid", "Number of packets seen which can not be tracked."},
      {5, "node_nf_conntrack_stat_ignore",
       "Number of packets seen which are already connected to a conntrack entry."},
      {8, "node_nf_conntrack_stat_insert", "Number of entries inserted into the list."},
      {9, "node_nf_conntrack_stat_insert_failed",
       "Number of entries for which list insertion was attempted but failed."},
      {10, "node_nf_conntrack_stat_drop", "Number of packets dropped due to conntrack failure."},
      {11, "node_nf_conntrack_stat_early_drop",
       "Number of dropped conntrack entries to make room for new ones, if maximum table size was "
       "reached."},
      {16, "node_nf_conntrack_stat_search_restart",
       "Number of conntrack table lookups which had to be restarted due to hashtable resizes."},
  };
  uint64_t sums[8] = {};
  std::string_view rest = body, line;
  NextLine(rest, line);  // header
  while (NextLine(rest, line)) {
    uint64_t columns[17];
    int n = 0;
    std::string_view tail = line;
    for (std::string_view f = NextField(tail); !f.empty(); f = NextField(tail)) {
      if (n == 17 || !ParseHex(f, columns[n])) {
        return Malformed("invalid conntrack stat entry", ProcPath("net/stat/nf_conntrack"), line);
      }
      ++n;
    }
    if (n != 17) {
      return Malformed("invalid conntrack stat entry", ProcPath("net/stat/nf_conntrack"), line);
    }
    for (int s = 0; s < 8; ++s) sums[s] += columns[kStats[s].column];
  }
  for (int s = 0; s < 8; ++s) {
    w.Family(kStats[s].name, kStats[s].help, "gauge");
    w.SampleInt(kStats[s].name, {}, sums[s]);
  }
  return OkStatus();
}

Status Collectors::CollectCpufreq(TextWriter& w) {
  const std::string dir_path = SysPath("devices/system/cpu");
  int err = 0;
  if (!ListDir(dir_path, /*skip_regular=*/false, dir_entries_, err)) {
    return ErrnoError(std::string("opendir ").append(dir_path), err);
  }
  static constexpr struct {
    std::string_view file, name, help;
  } kFiles[] = {
      {"cpuinfo_cur_freq", "node_cpu_frequency_hertz", "Current cpu thread frequency in hertz."},
      {"cpuinfo_min_freq", "node_cpu_frequency_min_hertz",
       "Minimum cpu thread frequency in hertz."},
      {"cpuinfo_max_freq", "node_cpu_frequency_max_hertz",
       "Maximum cpu thread frequency in hertz."},
      {"scaling_cur_freq", "node_cpu_scaling_frequency_hertz",
       "Current scaled CPU thread frequency in hertz."},
      {"scaling_min_freq", "node_cpu_scaling_frequency_min_hertz",
       "Minimum scaled CPU thread frequency in hertz."},
      {"scaling_max_freq", "node_cpu_scaling_frequency_max_hertz",
       "Maximum scaled CPU thread frequency in hertz."},
  };
  struct Cpu {
    std::string name;
    uint64_t khz[6] = {};
    bool has[6] = {};
  };
  std::vector<Cpu> cpus;
  std::string path, value;
  for (const std::string& entry : dir_entries_) {
    // cpu[0-9]*, like node_exporter's glob.
    if (entry.size() < 4 || !entry.starts_with("cpu") || entry[3] < '0' || entry[3] > '9') {
      continue;
    }
    Cpu cpu;
    cpu.name = entry.substr(3);
    const std::string base = std::string(dir_path).append("/").append(entry).append("/cpufreq/");
    bool any = false;
    for (int f = 0; f < 6; ++f) {
      path.assign(base).append(kFiles[f].file);
      if (!ReadSysValue(path, value, err)) {
        if (err == ENOENT || err == EACCES || err == EPERM) continue;
        return ErrnoError(std::string("read ").append(path), err);
      }
      if (!ParseUint(value, cpu.khz[f])) return Malformed("not an integer", path, value);
      cpu.has[f] = any = true;
    }
    if (any) cpus.push_back(std::move(cpu));
  }
  // node_exporter sorts "10" after "1" and before "2" too (label values compare as strings).
  for (int f = 0; f < 6; ++f) {
    bool any = false;
    for (const Cpu& c : cpus) any |= c.has[f];
    if (!any) continue;
    w.Family(kFiles[f].name, kFiles[f].help, "gauge");
    for (const Cpu& c : cpus) {
      if (c.has[f])
        w.Sample(kFiles[f].name, {{"cpu", c.name}}, static_cast<double>(c.khz[f]) * 1000);
    }
  }
  return OkStatus();
}

Status Collectors::CollectSchedstat(TextWriter& w) {
  OSPREY_ASSIGN_OR_RETURN(std::string_view body, ReadProc("schedstat"));
  struct Cpu {
    std::string_view name;
    uint64_t running = 0, waiting = 0, slices = 0;
  };
  std::vector<Cpu> cpus;
  std::string_view rest = body, line;
  ResetSeen();
  while (NextLine(rest, line)) {
    // "cpu<N> f1 ... f9": the 7th to 9th numbers are running ns, waiting ns and timeslices.
    // Other lines (version, timestamp, domain<N>) are skipped, as are malformed cpu lines.
    std::string_view tail = line;
    std::string_view head = NextField(tail);
    if (head.size() < 4 || !head.starts_with("cpu")) continue;
    std::string_view num = head.substr(3);
    uint64_t ignored;
    if (!ParseUint(num, ignored)) continue;
    uint64_t f[9];
    bool ok = true;
    for (uint64_t& v : f) ok = ok && ParseUint(NextField(tail), v);
    if (!ok || !FirstSeen(num)) continue;
    cpus.push_back({num, f[6], f[7], f[8]});
  }
  if (cpus.empty()) return OkStatus();
  w.Family("node_schedstat_running_seconds_total", "Number of seconds CPU spent running a process.",
           "counter");
  for (const Cpu& c : cpus) {
    w.Sample("node_schedstat_running_seconds_total", {{"cpu", c.name}},
             static_cast<double>(c.running) / 1e9);
  }
  w.Family("node_schedstat_timeslices_total", "Number of timeslices executed by CPU.", "counter");
  for (const Cpu& c : cpus) {
    w.SampleInt("node_schedstat_timeslices_total", {{"cpu", c.name}}, c.slices);
  }
  w.Family("node_schedstat_waiting_seconds_total",
           "Number of seconds spent by processing waiting for this CPU.", "counter");
  for (const Cpu& c : cpus) {
    w.Sample("node_schedstat_waiting_seconds_total", {{"cpu", c.name}},
             static_cast<double>(c.waiting) / 1e9);
  }
  return OkStatus();
}

}  // namespace osprey::agent::internal
