#include "testing/osprey_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <regex>
#include <thread>

namespace osprey::testing {
namespace {

using Clock = std::chrono::steady_clock;

// Forks and execs `binary` with `args`, stdout and stderr to `log_path`.
Result<pid_t> Spawn(const std::string& binary, const std::vector<std::string>& args,
                    const std::string& log_path, const std::string& cwd) {
  std::vector<std::string> argv_storage;
  argv_storage.push_back(binary);
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);

  int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) return ErrnoError("open " + log_path, errno);
  pid_t pid = ::fork();
  if (pid < 0) {
    int err = errno;
    ::close(log_fd);
    return ErrnoError("fork", err);
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls from here on.
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    if (::chdir(cwd.c_str()) != 0) ::_exit(127);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(log_fd);
  return pid;
}

Result<ExitResult> WaitPid(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      ExitResult result;
      if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
      if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
      return result;
    }
    if (r < 0) return ErrnoError("waitpid", errno);
    if (Clock::now() > deadline) return DeadlineExceededError("process did not exit in time");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

std::string OspreyProcess::BinaryPath() {
  if (const char* b = std::getenv("OSPREY_BINARY"); b != nullptr && *b != '\0') return b;
  return OSPREY_BUILD_DIR "/osprey";
}

Result<std::unique_ptr<OspreyProcess>> OspreyProcess::Start(OspreyProcessOptions options) {
  std::unique_ptr<OspreyProcess> p(new OspreyProcess());
  p->dir_ = std::make_unique<TempDir>();
  std::string config = p->dir_->WriteFile("osprey.yml", options.config_yaml);
  p->data_path_ = options.data_path.empty() ? p->dir_->Join("data") : options.data_path;
  std::vector<std::string> args = {
      "--config.file=" + config,
      "--web.listen-address=127.0.0.1:0",
      "--storage.tsdb.path=" + p->data_path_,
      // No fixed OTLP ports, so tests can run in parallel; a test that wants them passes
      // the flags in extra_args.
      "--otlp.http-listen-address=",
      "--otlp.grpc-listen-address=",
  };
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  OSPREY_ASSIGN_OR_RETURN(p->pid_,
                          Spawn(BinaryPath(), args, p->dir_->Join("stderr.log"), p->dir_->path()));

  // The server logs `msg="Listening on address" address=127.0.0.1:PORT` once bound.
  static const std::regex kListening(R"(Listening on address.* address=127\.0\.0\.1:(\d+))");
  auto deadline = Clock::now() + options.start_timeout;
  while (Clock::now() < deadline) {
    std::smatch m;
    std::string log = p->Stderr();
    if (std::regex_search(log, m, kListening)) {
      p->port_ = std::stoi(m[1]);
      return p;
    }
    int status = 0;
    if (::waitpid(p->pid_, &status, WNOHANG) == p->pid_) {
      p->exited_ = true;
      return UnavailableError("osprey exited during start-up: " + log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return DeadlineExceededError("osprey did not start listening: " + p->Stderr());
}

Result<ExitResult> OspreyProcess::RunToExit(const std::vector<std::string>& args,
                                            std::chrono::milliseconds timeout) {
  TempDir dir;
  OSPREY_ASSIGN_OR_RETURN(pid_t pid, Spawn(BinaryPath(), args, dir.Join("stderr.log"), dir.path()));
  Result<ExitResult> r = WaitPid(pid, timeout);
  if (!r.ok()) {
    ::kill(pid, SIGKILL);
    (void)WaitPid(pid, std::chrono::seconds(10));
    return r;
  }
  r->stderr_text = ReadFileOrEmpty(dir.Join("stderr.log"));
  return r;
}

OspreyProcess::~OspreyProcess() {
  if (pid_ > 0 && !exited_) {
    ::kill(pid_, SIGKILL);
    (void)WaitPid(pid_, std::chrono::seconds(10));
  }
}

std::string OspreyProcess::Stderr() const { return ReadFileOrEmpty(dir_->Join("stderr.log")); }

Status OspreyProcess::Signal(int sig) {
  if (::kill(pid_, sig) != 0) return ErrnoError("kill", errno);
  return OkStatus();
}

Result<ExitResult> OspreyProcess::Wait(std::chrono::milliseconds timeout) {
  OSPREY_ASSIGN_OR_RETURN(ExitResult r, WaitPid(pid_, timeout));
  exited_ = true;
  r.stderr_text = Stderr();
  return r;
}

}  // namespace osprey::testing
