// netclass: <sysfs>/class/net/<device>/* attributes as node_network_* gauges, with
// node_exporter 1.5's names, HELP texts and semantics: integers parsed like Go's
// strconv.ParseInt(s, 0, 64) (flags is "0x1003"), an attribute that is absent, unreadable or
// not an integer is skipped for that device, speed_bytes = Mbit/s * 125000 (-125000 for the
// kernel's "unknown" -1), every device including lo.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>

#include "agent/internal/collectors.h"

namespace osprey::agent::internal {

bool ReadSysValue(const std::string& path, std::string& value, int& err) {
  return ReadSysValueAt(AT_FDCWD, path.c_str(), value, err);
}

bool ReadSysValueAt(int dir_fd, const char* name, std::string& value, int& err, size_t max_bytes,
                    bool* open_failed) {
  int fd = ::openat(dir_fd, name, O_RDONLY | O_CLOEXEC);
  if (open_failed != nullptr) *open_failed = fd < 0;
  if (fd < 0) {
    err = errno;
    return false;
  }
  char buf[4096];
  ssize_t n;
  do {
    n = ::read(fd, buf, std::min(sizeof(buf), max_bytes));
  } while (n < 0 && errno == EINTR);
  err = errno;
  ::close(fd);
  if (n < 0) return false;
  std::string_view v(buf, static_cast<size_t>(n));
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t' || v.front() == '\n' ||
                        v.front() == '\r' || v.front() == '\v' || v.front() == '\f')) {
    v.remove_prefix(1);
  }
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\n' ||
                        v.back() == '\r' || v.back() == '\v' || v.back() == '\f')) {
    v.remove_suffix(1);
  }
  value.assign(v);
  return true;
}

bool IsAbsentAttribute(int err) {
  return err == ENOENT || err == EACCES || err == EPERM || err == EINVAL || err == EOPNOTSUPP;
}

bool ParseGoInt(std::string_view s, int64_t& value) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() >= 2 && s[0] == '0') {
    char p = static_cast<char>(s[1] | 0x20);
    if (p == 'x' || p == 'o' || p == 'b') {
      base = p == 'x' ? 16 : p == 'o' ? 8 : 2;
      s.remove_prefix(2);
    } else {
      base = 8;
      s.remove_prefix(1);
    }
  }
  if (s.empty() || s[0] == '+' || s[0] == '-') return false;
  uint64_t magnitude;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), magnitude, base);
  if (ec != std::errc() || end != s.data() + s.size()) return false;
  constexpr uint64_t kMax = static_cast<uint64_t>(INT64_MAX);
  if (negative) {
    if (magnitude > kMax + 1) return false;
    value = magnitude == kMax + 1 ? INT64_MIN : -static_cast<int64_t>(magnitude);
  } else {
    if (magnitude > kMax) return false;
    value = static_cast<int64_t>(magnitude);
  }
  return true;
}

bool ListDir(const std::string& dir_path, bool skip_regular, std::vector<std::string>& names,
             int& err) {
  names.clear();
  DIR* dir = ::opendir(dir_path.c_str());
  if (dir == nullptr) {
    err = errno;
    return false;
  }
  while (dirent* e = ::readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    if (skip_regular) {
      bool regular = e->d_type == DT_REG;
      if (e->d_type == DT_UNKNOWN) {
        struct stat st;
        std::string full = std::string(dir_path).append("/").append(e->d_name);
        regular = ::lstat(full.c_str(), &st) == 0 && S_ISREG(st.st_mode);
      }
      if (regular) continue;
    }
    names.emplace_back(e->d_name);
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return true;
}

namespace {

struct IntAttribute {
  std::string_view file;
  std::string_view metric;  // after node_network_
  bool counter;
};

// node_exporter 1.5's netclass families, in its order.
constexpr IntAttribute kIntAttributes[] = {
    {"addr_assign_type", "address_assign_type", false},
    {"carrier", "carrier", false},
    {"carrier_changes", "carrier_changes_total", true},
    {"carrier_up_count", "carrier_up_changes_total", true},
    {"carrier_down_count", "carrier_down_changes_total", true},
    {"dev_id", "device_id", false},
    {"dormant", "dormant", false},
    {"flags", "flags", false},
    {"ifindex", "iface_id", false},
    {"iflink", "iface_link", false},
    {"link_mode", "iface_link_mode", false},
    {"mtu", "mtu_bytes", false},
    {"name_assign_type", "name_assign_type", false},
    {"netdev_group", "net_dev_group", false},
    {"speed", "speed_bytes", false},
    {"tx_queue_len", "transmit_queue_length", false},
    {"type", "protocol_type", false},
};
constexpr size_t kNumInt = sizeof(kIntAttributes) / sizeof(kIntAttributes[0]);
constexpr std::string_view kStrAttributes[] = {"address", "broadcast", "duplex", "operstate",
                                               "ifalias"};
constexpr size_t kNumStr = 5;

struct Iface {
  std::string name;
  std::string strings[kNumStr];
  int64_t ints[kNumInt] = {};
  bool has[kNumInt] = {};
};

}  // namespace

Status Collectors::CollectNetclass(TextWriter& w) {
  const std::string dir_path = SysPath("class/net");
  int err = 0;
  if (!ListDir(dir_path, /*skip_regular=*/true, dir_entries_, err)) {
    return ErrnoError(std::string("opendir ").append(dir_path), err);
  }
  std::vector<Iface> ifaces;
  ifaces.reserve(dir_entries_.size());
  std::string path, value;
  ResetSeen();
  for (const std::string& device : dir_entries_) {
    if (!FirstSeen(device)) continue;
    Iface iface;
    iface.name = device;
    const std::string base = std::string(dir_path).append("/").append(device);
    // Attributes are opened relative to the device directory: a third cheaper than full paths.
    int dir_fd = ::open(base.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0) {
      if (errno == ENOENT || errno == ENOTDIR) continue;  // removed meanwhile, or a stray file
      return ErrnoError(std::string("open ").append(base), errno);
    }
    Status status;
    for (size_t i = 0; i < kNumStr && status.ok(); ++i) {
      if (ReadSysValueAt(dir_fd, kStrAttributes[i].data(), iface.strings[i], err)) continue;
      iface.strings[i].clear();
      if (!IsAbsentAttribute(err)) {
        status = ErrnoError(path.assign(base).append("/").append(kStrAttributes[i]), err);
      }
    }
    for (size_t i = 0; i < kNumInt && status.ok(); ++i) {
      if (!ReadSysValueAt(dir_fd, kIntAttributes[i].file.data(), value, err)) {
        if (!IsAbsentAttribute(err)) {
          status = ErrnoError(path.assign(base).append("/").append(kIntAttributes[i].file), err);
        }
        continue;
      }
      iface.has[i] = ParseGoInt(value, iface.ints[i]);
    }
    ::close(dir_fd);
    if (!status.ok()) return status;
    ifaces.push_back(std::move(iface));
  }
  if (ifaces.empty()) return OkStatus();
  w.Family("node_network_up", "Value is 1 if operstate is 'up', 0 otherwise.", "gauge");
  for (const Iface& i : ifaces) {
    w.Sample("node_network_up", {{"device", i.name}}, i.strings[3] == "up" ? 1 : 0);
  }
  w.Family("node_network_info", "Non-numeric data from /sys/class/net/<iface>, value is always 1.",
           "gauge");
  for (const Iface& i : ifaces) {
    w.Sample("node_network_info",
             {{"address", i.strings[0]},
              {"broadcast", i.strings[1]},
              {"device", i.name},
              {"duplex", i.strings[2]},
              {"ifalias", i.strings[4]},
              {"operstate", i.strings[3]}},
             1);
  }
  std::string help;
  for (size_t a = 0; a < kNumInt; ++a) {
    bool any = false;
    for (const Iface& i : ifaces) any |= i.has[a];
    if (!any) continue;
    name_.assign("node_network_").append(kIntAttributes[a].metric);
    help.assign("Network device property: ").append(kIntAttributes[a].metric);
    w.Family(name_, help, kIntAttributes[a].counter ? "counter" : "gauge");
    for (const Iface& i : ifaces) {
      if (!i.has[a]) continue;
      int64_t v = i.ints[a];
      // Go: int64(speed * 1000 * 1000 / 8), wrapping like Go on absurd values.
      if (kIntAttributes[a].file == "speed") {
        v = static_cast<int64_t>(static_cast<uint64_t>(v) * 1000000u) / 8;
      }
      w.Sample(name_, {{"device", i.name}}, static_cast<double>(v));
    }
  }
  return OkStatus();
}

}  // namespace osprey::agent::internal
