#include "base/logger.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace osprey {
namespace {

struct Capture {
  std::vector<std::string> lines;
  Logger::Sink Sink() {
    return [this](std::string_view l) { lines.emplace_back(l); };
  }
};

TEST(LoggerTest, WritesLogfmtWithQuotingAndFixedFields) {
  Capture cap;
  Logger root(LogLevel::kInfo, LogFormat::kLogfmt, cap.Sink());
  Logger log = root.With({{"component", "http"}});
  log.Info("Server is ready", {{"address", ":9090"}, {"threads", 2}, {"path", "a b\"c"}});
  ASSERT_EQ(cap.lines.size(), 1u);
  const std::string& l = cap.lines[0];
  EXPECT_EQ(l.rfind("ts=", 0), 0u) << l;
  EXPECT_NE(l.find(" level=info component=http msg=\"Server is ready\" address=:9090 threads=2 "
                   "path=\"a b\\\"c\"\n"),
            std::string::npos)
      << l;
}

TEST(LoggerTest, FiltersBelowLevel) {
  Capture cap;
  Logger log(LogLevel::kWarn, LogFormat::kLogfmt, cap.Sink());
  log.Info("hidden");
  log.Debug("hidden");
  log.Warn("shown");
  log.Error("shown too");
  EXPECT_EQ(cap.lines.size(), 2u);
  log.SetLevel(LogLevel::kDebug);
  log.Debug("now shown");
  EXPECT_EQ(cap.lines.size(), 3u);
}

TEST(LoggerTest, WritesJsonWithTypedValues) {
  Capture cap;
  Logger log(LogLevel::kDebug, LogFormat::kJson, cap.Sink());
  log.Error("Failed", {{"err", "bad\nthing"}, {"count", 3}, {"ok", false}, {"ratio", 0.5}});
  ASSERT_EQ(cap.lines.size(), 1u);
  const std::string& l = cap.lines[0];
  EXPECT_EQ(l.front(), '{');
  EXPECT_NE(l.find("\"level\":\"error\",\"msg\":\"Failed\",\"err\":\"bad\\nthing\",\"count\":3,"
                   "\"ok\":false,\"ratio\":0.5}\n"),
            std::string::npos)
      << l;
}

TEST(LoggerTest, ParsesLevelsAndFormats) {
  EXPECT_EQ(ParseLogLevel("warn").value(), LogLevel::kWarn);
  EXPECT_FALSE(ParseLogLevel("verbose").ok());
  EXPECT_EQ(ParseLogFormat("json").value(), LogFormat::kJson);
  EXPECT_NE(ParseLogFormat("xml").status().message().find("logfmt or json"), std::string::npos);
}

}  // namespace
}  // namespace osprey
