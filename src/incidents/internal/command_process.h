// Runs one command for an automated response: no shell, its own process group, a timeout
// that kills the whole group, and bounded captured output. Used by ConfiguredActionRunner.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace osprey::incidents::internal {

struct ProcessOutcome {
  Status start_error;         // Not OK: the command never started (nothing else is set).
  bool timed_out = false;     // Killed at the timeout.
  int exit_code = -1;         // Exit status when it exited; -1 when a signal ended it.
  int term_signal = 0;        // The signal that ended it, or 0.
  std::string output;         // The first `max_output` bytes of stdout and stderr, interleaved.
  uint64_t output_bytes = 0;  // All bytes it wrote (read and discarded past max_output).
};

struct ProcessSpec {
  std::string path;               // Absolute path of the executable.
  std::vector<std::string> args;  // argv[1..]; argv[0] is `path`.
  std::vector<std::string> env;   // "NAME=value" entries: the whole environment.
  std::chrono::milliseconds timeout{30000};
  std::chrono::milliseconds kill_grace{2000};  // SIGTERM to SIGKILL.
  size_t max_output = 4096;
};

// Starts the process (posix_spawn: stdin /dev/null, stdout and stderr to one pipe, signal
// mask and dispositions reset, every other fd closed, setpgid(0, 0)) and waits for it. When
// the timeout passes: SIGTERM to its process group, SIGKILL to the group after kill_grace
// (or as soon as the leader has exited, to end stragglers), then the leader is reaped.
// Processes the command leaves behind after a normal exit are not touched. Blocking;
// thread-safe. Wall-clock timing: this runs a real process.
ProcessOutcome RunProcess(const ProcessSpec& spec);

}  // namespace osprey::incidents::internal
