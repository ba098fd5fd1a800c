// The per-process collector ("namedprocess"): process-exporter's metric names, processes
// grouped by name (comm, from <procfs>/<pid>/stat), only the top process_top_n groups by CPU
// used since the previous collection and the top process_top_n by resident memory, so the
// series count stays at most 5 * 2 * process_top_n whatever runs on the host.
//
// Group CPU counters are sums of per-process deltas, so they stay monotonic while members come
// and go; a process first seen contributes all its CPU time. A group with no process left is
// forgotten (its counters restart from 0 if the name comes back, which rate() treats as a
// reset).
#include <dirent.h>

#include <algorithm>

#include "agent/internal/collectors.h"

namespace osprey::agent::internal {

Status Collectors::CollectNamedProcess(TextWriter& w) {
  const std::string root = options_.procfs;
  DIR* dir = ::opendir(root.c_str());
  if (dir == nullptr) return ErrnoError(std::string("opendir ").append(root), errno);
  ++generation_;
  for (auto& [name, g] : groups_) {
    g.num_procs = g.resident = g.virt = 0;
    g.cpu_delta = 0;
    g.seen = false;
  }
  std::string rel, comm;
  while (dirent* e = ::readdir(dir)) {
    uint64_t pid64;
    std::string_view entry(e->d_name);
    if (!ParseUint(entry, pid64)) continue;
    rel.assign(entry).append("/stat");
    Result<std::string_view> body = ReadProc(rel);
    if (!body.ok()) continue;  // the process exited meanwhile
    std::string_view stat = *body;
    size_t open = stat.find('('), close = stat.rfind(')');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
      continue;
    }
    comm.clear();
    AppendValidUtf8(comm, stat.substr(open + 1, close - open - 1));
    std::string_view tail = stat.substr(close + 1);
    // Fields after the comm, 0-based from `state` (field 3 of proc(5)).
    uint64_t f[22] = {};
    bool ok = true;
    for (int i = 0; i < 22 && ok; ++i) {
      std::string_view field = NextField(tail);
      if (i == 11 || i == 12 || i >= 19) ok = ParseUint(field, f[i]);
    }
    if (!ok) continue;
    const uint64_t utime = f[11], stime = f[12], start = f[19], vsize = f[20], rss = f[21];
    auto group_it = groups_.find(comm);
    if (group_it == groups_.end()) group_it = groups_.emplace(std::string(comm), ProcGroup{}).first;
    ProcGroup& g = group_it->second;
    ProcSeen& seen = procs_[static_cast<pid_t>(pid64)];
    uint64_t du = utime, ds = stime;
    if (seen.generation != 0 && seen.start_time == start && utime >= seen.utime &&
        stime >= seen.stime) {
      du = utime - seen.utime;
      ds = stime - seen.stime;
    }
    seen = ProcSeen{.start_time = start, .utime = utime, .stime = stime, .generation = generation_};
    g.user_ticks += du;
    g.system_ticks += ds;
    g.cpu_delta += du + ds;
    g.num_procs++;
    g.resident += rss * page_size_;
    g.virt += vsize;
    g.seen = true;
  }
  ::closedir(dir);
  std::erase_if(procs_, [this](const auto& p) { return p.second.generation != generation_; });
  std::erase_if(groups_, [](const auto& g) { return !g.second.seen; });

  std::vector<std::pair<const std::string*, ProcGroup*>> ranked;
  ranked.reserve(groups_.size());
  for (auto& [name, g] : groups_) ranked.emplace_back(&name, &g);
  const size_t n =
      std::min(ranked.size(), static_cast<size_t>(std::max(1, options_.process_top_n)));
  std::vector<std::pair<const std::string*, ProcGroup*>> kept;
  std::partial_sort(ranked.begin(), ranked.begin() + n, ranked.end(), [](auto& a, auto& b) {
    return a.second->cpu_delta != b.second->cpu_delta ? a.second->cpu_delta > b.second->cpu_delta
                                                      : *a.first < *b.first;
  });
  kept.assign(ranked.begin(), ranked.begin() + n);
  std::partial_sort(ranked.begin(), ranked.begin() + n, ranked.end(), [](auto& a, auto& b) {
    return a.second->resident != b.second->resident ? a.second->resident > b.second->resident
                                                    : *a.first < *b.first;
  });
  kept.insert(kept.end(), ranked.begin(), ranked.begin() + n);
  std::sort(kept.begin(), kept.end(), [](auto& a, auto& b) { return *a.first < *b.first; });
  kept.erase(std::unique(kept.begin(), kept.end()), kept.end());

  w.Family("namedprocess_namegroup_num_procs", "number of processes in this group", "gauge");
  for (const auto& [name, g] : kept) {
    w.SampleInt("namedprocess_namegroup_num_procs", {{"groupname", *name}}, g->num_procs);
  }
  w.Family("namedprocess_namegroup_cpu_seconds_total", "Cpu user usage in seconds", "counter");
  for (const auto& [name, g] : kept) {
    w.Sample("namedprocess_namegroup_cpu_seconds_total", {{"groupname", *name}, {"mode", "system"}},
             static_cast<double>(g->system_ticks) / clock_ticks_);
    w.Sample("namedprocess_namegroup_cpu_seconds_total", {{"groupname", *name}, {"mode", "user"}},
             static_cast<double>(g->user_ticks) / clock_ticks_);
  }
  w.Family("namedprocess_namegroup_memory_bytes", "number of bytes of memory in use", "gauge");
  for (const auto& [name, g] : kept) {
    w.SampleInt("namedprocess_namegroup_memory_bytes",
                {{"groupname", *name}, {"memtype", "resident"}}, g->resident);
    w.SampleInt("namedprocess_namegroup_memory_bytes",
                {{"groupname", *name}, {"memtype", "virtual"}}, g->virt);
  }
  return OkStatus();
}

}  // namespace osprey::agent::internal
