// processes (<procfs>/<pid>/stat, <procfs>/<pid>/task/<tid>/stat,
// <procfs>/sys/kernel/{threads-max,pid_max}), as node_exporter 1.5's (disabled by default
// there): node_processes_{pids,threads,max_processes,max_threads},
// node_processes_state{state} and node_processes_threads_state{thread_state}.
//
// A process or thread that exits while we read it (ENOENT, ESRCH) is skipped; a stat file
// that does not parse fails the collector, naming the file.
#include <dirent.h>

#include <cerrno>
#include <map>

#include "agent/internal/collectors.h"

namespace osprey::agent::internal {
namespace {

// The state letter and num_threads of a stat file: "pid (comm) S ppid ... num_threads ...".
bool ParseStat(std::string_view stat, std::string_view& state, uint64_t& threads) {
  size_t close = stat.rfind(')');
  if (close == std::string_view::npos) return false;
  std::string_view tail = stat.substr(close + 1);
  state = NextField(tail);
  if (state.empty()) return false;
  // num_threads is field 20 of proc(5); state is field 3.
  std::string_view field;
  for (int i = 4; i <= 20; ++i) field = NextField(tail);
  return ParseUint(field, threads);
}

bool Vanished(const Status& s) {
  return s.code() == StatusCode::kNotFound ||
         s.message().find("No such process") != std::string::npos;
}

}  // namespace

Status Collectors::CollectProcesses(TextWriter& w) {
  uint64_t limits[2];
  static constexpr std::string_view kLimitFiles[2] = {"sys/kernel/threads-max",
                                                      "sys/kernel/pid_max"};
  for (int i = 0; i < 2; ++i) {
    OSPREY_ASSIGN_OR_RETURN(std::string_view body, ReadProc(kLimitFiles[i]));
    if (!ParseUint(Trim(body), limits[i])) {
      return DataLossError(std::string("not an integer in ").append(ProcPath(kLimitFiles[i])));
    }
  }
  const std::string root = options_.procfs;
  DIR* dir = ::opendir(root.c_str());
  if (dir == nullptr) return ErrnoError(std::string("opendir ").append(root), errno);
  struct Closer {
    DIR* d;
    ~Closer() { ::closedir(d); }
  } closer{dir};
  std::map<std::string, uint64_t, std::less<>> states, thread_states;
  uint64_t pids = 0, threads = 0;
  std::string rel, state_copy;
  std::vector<std::string> tids;
  while (dirent* e = ::readdir(dir)) {
    std::string_view pid(e->d_name);
    uint64_t ignored;
    if (!ParseUint(pid, ignored)) continue;
    rel.assign(pid).append("/stat");
    Result<std::string_view> body = ReadProc(rel);
    if (!body.ok()) {
      if (Vanished(body.status())) continue;
      return body.status();
    }
    std::string_view state;
    uint64_t num_threads = 0;
    if (!ParseStat(*body, state, num_threads) || state.size() > 8) {
      return DataLossError(std::string("malformed ").append(ProcPath(rel)));
    }
    state_copy.clear();
    AppendValidUtf8(state_copy, state);
    ++pids;
    ++states[state_copy];
    threads += num_threads;
    // Thread states: the main thread has the process's state; the others their own.
    rel.assign(pid).append("/task");
    int err = 0;
    if (!ListDir(ProcPath(rel), /*skip_regular=*/true, tids, err)) continue;  // exited
    for (const std::string& tid : tids) {
      if (tid == pid) {
        ++thread_states[state_copy];
        continue;
      }
      if (!ParseUint(tid, ignored)) continue;
      rel.assign(pid).append("/task/").append(tid).append("/stat");
      Result<std::string_view> task = ReadProc(rel);
      if (!task.ok()) {
        if (Vanished(task.status())) continue;
        return task.status();
      }
      std::string_view task_state;
      uint64_t unused = 0;
      if (!ParseStat(*task, task_state, unused) || task_state.size() > 8) {
        return DataLossError(std::string("malformed ").append(ProcPath(rel)));
      }
      utf8_.clear();
      AppendValidUtf8(utf8_, task_state);
      ++thread_states[utf8_];
    }
  }
  w.Family("node_processes_threads", "Allocated threads in system", "gauge");
  w.SampleInt("node_processes_threads", {}, threads);
  w.Family("node_processes_max_threads", "Limit of threads in the system", "gauge");
  w.SampleInt("node_processes_max_threads", {}, limits[0]);
  if (!states.empty()) {
    w.Family("node_processes_state", "Number of processes in each state.", "gauge");
    for (const auto& [s, n] : states) w.SampleInt("node_processes_state", {{"state", s}}, n);
  }
  if (!thread_states.empty()) {
    w.Family("node_processes_threads_state", "Number of threads in each state.", "gauge");
    for (const auto& [s, n] : thread_states) {
      w.SampleInt("node_processes_threads_state", {{"thread_state", s}}, n);
    }
  }
  w.Family("node_processes_pids", "Number of PIDs", "gauge");
  w.SampleInt("node_processes_pids", {}, pids);
  w.Family("node_processes_max_processes", "Number of max PIDs limit", "gauge");
  w.SampleInt("node_processes_max_processes", {}, limits[1]);
  return OkStatus();
}

}  // namespace osprey::agent::internal
