// Invariants: the leader is always reaped before RunProcess returns (no zombies, and its pid
// cannot be reused while we may still signal its group); the group is signalled only while
// the leader is unreaped or right after reaping it, when its pgid cannot have been reused.
#include "incidents/internal/command_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace osprey::incidents::internal {
namespace {

using Steady = std::chrono::steady_clock;

// Reads what is available without blocking. Returns false at end of file (or on an error,
// which ends reading the same way).
bool ReadAvailable(int fd, size_t max_output, ProcessOutcome& out) {
  char buf[16384];
  while (true) {
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n > 0) {
      const size_t keep = std::min(static_cast<size_t>(n), max_output - out.output.size());
      out.output.append(buf, keep);
      out.output_bytes += static_cast<uint64_t>(n);
      continue;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
}

std::vector<char*> CStrings(std::vector<std::string>& v) {
  std::vector<char*> out;
  out.reserve(v.size() + 1);
  for (std::string& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

ProcessOutcome RunProcess(const ProcessSpec& spec) {
  ProcessOutcome out;
  if (spec.path.empty() || spec.path[0] != '/') {
    out.start_error = InvalidArgumentError(
        std::string("command path \"").append(spec.path).append("\" is not absolute"));
    return out;
  }
  std::vector<std::string> argv_strings = {spec.path};
  argv_strings.insert(argv_strings.end(), spec.args.begin(), spec.args.end());
  std::vector<std::string> env_strings = spec.env;
  std::vector<char*> argv = CStrings(argv_strings);
  std::vector<char*> envp = CStrings(env_strings);

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    out.start_error = UnavailableError(std::string("cannot start ")
                                           .append(spec.path)
                                           .append(": pipe: ")
                                           .append(std::strerror(errno)));
    return out;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  // Sockets and files of the server that lack O_CLOEXEC must not leak into the command.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t mask;
  sigemptyset(&mask);
  posix_spawnattr_setsigmask(&attr, &mask);
  sigset_t defaults;
  sigfillset(&defaults);  // e.g. SIGPIPE, which servers ignore
  sigdelset(&defaults, SIGKILL);
  sigdelset(&defaults, SIGSTOP);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, spec.path.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    out.start_error = UnavailableError(
        std::string("cannot start ").append(spec.path).append(": ").append(std::strerror(rc)));
    return out;
  }
  fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
  // A pidfd turns "the leader exited" into a poll event; without one (old kernel or a
  // seccomp filter) we poll waitpid every 10 ms.
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));

  int pipe_fd = fds[0];
  int status = 0;
  bool reaped = false;
  bool status_known = false;
  bool terminating = false;
  Steady::time_point deadline = Steady::now() + spec.timeout;
  while (!reaped) {
    const Steady::time_point now = Steady::now();
    if (now >= deadline) {
      if (!terminating) {
        kill(-pid, SIGTERM);
        out.timed_out = true;
        terminating = true;
        deadline = now + spec.kill_grace;
        continue;
      }
      kill(-pid, SIGKILL);
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      reaped = status_known = true;
      break;
    }
    auto wait_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
    if (pidfd < 0) wait_ms = std::min<int64_t>(wait_ms, 10);
    pollfd pfds[2];
    nfds_t n = 0;
    if (pipe_fd >= 0) pfds[n++] = {pipe_fd, POLLIN, 0};
    if (pidfd >= 0) pfds[n++] = {pidfd, POLLIN, 0};
    poll(pfds, n, static_cast<int>(std::min<int64_t>(wait_ms, 1 << 30)));
    if (pipe_fd >= 0 && !ReadAvailable(pipe_fd, spec.max_output, out)) {
      close(pipe_fd);
      pipe_fd = -1;
    }
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      reaped = status_known = true;
    } else if (r < 0 && errno == ECHILD) {
      reaped = true;  // SIGCHLD ignored elsewhere: reaped by the kernel, status lost.
    }
  }
  // The group may hold children that outlived a timed-out leader.
  if (out.timed_out) kill(-pid, SIGKILL);
  if (pipe_fd >= 0) {
    // What the leader wrote before exiting is in the pipe; descendants that keep it open are
    // not waited for.
    ReadAvailable(pipe_fd, spec.max_output, out);
    close(pipe_fd);
  }
  if (pidfd >= 0) close(pidfd);
  if (status_known && WIFEXITED(status)) out.exit_code = WEXITSTATUS(status);
  if (status_known && WIFSIGNALED(status)) out.term_signal = WTERMSIG(status);
  return out;
}

}  // namespace osprey::incidents::internal
