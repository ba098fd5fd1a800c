// filesystem (statfs on each mount of <procfs>/1/mounts, else <procfs>/mounts) and diskstats
// (<procfs>/diskstats). Names, labels, units and HELP texts are node_exporter 1.5's.
// Network filesystems are asked with a 5 s deadline (internal/bounded_statfs.h): a hung NFS
// mount reports node_filesystem_device_error 1 instead of blocking the collection.
#include <sys/statfs.h>

#include <algorithm>
#include <cerrno>

#include "agent/internal/bounded_statfs.h"
#include "agent/internal/collectors.h"

namespace osprey::agent::internal {
namespace {

// /proc/mounts escapes space, tab, newline and backslash as \ooo.
void AppendUnescaped(std::string& out, std::string_view s) {
  out.clear();
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
        s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
}

bool HasOption(std::string_view options, std::string_view want) {
  while (!options.empty()) {
    size_t comma = options.find(',');
    std::string_view opt = options.substr(0, comma);
    if (opt == want) return true;
    if (comma == std::string_view::npos) break;
    options.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

Status Collectors::CollectFilesystem(TextWriter& w) {
  OSPREY_RETURN_IF_ERROR(mount_exclude_.status());
  OSPREY_RETURN_IF_ERROR(fstype_exclude_.status());
  Result<std::string_view> read = ReadProc("1/mounts");
  if (!read.ok()) read = ReadProc("mounts");
  if (!read.ok()) return read.status();
  std::string_view rest = *read, line;
  size_t count = 0;
  std::string stat_path, stripped, raw;
  const bool strip_root = options_.rootfs != "/" && !options_.rootfs.empty();
  while (NextLine(rest, line)) {
    std::string_view tail = line;
    std::string_view device = NextField(tail), mountpoint = NextField(tail),
                     fstype = NextField(tail), opts = NextField(tail);
    if (device.empty()) continue;
    if (opts.empty()) return DataLossError(std::string("malformed line in ").append(path_));
    if (count == mounts_.size()) mounts_.emplace_back();
    Mount& m = mounts_[count];
    AppendUnescaped(raw, mountpoint);
    m.mountpoint.clear();
    AppendValidUtf8(m.mountpoint, raw);
    // Where the host's root is mounted (e.g. /host in a container), labels drop that prefix.
    if (strip_root && m.mountpoint.starts_with(options_.rootfs)) {
      std::string_view inside = std::string_view(m.mountpoint).substr(options_.rootfs.size());
      stripped.clear();
      if (inside.empty() || inside[0] != '/') stripped.push_back('/');
      stripped.append(inside);
      m.mountpoint.swap(stripped);
    }
    if (mount_exclude_.Matches(m.mountpoint) || fstype_exclude_.Matches(fstype)) continue;
    AppendUnescaped(raw, device);
    m.device.clear();
    AppendValidUtf8(m.device, raw);
    m.fstype.clear();
    AppendValidUtf8(m.fstype, fstype);
    // The same mount listed twice (bind mounts, stacked mounts) is reported once.
    bool duplicate = false;
    for (size_t i = 0; i < count && !duplicate; ++i) {
      duplicate = mounts_[i].mountpoint == m.mountpoint && mounts_[i].device == m.device &&
                  mounts_[i].fstype == m.fstype;
    }
    if (duplicate) continue;
    m.readonly = HasOption(opts, "ro");
    if (options_.rootfs.empty() || options_.rootfs == "/") {
      stat_path.assign(m.mountpoint);
    } else {
      stat_path.assign(options_.rootfs).append(m.mountpoint);
    }
    struct statfs st;
    static const BoundedStatfs kStatfs;
    m.error = !kStatfs.Stat(stat_path, IsNetworkFilesystem(fstype), &st);
    if (!m.error) {
      const uint64_t bsize = static_cast<uint64_t>(st.f_bsize);
      m.size = st.f_blocks * bsize;
      m.free = st.f_bfree * bsize;
      m.avail = st.f_bavail * bsize;
      m.files = st.f_files;
      m.files_free = st.f_ffree;
    }
    ++count;
  }
  struct Family {
    std::string_view name, help;
    uint64_t Mount::*field;
  };
  static constexpr Family kFamilies[] = {
      {"node_filesystem_avail_bytes", "Filesystem space available to non-root users in bytes.",
       &Mount::avail},
      {"node_filesystem_files", "Filesystem total file nodes.", &Mount::files},
      {"node_filesystem_files_free", "Filesystem total free file nodes.", &Mount::files_free},
      {"node_filesystem_free_bytes", "Filesystem free space in bytes.", &Mount::free},
      {"node_filesystem_size_bytes", "Filesystem size in bytes.", &Mount::size},
  };
  w.Family("node_filesystem_device_error",
           "Whether an error occurred while getting statistics for the given device.", "gauge");
  for (size_t i = 0; i < count; ++i) {
    const Mount& m = mounts_[i];
    w.SampleInt("node_filesystem_device_error",
                {{"device", m.device}, {"fstype", m.fstype}, {"mountpoint", m.mountpoint}},
                m.error ? 1 : 0);
  }
  w.Family("node_filesystem_readonly", "Filesystem read-only status.", "gauge");
  for (size_t i = 0; i < count; ++i) {
    const Mount& m = mounts_[i];
    w.SampleInt("node_filesystem_readonly",
                {{"device", m.device}, {"fstype", m.fstype}, {"mountpoint", m.mountpoint}},
                m.readonly ? 1 : 0);
  }
  for (const Family& f : kFamilies) {
    w.Family(f.name, f.help, "gauge");
    for (size_t i = 0; i < count; ++i) {
      const Mount& m = mounts_[i];
      if (m.error) continue;
      w.SampleInt(f.name,
                  {{"device", m.device}, {"fstype", m.fstype}, {"mountpoint", m.mountpoint}},
                  m.*f.field);
    }
  }
  return OkStatus();
}

Status Collectors::CollectDiskstats(TextWriter& w) {
  OSPREY_RETURN_IF_ERROR(disk_exclude_.status());
  OSPREY_ASSIGN_OR_RETURN(std::string_view body, ReadProc("diskstats"));
  std::string_view rest = body, line;
  size_t count = 0;
  ResetSeen();
  while (NextLine(rest, line)) {
    std::string_view tail = line;
    std::string_view major = NextField(tail), minor = NextField(tail), name = NextField(tail);
    if (major.empty()) continue;
    if (name.empty()) return DataLossError(std::string("malformed line in ").append(path_));
    if (disk_exclude_.Matches(name) || !FirstSeen(name)) continue;
    if (count == disks_.size()) disks_.emplace_back();
    DiskRow& d = disks_[count];
    d.device.assign(name);
    d.major.assign(major);
    d.minor.assign(minor);
    d.count = 0;
    for (std::string_view f = NextField(tail); !f.empty() && d.count < 17; f = NextField(tail)) {
      if (!ParseUint(f, d.fields[d.count++])) {
        return DataLossError(std::string("malformed line in ")
                                 .append(ProcPath("diskstats"))
                                 .append(": \"")
                                 .append(line)
                                 .append("\""));
      }
    }
    if (d.count < 11) {
      return DataLossError(std::string("short line in ")
                               .append(ProcPath("diskstats"))
                               .append(": \"")
                               .append(line)
                               .append("\""));
    }
    ++count;
  }
  // Field index in /proc/diskstats (after the name), scale, and the node_exporter family.
  struct Family {
    int index;
    double scale;
    std::string_view name, help, type;
  };
  static constexpr Family kFamilies[] = {
      {0, 1, "node_disk_reads_completed_total", "The total number of reads completed successfully.",
       "counter"},
      {1, 1, "node_disk_reads_merged_total", "The total number of reads merged.", "counter"},
      {2, 512, "node_disk_read_bytes_total", "The total number of bytes read successfully.",
       "counter"},
      {3, 0.001, "node_disk_read_time_seconds_total",
       "The total number of seconds spent by all reads.", "counter"},
      {4, 1, "node_disk_writes_completed_total",
       "The total number of writes completed successfully.", "counter"},
      {5, 1, "node_disk_writes_merged_total", "The number of writes merged.", "counter"},
      {6, 512, "node_disk_written_bytes_total", "The total number of bytes written successfully.",
       "counter"},
      {7, 0.001, "node_disk_write_time_seconds_total",
       "This is the total number of seconds spent by all writes.", "counter"},
      {8, 1, "node_disk_io_now", "The number of I/Os currently in progress.", "gauge"},
      {9, 0.001, "node_disk_io_time_seconds_total", "Total seconds spent doing I/Os.", "counter"},
      {10, 0.001, "node_disk_io_time_weighted_seconds_total",
       "The weighted # of seconds spent doing I/Os.", "counter"},
      {11, 1, "node_disk_discards_completed_total",
       "The total number of discards completed successfully.", "counter"},
      {12, 1, "node_disk_discards_merged_total", "The total number of discards merged.", "counter"},
      {13, 1, "node_disk_discarded_sectors_total",
       "The total number of sectors discarded successfully.", "counter"},
      {14, 0.001, "node_disk_discard_time_seconds_total",
       "This is the total number of seconds spent by all discards.", "counter"},
      {15, 1, "node_disk_flush_requests_total",
       "The total number of flush requests completed successfully", "counter"},
      {16, 0.001, "node_disk_flush_requests_time_seconds_total",
       "This is the total number of seconds spent by all flush requests.", "counter"},
  };
  w.Family("node_disk_info", "Info of /sys/block/<block_device>.", "gauge");
  for (size_t i = 0; i < count; ++i) {
    const DiskRow& d = disks_[i];
    w.Sample("node_disk_info", {{"device", d.device}, {"major", d.major}, {"minor", d.minor}}, 1);
  }
  for (const Family& f : kFamilies) {
    bool header = false;
    for (size_t i = 0; i < count; ++i) {
      const DiskRow& d = disks_[i];
      if (f.index >= d.count) continue;
      if (!header) w.Family(f.name, f.help, f.type);
      header = true;
      if (f.scale == 1) {
        w.SampleInt(f.name, {{"device", d.device}}, d.fields[f.index]);
      } else {
        w.Sample(f.name, {{"device", d.device}}, static_cast<double>(d.fields[f.index]) * f.scale);
      }
    }
  }
  return OkStatus();
}

}  // namespace osprey::agent::internal
