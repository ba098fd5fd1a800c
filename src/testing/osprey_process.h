// Runs the real `osprey` binary for end-to-end tests: a temp dir holding its config and
// data dir, 127.0.0.1 and an ephemeral port, stderr captured to a file. The binary is
// $OSPREY_BINARY (set by CTest), else $OSPREY_SOURCE_DIR/build/osprey.
//
//   auto osprey = OspreyProcess::Start({.config_yaml = "global: {scrape_interval: 5s}\n"});
//   ASSERT_TRUE(osprey.ok()) << osprey.status();
//   auto resp = HttpGet((*osprey)->port(), "/-/healthy");
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "testing/temp_dir.h"

namespace osprey::testing {

struct OspreyProcessOptions {
  // Written to <dir>/osprey.yml and passed as --config.file.
  std::string config_yaml;
  // Appended after the fixture's own flags (so they can override them).
  std::vector<std::string> extra_args;
  std::chrono::milliseconds start_timeout{30'000};
  // Use this data dir instead of a fresh one (e.g. another process's data_path(), to
  // restart on the same data).
  std::string data_path;
};

struct ExitResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string stderr_text;
};

class OspreyProcess {
 public:
  // Starts osprey and waits until it logs the address it listens on.
  static Result<std::unique_ptr<OspreyProcess>> Start(OspreyProcessOptions options);
  // Runs osprey with exactly `args` (no fixture flags) until it exits; kills it after `timeout`.
  static Result<ExitResult> RunToExit(const std::vector<std::string>& args,
                                      std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // The binary under test.
  static std::string BinaryPath();

  ~OspreyProcess();  // SIGKILLs the process if still running

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const TempDir& dir() const { return *dir_; }
  std::string config_path() const { return dir_->Join("osprey.yml"); }
  std::string data_path() const { return data_path_; }
  // Everything the process wrote to stderr so far.
  std::string Stderr() const;

  Status Signal(int sig);
  // Waits for the process to exit. kDeadlineExceeded when it did not within `timeout`.
  Result<ExitResult> Wait(std::chrono::milliseconds timeout = std::chrono::seconds(30));

 private:
  OspreyProcess() = default;

  std::unique_ptr<TempDir> dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  bool exited_ = false;
  std::string data_path_;
};

}  // namespace osprey::testing
