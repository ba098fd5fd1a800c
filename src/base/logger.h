// Leveled structured logging to a sink (stderr in the server), in logfmt or JSON.
//
//   logger.Info("Server is ready", {{"address", addr}, {"threads", 2}});
//   -> ts=2026-11-21T14:46:10.123Z level=info component=http msg="Server is ready" address=:9090
//   threads=2
//
// No global logger: a Logger is passed to constructors. With() returns a child
// that adds fixed fields (typically component=...) and shares the sink.
// Thread-safe: lines from concurrent calls never interleave.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace osprey {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
enum class LogFormat { kLogfmt, kJson };

// Parses "debug", "info", "warn", "error" (Prometheus's --log.level values).
Result<LogLevel> ParseLogLevel(std::string_view s);
// Parses "logfmt", "json".
Result<LogFormat> ParseLogFormat(std::string_view s);

// One key=value pair. Values are kept as text; `quoted` is false for numbers and bools
// (JSON writes them bare).
struct LogField {
  LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
  LogField(std::string_view k, const char* v) : key(k), value(v) {}
  LogField(std::string_view k, const std::string& v) : key(k), value(v) {}
  LogField(std::string_view k, const Status& s) : key(k), value(s.ToString()) {}
  LogField(std::string_view k, bool v) : key(k), value(v ? "true" : "false"), quoted(false) {}
  LogField(std::string_view k, double v);
  template <typename I>
  requires std::is_integral_v<I> LogField(std::string_view k, I v)
      : key(k), value(std::to_string(v)), quoted(false) {}

  std::string key;
  std::string value;
  bool quoted = true;
};

class Logger {
 public:
  // Receives each complete line, newline included.
  using Sink = std::function<void(std::string_view line)>;

  // Writes to stderr.
  static Logger Stderr(LogLevel level, LogFormat format);
  Logger(LogLevel level, LogFormat format, Sink sink);

  // A child logger with extra fixed fields; shares the sink and the level.
  Logger With(std::initializer_list<LogField> fields) const;

  void SetLevel(LogLevel level);
  LogLevel level() const;
  bool Enabled(LogLevel level) const { return level >= this->level(); }

  void Log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields = {}) const;
  void Debug(std::string_view msg, std::initializer_list<LogField> fields = {}) const {
    Log(LogLevel::kDebug, msg, fields);
  }
  void Info(std::string_view msg, std::initializer_list<LogField> fields = {}) const {
    Log(LogLevel::kInfo, msg, fields);
  }
  void Warn(std::string_view msg, std::initializer_list<LogField> fields = {}) const {
    Log(LogLevel::kWarn, msg, fields);
  }
  void Error(std::string_view msg, std::initializer_list<LogField> fields = {}) const {
    Log(LogLevel::kError, msg, fields);
  }

 private:
  struct Shared;  // sink, mutex, level, format, clock
  Logger(std::shared_ptr<Shared> shared, std::vector<LogField> fixed);

  // shared_ptr: the sink and its lock are shared by the parent and every child logger,
  // which may live on different threads.
  std::shared_ptr<Shared> shared_;
  std::vector<LogField> fixed_;
};

}  // namespace osprey
