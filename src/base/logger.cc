#include "base/logger.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "base/strings.h"
#include "base/thread_annotations.h"

namespace osprey {

struct Logger::Shared {
  Sink sink;
  LogFormat format;
  std::atomic<int> level;
  Mutex mu;  // serialises sink calls so lines never interleave
};

namespace {

bool NeedsQuotes(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c <= ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) >= 0x7f) {
      return true;
    }
  }
  return false;
}

void AppendLogfmt(std::string& out, std::string_view key, std::string_view value) {
  if (!out.empty()) out += ' ';
  out += key;
  out += '=';
  if (NeedsQuotes(value)) {
    out += '"';
    AppendJsonEscaped(out, value);
    out += '"';
  } else {
    out += value;
  }
}

void AppendJson(std::string& out, std::string_view key, std::string_view value, bool quoted) {
  out += out.size() > 1 ? ",\"" : "\"";
  AppendJsonEscaped(out, key);
  out += "\":";
  if (quoted) {
    out += '"';
    AppendJsonEscaped(out, value);
    out += '"';
  } else {
    out += value;
  }
}

std::string Rfc3339Millis() {
  return FormatRfc3339Millis(std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count());
}

std::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

}  // namespace

LogField::LogField(std::string_view k, double v) : key(k), quoted(false) {
  if (std::isnan(v)) {
    value = "NaN";
    quoted = true;
  } else if (std::isinf(v)) {
    value = v > 0 ? "+Inf" : "-Inf";
    quoted = true;
  } else {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.17g", v);
    value = buf;
  }
}

Result<LogLevel> ParseLogLevel(std::string_view s) {
  if (s == "debug") return LogLevel::kDebug;
  if (s == "info") return LogLevel::kInfo;
  if (s == "warn") return LogLevel::kWarn;
  if (s == "error") return LogLevel::kError;
  return InvalidArgumentError("unrecognized log level \"" + std::string(s) +
                              "\" (want debug, info, warn or error)");
}

Result<LogFormat> ParseLogFormat(std::string_view s) {
  if (s == "logfmt") return LogFormat::kLogfmt;
  if (s == "json") return LogFormat::kJson;
  return InvalidArgumentError("unrecognized log format \"" + std::string(s) +
                              "\" (want logfmt or json)");
}

Logger Logger::Stderr(LogLevel level, LogFormat format) {
  return Logger(level, format, [](std::string_view line) {
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
  });
}

Logger::Logger(LogLevel level, LogFormat format, Sink sink) : shared_(std::make_shared<Shared>()) {
  shared_->sink = std::move(sink);
  shared_->format = format;
  shared_->level.store(static_cast<int>(level));
}

Logger::Logger(std::shared_ptr<Shared> shared, std::vector<LogField> fixed)
    : shared_(std::move(shared)), fixed_(std::move(fixed)) {}

Logger Logger::With(std::initializer_list<LogField> fields) const {
  std::vector<LogField> fixed = fixed_;
  fixed.insert(fixed.end(), fields.begin(), fields.end());
  return Logger(shared_, std::move(fixed));
}

void Logger::SetLevel(LogLevel level) { shared_->level.store(static_cast<int>(level)); }

LogLevel Logger::level() const { return static_cast<LogLevel>(shared_->level.load()); }

void Logger::Log(LogLevel level, std::string_view msg,
                 std::initializer_list<LogField> fields) const {
  if (!Enabled(level)) return;
  std::string line;
  line.reserve(160);
  if (shared_->format == LogFormat::kJson) {
    line += '{';
    AppendJson(line, "ts", Rfc3339Millis(), true);
    AppendJson(line, "level", LevelName(level), true);
    for (const auto& f : fixed_) AppendJson(line, f.key, f.value, f.quoted);
    AppendJson(line, "msg", msg, true);
    for (const auto& f : fields) AppendJson(line, f.key, f.value, f.quoted);
    line += "}\n";
  } else {
    AppendLogfmt(line, "ts", Rfc3339Millis());
    AppendLogfmt(line, "level", LevelName(level));
    for (const auto& f : fixed_) AppendLogfmt(line, f.key, f.value);
    AppendLogfmt(line, "msg", msg);
    for (const auto& f : fields) AppendLogfmt(line, f.key, f.value);
    line += '\n';
  }
  MutexLock lock(shared_->mu);
  shared_->sink(line);
}

}  // namespace osprey
