// Runs a real peer program (node_exporter, Prometheus, node) in an end-to-end test: started
// with an argv, stderr and stdout captured to a file, killed by PID on destruction.
//
//   int port = testing::FreeLocalPort();
//   auto ne = testing::ChildProcess::Start({"/usr/bin/prometheus-node-exporter",
//       "--web.listen-address=127.0.0.1:" + std::to_string(port)}, dir.Join("ne.log"));
//   ASSERT_TRUE(testing::WaitForPort(port));
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace osprey::testing {

class ChildProcess {
 public:
  // `log_path` receives stdout and stderr. kUnavailable when fork/exec fails.
  static Result<std::unique_ptr<ChildProcess>> Start(const std::vector<std::string>& argv,
                                                     const std::string& log_path);
  ~ChildProcess();  // SIGKILL and reap if still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Sends SIGTERM and waits up to `timeout`, then SIGKILLs. Returns the exit status.
  int Stop(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // The log so far.
  std::string Log() const;

 private:
  ChildProcess() = default;
  pid_t pid_ = -1;
  std::string log_path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreeLocalPort();
// Polls until something accepts connections on 127.0.0.1:port; false after `timeout`.
bool WaitForPort(int port, std::chrono::milliseconds timeout = std::chrono::seconds(20));
// The first of `candidates` that exists and is executable, or empty.
std::string FindExecutable(const std::vector<std::string>& candidates);
// True when $CI is "true": a missing peer then fails the test instead of skipping it.
bool RunningUnderCi();

}  // namespace osprey::testing
