// The individual host collectors behind HostCollector. Each Collect* appends whole metric
// families to the writer and returns a non-OK status when its source cannot be read or parsed
// (the caller then discards what it appended). Implementations are split by concern:
// system_collectors.cc (cpu, stat, loadavg, meminfo, vmstat, pressure, filefd, entropy, uname,
// time), disk_collectors.cc (filesystem, diskstats), net_collectors.cc (netdev, netstat),
// hwmon_collector.cc, process_collector.cc, net_class_collector.cc (netclass),
// sockstat_collector.cc (sockstat, softnet), timex_collector.cc, misc_collectors.cc (arp,
// conntrack, cpufreq, schedstat), textfile_collector.cc, socket_queue_collectors.cc
// (udp_queues, tcpstat), interrupts_collector.cc, processes_collector.cc,
// thermal_collectors.cc (thermal_zone), power_supply_collector.cc (powersupplyclass).
#pragma once

#include <sys/timex.h>
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "agent/host_collector.h"
#include "agent/internal/proc_text.h"
#include "agent/internal/text_writer.h"
#include "base/status.h"

namespace osprey::agent::internal {

// Lets unordered maps keyed by std::string be searched with a string_view.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// A regex compiled once, with its verdicts cached per subject (mount points and device names
// repeat every collection; std::regex matching is slow).
class CachedRegex {
 public:
  explicit CachedRegex(const std::string& pattern);
  // The compile error, or OK.
  const Status& status() const { return status_; }
  bool Matches(std::string_view subject);

 private:
  Status status_;
  std::regex regex_;
  std::unordered_map<std::string, bool, StringHash, std::equal_to<>> cache_;
};

// tcpstat's counts: sockets per kernel TCP state (index 0: out of range) and queue sums.
struct TcpStats {
  uint64_t states[12] = {};
  uint64_t rx_queued = 0, tx_queued = 0;
  uint64_t sockets = 0;
};

// Single-threaded; owned by one HostCollector.
class Collectors {
 public:
  explicit Collectors(HostCollectorOptions options);
  ~Collectors();
  Collectors(const Collectors&) = delete;
  Collectors& operator=(const Collectors&) = delete;

  using Method = Status (Collectors::*)(TextWriter&);
  // The collector called `name`, or null.
  static Method Find(std::string_view name);

  Status CollectCpu(TextWriter& w);
  Status CollectStat(TextWriter& w);
  Status CollectLoadavg(TextWriter& w);
  Status CollectMeminfo(TextWriter& w);
  Status CollectVmstat(TextWriter& w);
  Status CollectPressure(TextWriter& w);
  Status CollectFilefd(TextWriter& w);
  Status CollectEntropy(TextWriter& w);
  Status CollectUname(TextWriter& w);
  Status CollectTime(TextWriter& w);
  Status CollectFilesystem(TextWriter& w);
  Status CollectDiskstats(TextWriter& w);
  Status CollectNetdev(TextWriter& w);
  Status CollectNetstat(TextWriter& w);
  Status CollectHwmon(TextWriter& w);
  Status CollectNamedProcess(TextWriter& w);
  Status CollectNetclass(TextWriter& w);
  Status CollectSockstat(TextWriter& w);
  Status CollectSoftnet(TextWriter& w);
  Status CollectTimex(TextWriter& w);
  Status CollectArp(TextWriter& w);
  Status CollectConntrack(TextWriter& w);
  Status CollectCpufreq(TextWriter& w);
  Status CollectSchedstat(TextWriter& w);
  Status CollectTextfile(TextWriter& w);
  Status CollectUdpQueues(TextWriter& w);
  Status CollectTcpstat(TextWriter& w);
  Status CollectInterrupts(TextWriter& w);
  Status CollectProcesses(TextWriter& w);
  Status CollectThermalZone(TextWriter& w);
  Status CollectPowerSupplyClass(TextWriter& w);

  // Where this collection's output starts in the writer's string (the textfile collector
  // reads the family names written before it).
  void BeginCollection(size_t start) { collection_start_ = start; }

 private:
  // procfs + "/" + rel (resp. sysfs), in a reused string.
  const std::string& ProcPath(std::string_view rel);
  const std::string& SysPath(std::string_view rel);
  Result<std::string_view> ReadProc(std::string_view rel) { return reader_.Read(ProcPath(rel)); }

  struct DiskRow {
    std::string device;
    std::string major, minor;
    uint64_t fields[17] = {};
    int count = 0;
  };
  struct NetRow {
    std::string device;
    uint64_t fields[16] = {};
  };
  struct Mount {
    std::string device, mountpoint, fstype;
    bool readonly = false;
    bool error = false;
    uint64_t size = 0, free = 0, avail = 0, files = 0, files_free = 0;
  };
  struct ProcGroup {
    uint64_t user_ticks = 0;    // monotonic: sums deltas of member processes
    uint64_t system_ticks = 0;  // ditto
    uint64_t cpu_delta = 0;     // ticks added in the last collection (for ranking)
    uint64_t num_procs = 0, resident = 0, virt = 0;
    bool seen = false;
  };
  struct ProcSeen {
    uint64_t start_time = 0, utime = 0, stime = 0;
    uint64_t generation = 0;
  };

  Status ReadNetstatFile(std::string_view rel, bool snmp6);
  // One sock_diag dump of the TCP sockets of `family` (AF_INET, AF_INET6) on netlink_fd_.
  Status DumpTcpSockets(int family, TcpStats& stats);
  // Parses one sockstat file into sockstat_ (name, value); false on a malformed line.
  Status ReadSockstatFile(std::string_view rel, bool ipv6);
  // True the first time `key` is seen since the last ResetSeen(): keeps a malformed file that
  // repeats a key or a device from producing duplicate families or series.
  bool FirstSeen(std::string_view key);
  void ResetSeen() { seen_.clear(); }

  const HostCollectorOptions options_;
  const double clock_ticks_;
  const uint64_t page_size_;
  FileReader reader_;
  std::string path_;
  std::string name_;  // scratch for metric names
  CachedRegex mount_exclude_, fstype_exclude_, netdev_exclude_, disk_exclude_, netstat_fields_;
  CachedRegex power_supply_ignored_;
  std::vector<DiskRow> disks_;
  std::vector<NetRow> nets_;
  std::vector<Mount> mounts_;
  std::vector<std::pair<std::string, double>> netstat_;
  std::vector<std::pair<std::string, double>> sockstat_;
  std::vector<std::string> dir_entries_;
  std::unordered_map<std::string, ProcGroup, StringHash, std::equal_to<>> groups_;
  std::unordered_map<pid_t, ProcSeen> procs_;
  uint64_t generation_ = 0;
  size_t collection_start_ = 0;
  std::string netlink_buf_;  // tcpstat's receive buffer
  int netlink_fd_ = -1;      // tcpstat's NETLINK_SOCK_DIAG socket, kept between collections
  std::unordered_set<std::string, StringHash, std::equal_to<>> seen_;
  std::string utf8_;  // scratch for FirstSeen
};

// One sysfs attribute read like node_exporter's procfs library does: a single read of at most
// 4 KiB, surrounding whitespace trimmed. False with `err` set (errno) on failure.
bool ReadSysValue(const std::string& path, std::string& value, int& err);
// The same for `name` relative to the directory `dir_fd` (AT_FDCWD: the working directory),
// reading at most `max_bytes` (at most 4 KiB); `open_failed`, when given, tells open errors
// from read errors.
bool ReadSysValueAt(int dir_fd, const char* name, std::string& value, int& err,
                    size_t max_bytes = 4096, bool* open_failed = nullptr);
// True for the errno values node_exporter treats as "attribute absent" (ENOENT, EACCES,
// EPERM, EINVAL, EOPNOTSUPP; e.g. `speed` of a down link): the attribute is skipped.
bool IsAbsentAttribute(int err);
// procfs's SysReadFile: one read of at most 128 bytes, whitespace trimmed. False with `err`
// set on failure; `open_failed` tells open errors from read errors.
bool ReadSysFile(const std::string& path, std::string& value, int& err, bool& open_failed);
// Go's strconv.ParseInt(s, 10, 64): optional sign, decimal digits.
bool ParseGoInt10(std::string_view s, int64_t& value);
// Go's strconv.ParseInt(s, 0, 64): optional sign, then 0x/0o/0b/leading-0 prefixes.
bool ParseGoInt(std::string_view s, int64_t& value);
// Sorted names in `dir` (no "." entries); `skip_regular` drops regular files. False with
// `err` set when the directory cannot be opened.
bool ListDir(const std::string& dir, bool skip_regular, std::vector<std::string>& names, int& err);
// Writes the node_timex_* families for one adjtimex(2) result (`state` is its return value).
void WriteTimex(TextWriter& w, const struct timex& tx, int state);

// Adds the inet_diag_msg records of one recv() of a NETLINK_SOCK_DIAG dump to `stats`. True
// once NLMSG_DONE was seen; an NLMSG_ERROR or a truncated message is an error.
Result<bool> ParseInetDiagDump(std::string_view data, TcpStats& stats);
// node_tcp_connection_states{state}: the states seen, then rx_queued_bytes and
// tx_queued_bytes; nothing when no socket was seen.
void WriteTcpStats(TextWriter& w, const TcpStats& stats);

// Appends `part` to a metric name with each character outside [a-zA-Z0-9_:] replaced by '_'.
void AppendMetricNamePart(std::string& out, std::string_view part);

}  // namespace osprey::agent::internal
