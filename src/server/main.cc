// osprey: parse flags, start the App, then turn signals into reloads and a graceful stop.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "server/app.h"
#include "server/build_info.h"
#include "server/cli.h"

namespace {

std::string VersionText() {
  return std::string("osprey, version ") + osprey::server::kVersion +
         " (branch: " + osprey::server::kBranch + ", revision: " + osprey::server::kRevision +
         ")\n  build date: " + osprey::server::kBuildDate +
         "\n  compiler: " + osprey::server::kCompiler;
}

}  // namespace

int main(int argc, char** argv) {
  // `osprey incidents ...` and `osprey oncall ...` are a client of a running server.
  if (argc > 1 && osprey::server::IsCliCommand(argv[1])) {
    const char* url = std::getenv("OSPREY_URL");
    return osprey::server::RunCli(std::vector<std::string>(argv + 1, argv + argc),
                                  url == nullptr ? "" : url, std::cout, std::cerr);
  }
  using osprey::server::FlagsOutcome;
  FlagsOutcome parsed = osprey::server::ParseFlags(argc, argv, VersionText());
  if (parsed.action == FlagsOutcome::Action::kExit) {
    std::fprintf(parsed.exit_code == 0 ? stdout : stderr, "%s\n", parsed.message.c_str());
    return parsed.exit_code;
  }
  osprey::Logger logger = osprey::Logger::Stderr(parsed.flags.log_level, parsed.flags.log_format);

  // Block the signals we handle before any thread starts, so every thread inherits the
  // mask and only sigwait() below sees them.
  sigset_t handled;
  sigemptyset(&handled);
  sigaddset(&handled, SIGTERM);
  sigaddset(&handled, SIGINT);
  sigaddset(&handled, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &handled, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto app = osprey::server::App::Start(parsed.flags, logger);
  if (!app.ok()) {
    logger.Error("Error starting Osprey", {{"err", app.status().message()}});
    return app.status().code() == osprey::StatusCode::kInvalidArgument ? 2 : 1;
  }

  while (true) {
    int sig = 0;
    if (sigwait(&handled, &sig) != 0) continue;
    if (sig == SIGHUP) {
      (*app)->Reload().IgnoreError();  // logged and counted by Reload()
      continue;
    }
    logger.Warn("Received signal, exiting gracefully...", {{"signal", strsignal(sig)}});
    (*app)->Shutdown();
    return 0;
  }
}
