#include "config/remote_write_config.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/config.h"

namespace osprey::config {
namespace {

using model::Duration;

TEST(RemoteWriteConfigTest, DefaultsArePrometheus) {
  Result<Config> c = ParseConfig("remote_write:\n  - url: http://a:9090/api/v1/write\n", "x.yml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->remote_write.size(), 1u);
  const RemoteWriteConfig& r = c->remote_write[0];
  EXPECT_EQ(r.url, "http://a:9090/api/v1/write");
  EXPECT_EQ(r.name, "");
  EXPECT_EQ(r.remote_timeout, Duration::Seconds(30));
  EXPECT_EQ(r.queue_config.capacity, 10000);
  EXPECT_EQ(r.queue_config.max_shards, 50);
  EXPECT_EQ(r.queue_config.min_shards, 1);
  EXPECT_EQ(r.queue_config.max_samples_per_send, 2000);
  EXPECT_EQ(r.queue_config.batch_send_deadline, Duration::Seconds(5));
  EXPECT_EQ(r.queue_config.min_backoff, Duration::Millis(30));
  EXPECT_EQ(r.queue_config.max_backoff, Duration::Seconds(5));
  EXPECT_FALSE(r.queue_config.retry_on_http_429);
  EXPECT_TRUE(r.metadata_config.send);
}

constexpr std::string_view kFull = R"yaml(
remote_write:
  - url: https://central.example:9090/api/v1/write
    name: central
    remote_timeout: 10s
    headers:
      X-Scope-OrgID: team-a
    basic_auth:
      username: osprey
      password_file: /etc/osprey/pw
    tls_config:
      ca_file: /etc/osprey/ca.pem
      insecure_skip_verify: true
    write_relabel_configs:
      - source_labels: [__name__]
        regex: go_.*
        action: drop
    queue_config:
      capacity: 500
      max_shards: 4
      min_shards: 2
      max_samples_per_send: 100
      batch_send_deadline: 1s
      min_backoff: 10ms
      max_backoff: 1s
      retry_on_http_429: true
    metadata_config:
      send: false
  - url: http://backup:8428/api/v1/write
    authorization:
      credentials_file: token
)yaml";

TEST(RemoteWriteConfigTest, ReadsEveryField) {
  Result<Config> c = ParseConfig(kFull, "x.yml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->remote_write.size(), 2u);
  const RemoteWriteConfig& r = c->remote_write[0];
  EXPECT_EQ(r.name, "central");
  EXPECT_EQ(r.remote_timeout, Duration::Seconds(10));
  EXPECT_EQ(r.headers.at("X-Scope-OrgID"), "team-a");
  ASSERT_TRUE(r.http_client.basic_auth.has_value());
  EXPECT_EQ(r.http_client.basic_auth->username, "osprey");
  EXPECT_TRUE(r.http_client.tls_config.insecure_skip_verify);
  ASSERT_EQ(r.write_relabel_configs.size(), 1u);
  EXPECT_EQ(r.queue_config.capacity, 500);
  EXPECT_EQ(r.queue_config.max_shards, 4);
  EXPECT_EQ(r.queue_config.min_shards, 2);
  EXPECT_EQ(r.queue_config.max_samples_per_send, 100);
  EXPECT_EQ(r.queue_config.batch_send_deadline, Duration::Seconds(1));
  EXPECT_EQ(r.queue_config.min_backoff, Duration::Millis(10));
  EXPECT_EQ(r.queue_config.max_backoff, Duration::Seconds(1));
  EXPECT_TRUE(r.queue_config.retry_on_http_429);
  EXPECT_FALSE(r.metadata_config.send);
  ASSERT_TRUE(c->remote_write[1].http_client.authorization.has_value());
}

TEST(RemoteWriteConfigTest, RoundTripsThroughToYaml) {
  Result<Config> c = ParseConfig(kFull, "x.yml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const std::string yaml = c->ToYaml();
  Result<Config> again = ParseConfig(yaml, "effective.yml");
  ASSERT_TRUE(again.ok()) << again.status().ToString() << "\n" << yaml;
  EXPECT_EQ(*again, *c) << yaml;
  EXPECT_EQ(again->ToYaml(), yaml);
}

TEST(RemoteWriteConfigTest, ResolvesFilePathsAgainstTheConfigDirectory) {
  Result<Config> c = ParseConfig(kFull, "x.yml");
  ASSERT_TRUE(c.ok());
  ResolveConfigPaths("/etc/osprey", &*c);
  EXPECT_EQ(c->remote_write[1].http_client.authorization->credentials_file, "/etc/osprey/token");
}

struct BadConfig {
  const char* name;
  const char* yaml;
  const char* message;
};

TEST(RemoteWriteConfigTest, ErrorsNameLineAndColumn) {
  const std::vector<BadConfig> cases = {
      {"no url", "remote_write:\n  - name: a\n", "x.yml:2:5: url for remote_write is empty"},
      {"bad scheme", "remote_write:\n  - url: ftp://a/b\n",
       "x.yml:2:10: invalid URL \"ftp://a/b\" for url: scheme must be http or https"},
      {"no host", "remote_write:\n  - url: http:///write\n",
       "x.yml:2:10: invalid URL \"http:///write\": host is missing"},
      {"null entry", "remote_write:\n  -\n",
       "x.yml:3:1: empty or null remote write config section"},
      {"unknown field", "remote_write:\n  - url: http://a\n    urll: x\n",
       "x.yml:3:5: unknown field \"urll\" in remote_write[0]"},
      {"unknown queue field", "remote_write:\n  - url: http://a\n    queue_config: {shards: 1}\n",
       "x.yml:3:20: unknown field \"shards\" in remote_write[0].queue_config"},
      {"reserved header", "remote_write:\n  - url: http://a\n    headers: {User-Agent: x}\n",
       "x.yml:3:14: User-Agent is a reserved header. It must not be changed"},
      {"authorization header",
       "remote_write:\n  - url: http://a\n    headers: {authorization: x}\n",
       "x.yml:3:14: authorization header must be changed via the basic_auth or authorization "
       "parameter"},
      {"max_shards", "remote_write:\n  - url: http://a\n    queue_config: {max_shards: 0}\n",
       "x.yml:3:32: remote write queue max_shards must be positive"},
      {"min > max",
       "remote_write:\n  - url: http://a\n    queue_config: {max_shards: 2, min_shards: 3}\n",
       "x.yml:3:47: remote write queue min_shards must not be greater than max_shards"},
      {"backoff",
       "remote_write:\n  - url: http://a\n    queue_config: {min_backoff: 2s, max_backoff: 1s}\n",
       "x.yml:3:50: remote write queue max_backoff must not be less than min_backoff"},
      {"bad duration", "remote_write:\n  - url: http://a\n    remote_timeout: 5x\n",
       "x.yml:3:21: invalid duration \"5x\" for remote_timeout: not a valid duration string: "
       "\"5x\""},
      {"duplicate names",
       "remote_write:\n  - url: http://a\n    name: x\n  - url: http://b\n    name: x\n",
       "x.yml:5:11: found multiple remote write configs with job name \"x\""},
      {"two auths",
       "remote_write:\n  - url: http://a\n    basic_auth: {username: u}\n"
       "    authorization: {credentials: c}\n",
       ""},
  };
  for (const BadConfig& c : cases) {
    SCOPED_TRACE(c.name);
    Result<Config> r = ParseConfig(c.yaml, "x.yml");
    ASSERT_FALSE(r.ok()) << c.yaml;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    if (c.message[0] != '\0') {
      EXPECT_EQ(r.status().message(), c.message) << c.yaml;
    }
  }
}

}  // namespace
}  // namespace osprey::config
