// `osprey incidents ...` and `osprey oncall now`: a command-line client of a running Osprey's
// incidents API (docs/api.md), for people at a terminal and for scripts.
//
//   osprey incidents list [--state S] [--severity S] [--service S] [--limit N]
//   osprey incidents show ID
//   osprey incidents ack ID [--as NAME]
//   osprey incidents resolve ID [--as NAME]
//   osprey incidents note ID TEXT [--as NAME]
//   osprey oncall now
//
// Global flags: --url (default $OSPREY_URL, else http://localhost:9090), --user/--password
// (basic auth), --json (print the server's data as JSON instead of tables), --help.
// Exit codes: 0 done, 1 the server refused or could not be reached (its message is
// printed), 2 bad usage.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace osprey::server {

// True when `first_arg` (argv[1]) names a CLI command rather than a server flag.
bool IsCliCommand(std::string_view first_arg);

// Runs one command. `args` are the words after the program name ("incidents", "list", ...);
// `env_url` is $OSPREY_URL ("" when unset). Writes results to `out`, errors and usage to
// `err`. Returns the exit code. Blocking; one HTTP request (timeout 30 s).
int RunCli(const std::vector<std::string>& args, std::string_view env_url, std::ostream& out,
           std::ostream& err);

}  // namespace osprey::server
