// cpu, stat, loadavg, meminfo, vmstat, pressure, filefd, entropy, uname and time: the small
// /proc files. Names, types and HELP texts are node_exporter 1.5's.
#include <sys/utsname.h>

#include <chrono>
#include <ctime>

#include "agent/internal/collectors.h"

namespace osprey::agent::internal {
namespace {

Status Malformed(std::string_view file, std::string_view line) {
  return DataLossError(std::string("malformed line in ")
                           .append(file)
                           .append(": \"")
                           .append(line.substr(0, 120))
                           .append("\""));
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

Status Collectors::CollectCpu(TextWriter& w) {
  OSPREY_ASSIGN_OR_RETURN(std::string_view body, ReadProc("stat"));
  static constexpr std::string_view kModes[] = {"user",   "nice", "system",  "idle",
                                                "iowait", "irq",  "softirq", "steal"};
  // Pass 0 writes node_cpu_seconds_total, pass 1 node_cpu_guest_seconds_total, so each
  // family's samples stay together.
  for (int pass = 0; pass < 2; ++pass) {
    if (pass == 0) {
      w.Family("node_cpu_seconds_total", "Seconds the CPUs spent in each mode.", "counter");
    } else {
      w.Family("node_cpu_guest_seconds_total",
               "Seconds the CPUs spent in guests (VMs) for each mode.", "counter");
    }
    std::string_view rest = body, line;
    bool any = false;
    ResetSeen();
    while (NextLine(rest, line)) {
      if (line.size() < 4 || !StartsWith(line, "cpu") || line[3] < '0' || line[3] > '9') continue;
      std::string_view fields = line;
      std::string_view cpu = NextField(fields).substr(3);
      uint64_t v[10] = {};
      int n = 0;
      for (; n < 10; ++n) {
        std::string_view f = NextField(fields);
        if (f.empty()) break;
        if (!ParseUint(f, v[n])) return Malformed(ProcPath("stat"), line);
      }
      if (n < 8) return Malformed(ProcPath("stat"), line);
      if (!FirstSeen(cpu)) continue;
      any = true;
      if (pass == 0) {
        for (int m = 0; m < 8; ++m) {
          w.Sample("node_cpu_seconds_total", {{"cpu", cpu}, {"mode", kModes[m]}},
                   static_cast<double>(v[m]) / clock_ticks_);
        }
      } else {
        w.Sample("node_cpu_guest_seconds_total", {{"cpu", cpu}, {"mode", "user"}},
                 static_cast<double>(v[8]) / clock_ticks_);
        w.Sample("node_cpu_guest_seconds_total", {{"cpu", cpu}, {"mode", "nice"}},
                 static_cast<double>(v[9]) / clock_ticks_);
      }
    }
    if (!any) return DataLossError(std::string("no cpuN lines in ").append(ProcPath("stat")));
  }
  return OkStatus();
}

Status Collectors::CollectStat(TextWriter& w) {
  OSPREY_ASSIGN_OR_RETURN(std::string_view body, ReadProc("stat"));
  struct Field {
    std::string_view key, name, help, type;
    uint64_t value = 0;
    bool found = false;
  };
  Field fields[] = {
      {"btime", "node_boot_time_seconds", "Node boot time, in unixtime.", "gauge"},
      {"ctxt", "node_context_switches_total", "Total number of context switches.", "counter"},
      {"processes", "node_forks_total", "Total number of forks.", "counter"},
      {"intr", "node_intr_total", "Total number of interrupts serviced.", "counter"},
      {"procs_blocked", "node_procs_blocked",
       "Number of processes blocked waiting for I/O to complete.", "gauge"},
      {"procs_running", "node_procs_running", "Number of processes in runnable state.", "gauge"},
  };
  std::string_view rest = body, line;
  while (NextLine(rest, line)) {
    std::string_view tail = line;
    std::string_view key = NextField(tail);
    for (Field& f : fields) {
      if (f.key != key) continue;
      if (!ParseUint(NextField(tail), f.value)) return Malformed(ProcPath("stat"), line);
      f.found = true;
    }
  }
  for (const Field& f : fields) {
    if (!f.found) {
      return DataLossError(
          std::string("no \"").append(f.key).append("\" line in ").append(ProcPath("stat")));
    }
    w.Family(f.name, f.help, f.type);
    w.SampleInt(f.name, {}, f.value);
  }
  return OkStatus();
}

Status Collectors::CollectLoadavg(TextWriter& w) {
  OSPREY_ASSIGN_OR_RETURN(std::string_view body, ReadProc("loadavg"));
  std::string_view rest = body;
  double loads[3];
  for (double& load : loads) {
    if (!ParseDouble(NextField(rest), load)) return Malformed(ProcPath("loadavg"), body);
  }
  w.Family("node_load1", "1m load average.", "gauge");
  w.Sample("node_load1", loads[0]);
  w.Family("node_load5", "5m load average.", "gauge");
  w.Sample("node_load5", loads[1]);
  w.Family("node_load15", "15m load average.", "gauge");
  w.Sample("node_load15", loads[2]);
  return OkStatus();
}

Status Collectors::CollectMeminfo(TextWriter& w) {
  OSPREY_ASSIGN_OR_RETURN(std::string_view body, ReadProc("meminfo"));
  std::string_view rest = body, line;
  std::string help;
  ResetSeen();
  while (NextLine(rest, line)) {
    if (Trim(line).empty()) continue;
    std::string_view tail = line;
    std::string_view key = NextField(tail);
    uint64_t value;
    if (key.size() < 2 || key.back() != ':' || !ParseUint(NextField(tail), value)) {
      return Malformed(ProcPath("meminfo"), line);
    }
    key.remove_suffix(1);
    bool kb = NextField(tail) == "kB";
    // "Active(anon)" -> "Active_anon", as node_exporter names it.
    name_.assign("node_memory_");
    for (char c : key) {
      if (c != ')') AppendMetricNamePart(name_, std::string_view(&c, 1));
    }
    if (kb) name_ += "_bytes";
    if (!FirstSeen(name_)) continue;
    help.assign("Memory information field ").append(std::string_view(name_).substr(12)).append(".");
    w.Family(name_, help, "gauge");
    w.SampleInt(name_, {}, kb ? value * 1024 : value);
  }
  return OkStatus();
}

Status Collectors::CollectVmstat(TextWriter& w) {
  OSPREY_ASSIGN_OR_RETURN(std::string_view body, ReadProc("vmstat"));
  std::string_view rest = body, line;
  std::string help;
  ResetSeen();
  while (NextLine(rest, line)) {
    std::string_view tail = line;
    std::string_view key = NextField(tail);
    // node_exporter's default --collector.vmstat.fields: ^(oom_kill|pgpg|pswp|pg.*fault).*
    bool wanted = StartsWith(key, "oom_kill") || StartsWith(key, "pgpg") ||
                  StartsWith(key, "pswp") ||
                  (StartsWith(key, "pg") && key.find("fault", 2) != std::string_view::npos);
    if (!wanted) continue;
    uint64_t value;
    if (!ParseUint(NextField(tail), value)) return Malformed(ProcPath("vmstat"), line);
    name_.assign("node_vmstat_");
    AppendMetricNamePart(name_, key);
    if (!FirstSeen(name_)) continue;
    help.assign("/proc/vmstat information field ").append(std::string_view(name_).substr(12));
    help += '.';
    w.Family(name_, help, "untyped");
    w.SampleInt(name_, {}, value);
  }
  return OkStatus();
}

Status Collectors::CollectPressure(TextWriter& w) {
  struct Resource {
    std::string_view file;
    std::string_view waiting_name, waiting_help, stalled_name, stalled_help;
  };
  static constexpr Resource kResources[] = {
      {"pressure/cpu",
       "node_pressure_cpu_waiting_seconds_total",
       "Total time in seconds that processes have waited for CPU time",
       {},
       {}},
      {"pressure/io", "node_pressure_io_waiting_seconds_total",
       "Total time in seconds that processes have waited due to IO congestion",
       "node_pressure_io_stalled_seconds_total",
       "Total time in seconds no process could make progress due to IO congestion"},
      {"pressure/memory", "node_pressure_memory_waiting_seconds_total",
       "Total time in seconds that processes have waited for memory",
       "node_pressure_memory_stalled_seconds_total",
       "Total time in seconds no process could make progress due to memory congestion"},
  };
  // Read everything first so that a missing file leaves no half output.
  double totals[3][2] = {};
  for (int r = 0; r < 3; ++r) {
    OSPREY_ASSIGN_OR_RETURN(std::string_view body, ReadProc(kResources[r].file));
    std::string_view rest = body, line;
    while (NextLine(rest, line)) {
      std::string_view tail = line;
      std::string_view kind = NextField(tail);
      int k = kind == "some" ? 0 : kind == "full" ? 1 : -1;
      if (k < 0) continue;
      size_t pos = line.find("total=");
      uint64_t micros;
      if (pos == std::string_view::npos || !ParseUint(Trim(line.substr(pos + 6)), micros)) {
        return Malformed(ProcPath(kResources[r].file), line);
      }
      totals[r][k] = static_cast<double>(micros) / 1e6;
    }
  }
  for (int r = 0; r < 3; ++r) {
    w.Family(kResources[r].waiting_name, kResources[r].waiting_help, "counter");
    w.Sample(kResources[r].waiting_name, totals[r][0]);
    if (kResources[r].stalled_name.empty()) continue;
    w.Family(kResources[r].stalled_name, kResources[r].stalled_help, "counter");
    w.Sample(kResources[r].stalled_name, totals[r][1]);
  }
  return OkStatus();
}

Status Collectors::CollectFilefd(TextWriter& w) {
  OSPREY_ASSIGN_OR_RETURN(std::string_view body, ReadProc("sys/fs/file-nr"));
  std::string_view rest = body;
  uint64_t allocated, unused, maximum;
  if (!ParseUint(NextField(rest), allocated) || !ParseUint(NextField(rest), unused) ||
      !ParseUint(Trim(NextField(rest)), maximum)) {
    return Malformed(ProcPath("sys/fs/file-nr"), body);
  }
  w.Family("node_filefd_allocated", "File descriptor statistics: allocated.", "gauge");
  w.SampleInt("node_filefd_allocated", {}, allocated);
  w.Family("node_filefd_maximum", "File descriptor statistics: maximum.", "gauge");
  w.SampleInt("node_filefd_maximum", {}, maximum);
  return OkStatus();
}

Status Collectors::CollectEntropy(TextWriter& w) {
  uint64_t avail, pool;
  {
    OSPREY_ASSIGN_OR_RETURN(std::string_view body, ReadProc("sys/kernel/random/entropy_avail"));
    if (!ParseUint(Trim(body), avail)) return Malformed(path_, body);
  }
  {
    OSPREY_ASSIGN_OR_RETURN(std::string_view body, ReadProc("sys/kernel/random/poolsize"));
    if (!ParseUint(Trim(body), pool)) return Malformed(path_, body);
  }
  w.Family("node_entropy_available_bits", "Bits of available entropy.", "gauge");
  w.SampleInt("node_entropy_available_bits", {}, avail);
  w.Family("node_entropy_pool_size_bits", "Bits of entropy pool.", "gauge");
  w.SampleInt("node_entropy_pool_size_bits", {}, pool);
  return OkStatus();
}

Status Collectors::CollectUname(TextWriter& w) {
  struct utsname u;
  if (::uname(&u) != 0) return ErrnoError("uname", errno);
  w.Family("node_uname_info", "Labeled system information as provided by the uname system call.",
           "gauge");
  w.Sample("node_uname_info",
           {{"domainname", u.domainname},
            {"machine", u.machine},
            {"nodename", u.nodename},
            {"release", u.release},
            {"sysname", u.sysname},
            {"version", u.version}},
           1);
  return OkStatus();
}

Status Collectors::CollectTime(TextWriter& w) {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  w.Family("node_time_seconds", "System time in seconds since epoch (1970).", "gauge");
  w.Sample("node_time_seconds", std::chrono::duration<double>(now).count());
  time_t t = std::chrono::duration_cast<std::chrono::seconds>(now).count();
  struct tm local;
  if (::localtime_r(&t, &local) != nullptr && local.tm_zone != nullptr) {
    w.Family("node_time_zone_offset_seconds", "System time zone offset in seconds.", "gauge");
    w.Sample("node_time_zone_offset_seconds", {{"time_zone", local.tm_zone}},
             static_cast<double>(local.tm_gmtoff));
  }
  return OkStatus();
}

}  // namespace osprey::agent::internal
