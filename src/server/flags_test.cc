#include "server/flags.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace osprey::server {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Pair;

FlagsOutcome Parse(std::vector<const char*> args) {
  args.insert(args.begin(), "osprey");
  return ParseFlags(static_cast<int>(args.size()), args.data(), "osprey, version test");
}

TEST(FlagsTest, DefaultsMatchPrometheus) {
  FlagsOutcome out = Parse({});
  ASSERT_EQ(out.action, FlagsOutcome::Action::kRun) << out.message;
  EXPECT_EQ(out.flags.web_listen_address, ":9090");
  EXPECT_EQ(out.flags.config_file, "osprey.yml");
  EXPECT_EQ(out.flags.storage_tsdb_retention_time.ms, 15LL * 24 * 3600 * 1000);
  EXPECT_EQ(out.flags.query_lookback_delta.ms, 5 * 60 * 1000);
  EXPECT_TRUE(out.flags.web_enable_lifecycle);
  EXPECT_THAT(out.flags.as_strings, Contains(Pair("storage.tsdb.retention.time", "15d")));
  EXPECT_THAT(out.flags.as_strings, Contains(Pair("web.listen-address", ":9090")));
}

TEST(FlagsTest, ParsesDottedFlagsWithAndWithoutEquals) {
  FlagsOutcome out = Parse({"--web.listen-address=127.0.0.1:0", "--storage.tsdb.path", "/tmp/x",
                            "--storage.tsdb.retention.time=1h30m", "--log.level=debug",
                            "--log.format", "json", "--no-web.enable-lifecycle"});
  ASSERT_EQ(out.action, FlagsOutcome::Action::kRun) << out.message;
  EXPECT_EQ(out.flags.web_listen_address, "127.0.0.1:0");
  EXPECT_EQ(out.flags.storage_tsdb_path, "/tmp/x");
  EXPECT_EQ(out.flags.storage_tsdb_retention_time.ms, 90 * 60 * 1000);
  EXPECT_EQ(out.flags.log_level, LogLevel::kDebug);
  EXPECT_EQ(out.flags.log_format, LogFormat::kJson);
  EXPECT_FALSE(out.flags.web_enable_lifecycle);
  EXPECT_THAT(out.flags.as_strings, Contains(Pair("storage.tsdb.retention.time", "1h30m")));
  EXPECT_THAT(out.flags.as_strings, Contains(Pair("web.enable-lifecycle", "false")));
}

TEST(FlagsTest, BooleanFlagAcceptsExplicitValue) {
  FlagsOutcome out = Parse({"--web.enable-admin-api=true"});
  ASSERT_EQ(out.action, FlagsOutcome::Action::kRun) << out.message;
  EXPECT_TRUE(out.flags.web_enable_admin_api);
}

TEST(FlagsTest, BadValuesExitTwoNamingTheFlag) {
  struct Case {
    std::vector<const char*> args;
    std::string want;
  };
  std::vector<Case> cases = {
      {{"--storage.tsdb.retention.time=5x"}, "retention.time"},
      {{"--log.level=verbose"}, "log.level"},
      {{"--no-such-flag"}, "no-such-flag"},
      {{"--web.max-connections=-3"}, "max-connections"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.args[0]);
    FlagsOutcome out = Parse(c.args);
    EXPECT_EQ(out.action, FlagsOutcome::Action::kExit);
    EXPECT_EQ(out.exit_code, 2);
    EXPECT_THAT(out.message, HasSubstr(c.want));
  }
}

TEST(FlagsTest, HelpAndVersionExitZero) {
  FlagsOutcome help = Parse({"--help"});
  EXPECT_EQ(help.action, FlagsOutcome::Action::kExit);
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.message, HasSubstr("--storage.tsdb.path"));
  FlagsOutcome version = Parse({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.message, HasSubstr("osprey, version test"));
}

}  // namespace
}  // namespace osprey::server
