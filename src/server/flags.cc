#include "server/flags.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <string>
#include <vector>

namespace osprey::server {
namespace {

// A flag holding a Prometheus duration ("15d", "5m").
void AddDurationFlag(CLI::App& app, const std::string& name, model::Duration& target,
                     std::string help) {
  app.add_option_function<std::string>(
         name,
         [&target, name](const std::string& text) {
           Result<model::Duration> d = model::ParseDuration(text);
           if (!d.ok()) throw CLI::ValidationError(name, d.status().message());
           target = *d;
         },
         std::move(help))
      ->default_str(model::FormatDuration(target));
}

// The effective value of a flag as text: what was given, else the default.
std::string FlagValueText(const CLI::Option& opt) {
  if (opt.get_expected_min() == 0) {  // a boolean flag
    if (opt.count() == 0) return opt.get_default_str();
    return opt.as<bool>() ? "true" : "false";
  }
  return opt.count() > 0 ? opt.as<std::string>() : opt.get_default_str();
}

}  // namespace

Result<uint64_t> ParseByteSize(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  std::string_view unit = text.substr(digits);
  auto bad = [&] {
    std::string msg = "invalid byte size \"";
    msg += text;
    msg += "\": want an integer and B, KB, MB, GB, TB, PB or EB";
    return InvalidArgumentError(std::move(msg));
  };
  if (digits == 0 || digits > 19) return bad();
  uint64_t n = std::stoull(std::string(text.substr(0, digits)));
  // KiB and KB -> K, likewise for the other prefixes.
  if (unit.size() == 3 && unit[1] == 'i') unit = std::string_view(unit.data(), 1);
  if (unit.size() == 2 && unit[1] == 'B') unit.remove_suffix(1);
  int shift = 0;
  if (unit.empty() || unit == "B") {
    shift = 0;
  } else if (unit.size() == 1 && std::string_view("KMGTPE").find(unit[0]) != std::string::npos) {
    shift = 10 * (1 + static_cast<int>(std::string_view("KMGTPE").find(unit[0])));
  } else {
    return bad();
  }
  if (shift > 0 && n > (UINT64_MAX >> shift)) return bad();
  return n << shift;
}

FlagsOutcome ParseFlags(int argc, const char* const* argv, std::string_view version_text) {
  FlagsOutcome out;
  Flags& f = out.flags;
  CLI::App app{"Osprey: metrics, alerting and monitoring in one program.", "osprey"};
  app.footer(
      "Commands (talk to a running server; see `osprey incidents --help`):\n"
      "  osprey incidents list|show|ack|resolve|note ...\n"
      "  osprey oncall now");
  app.option_defaults()->always_capture_default();
  app.set_version_flag("--version", std::string(version_text));

  app.add_option("--mode", f.mode,
                 "server: store and query locally; agent: collect and remote_write only, no "
                 "query API, local data kept 4h at most.")
      ->check(CLI::IsMember({"server", "agent"}));
  app.add_option("--config.file", f.config_file, "Osprey configuration file path.");
  app.add_option("--web.listen-address", f.web_listen_address,
                 "Address to listen on for UI, API, and telemetry.");
  app.add_option("--web.config.file", f.web_config_file,
                 "Path to a configuration file that can enable TLS or authentication "
                 "(Prometheus web config format).");
  AddDurationFlag(app, "--web.read-timeout", f.web_read_timeout,
                  "Maximum duration before timing out read of the request body.");
  app.add_option("--web.max-connections", f.web_max_connections,
                 "Maximum number of simultaneous connections.")
      ->check(CLI::Range(1, 1 << 20));
  app.add_flag("--web.enable-lifecycle,!--no-web.enable-lifecycle", f.web_enable_lifecycle,
               "Enable reload via HTTP request (POST /-/reload).");
  app.add_flag("--web.enable-admin-api,!--no-web.enable-admin-api", f.web_enable_admin_api,
               "Enable API endpoints for admin control actions.");
  app.add_option("--web.external-url", f.web_external_url,
                 "The URL under which Osprey is externally reachable.");
  app.add_option("--otlp.http-listen-address", f.otlp_http_listen_address,
                 "Address of the OTLP/HTTP receiver (POST /v1/metrics, as on the web port); "
                 "empty disables it.")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);  // the last one wins, as in Go
  app.add_option("--otlp.grpc-listen-address", f.otlp_grpc_listen_address,
                 "Address of the OTLP/gRPC receiver; empty disables it.")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("--storage.tsdb.path", f.storage_tsdb_path, "Base path for metrics storage.");
  AddDurationFlag(app, "--storage.tsdb.retention.time", f.storage_tsdb_retention_time,
                  "How long to retain samples in storage.");
  app.add_option("--storage.tsdb.retention.size", f.storage_tsdb_retention_size,
                 "Maximum number of bytes that can be stored for blocks (B, KB, MB, GB, TB, "
                 "PB, EB; 0 disables).")
      ->check([](const std::string& text) {
        Result<uint64_t> n = ParseByteSize(text);
        return n.ok() ? std::string() : n.status().message();
      });
  AddDurationFlag(app, "--storage.tsdb.min-block-duration", f.storage_tsdb_min_block_duration,
                  "Minimum duration of a data block before being persisted. For testing.");
  app.get_option("--storage.tsdb.min-block-duration")->group("");  // hidden, as in Prometheus
  AddDurationFlag(app, "--query.lookback-delta", f.query_lookback_delta,
                  "The maximum lookback duration for retrieving metrics during expression "
                  "evaluations.");
  AddDurationFlag(app, "--query.timeout", f.query_timeout,
                  "Maximum time a query may take before being aborted.");
  app.add_option("--query.max-concurrency", f.query_max_concurrency,
                 "Maximum number of queries executed concurrently.")
      ->check(CLI::Range(1, 10000));
  app.add_option("--query.max-samples", f.query_max_samples,
                 "Maximum number of samples a single query can load into memory. Note that "
                 "queries will fail if they try to load more samples than this into memory, "
                 "so this also limits the number of samples a query can return.")
      ->check(CLI::PositiveNumber);
  std::string log_level = "info";
  std::string log_format = "logfmt";
  app.add_option("--log.level", log_level,
                 "Only log messages with the given severity or above. One of: [debug, info, "
                 "warn, error]")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  app.add_option("--log.format", log_format,
                 "Output format of log messages. One of: [logfmt, json]")
      ->check(CLI::IsMember({"logfmt", "json"}));

  try {
    // CLI11 rejects "--name=" as a missing value, but Go's flag package (and so Prometheus's
    // style) reads it as an empty one ("--otlp.grpc-listen-address=" disables the listener):
    // pass it as "--name" "".
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) {
      std::string_view a(argv[i]);
      if (a.size() > 3 && a.starts_with("--") && a.ends_with('=') && a.find('=') == a.size() - 1) {
        args.emplace_back(a.substr(0, a.size() - 1));
        args.emplace_back();
      } else {
        args.emplace_back(a);
      }
    }
    std::reverse(args.begin(), args.end());  // CLI11 takes the vector last argument first
    app.parse(args);
  } catch (const CLI::CallForHelp&) {
    out.action = FlagsOutcome::Action::kExit;
    out.message = app.help();
    return out;
  } catch (const CLI::CallForVersion&) {
    out.action = FlagsOutcome::Action::kExit;
    out.message = std::string(version_text) + "\n";
    return out;
  } catch (const CLI::ParseError& e) {
    out.action = FlagsOutcome::Action::kExit;
    out.exit_code = 2;
    out.message = std::string("osprey: error: ") + e.what() + ", try --help";
    return out;
  }
  f.log_level = *ParseLogLevel(log_level);
  f.log_format = *ParseLogFormat(log_format);

  for (const CLI::Option* opt : app.get_options()) {
    std::string name = opt->get_lnames().empty() ? "" : opt->get_lnames().front();
    if (name.empty() || name == "help" || name == "version") continue;
    out.flags.as_strings.emplace_back(name, FlagValueText(*opt));
  }
  return out;
}

}  // namespace osprey::server
