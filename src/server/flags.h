// Command-line flags, in Prometheus's dotted style (--storage.tsdb.path=...).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/logger.h"
#include "base/status.h"
#include "model/duration.h"

namespace osprey::server {

struct Flags {
  // "server": everything; "agent": collect (scrape, host metrics, receivers) and forward
  // with remote_write, no local queries.
  std::string mode = "server";
  std::string config_file = "osprey.yml";
  std::string web_listen_address = ":9090";
  std::string web_config_file;
  model::Duration web_read_timeout{5 * 60 * 1000};
  int web_max_connections = 512;
  bool web_enable_lifecycle = true;
  bool web_enable_admin_api = false;
  std::string web_external_url;
  // Extra OTLP receivers (OTLP/HTTP and OTLP/gRPC ports); "" disables. POST /v1/metrics on the
  // main port works either way.
  std::string otlp_http_listen_address = ":4318";
  std::string otlp_grpc_listen_address = ":4317";
  std::string storage_tsdb_path = "data/";
  model::Duration storage_tsdb_retention_time{15LL * 24 * 3600 * 1000};
  std::string storage_tsdb_retention_size = "0B";
  // Hidden, for tests and experts: the block range (the head is persisted in blocks of it).
  model::Duration storage_tsdb_min_block_duration{2 * 3600 * 1000};
  model::Duration query_lookback_delta{5 * 60 * 1000};
  model::Duration query_timeout{2 * 60 * 1000};
  int query_max_concurrency = 20;
  int64_t query_max_samples = 50'000'000;
  LogLevel log_level = LogLevel::kInfo;
  LogFormat log_format = LogFormat::kLogfmt;

  // Every flag as name (without dashes) -> value text, for /api/v1/status/flags.
  std::vector<std::pair<std::string, std::string>> as_strings;
};

// What ParseFlags decided.
struct FlagsOutcome {
  enum class Action { kRun, kExit } action = Action::kRun;
  int exit_code = 0;    // for kExit: 0 after --help/--version, 2 on a bad flag
  std::string message;  // for kExit: what to print (stdout for 0, stderr for 2)
  Flags flags;          // for kRun
};

FlagsOutcome ParseFlags(int argc, const char* const* argv, std::string_view version_text);

// A byte size as --storage.tsdb.retention.size takes it: an integer and an optional unit,
// B, KB, MB, GB, TB, PB or EB (powers of 1024, as Prometheus; KiB, MiB, ... too).
Result<uint64_t> ParseByteSize(std::string_view text);

}  // namespace osprey::server
