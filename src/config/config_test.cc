#include "config/config.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testing/temp_dir.h"

namespace osprey::config {
namespace {

using model::Duration;

Config MustParse(std::string_view text) {
  Result<Config> c = ParseConfig(text, "osprey.yml");
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? std::move(c).value() : Config{};
}

// A config using every supported field, without secrets.
constexpr std::string_view kFullConfig = R"yaml(
global:
  scrape_interval: 15s
  scrape_timeout: 5s
  evaluation_interval: 30s
  external_labels:
    region: eu-west
    replica: "1"
  query_log_file: /var/log/osprey/queries.log
rule_files:
  - rules/*.yml
  - /etc/osprey/alerts.yml
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ['localhost:9090', 'localhost:9100']
        labels:
          env: prod
  - job_name: blackbox
    honor_labels: true
    honor_timestamps: false
    track_timestamps_staleness: true
    params:
      module: [http_2xx, tcp]
    scrape_interval: 1m
    scrape_timeout: 20s
    metrics_path: /probe
    scheme: https
    body_size_limit: 10MB
    sample_limit: 5000
    target_limit: 10
    label_limit: 30
    label_name_length_limit: 200
    label_value_length_limit: 2048
    basic_auth:
      username: scraper
      password_file: secrets/scrape.pw
    tls_config:
      ca_file: ca.pem
      cert_file: client.pem
      key_file: client.key
      server_name: example.org
      insecure_skip_verify: true
      min_version: TLS13
    file_sd_configs:
      - files: [targets/*.json, more.yml]
        refresh_interval: 2m
    http_sd_configs:
      - url: https://sd.example.org/targets
        refresh_interval: 30s
        authorization:
          type: Token
          credentials_file: /run/token
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        regex: '(.*):\d+'
        target_label: instance
        replacement: '${1}'
      - action: hashmod
        source_labels: [__address__]
        modulus: 8
        target_label: __tmp_shard
      - action: keep
        source_labels: [__tmp_shard]
        regex: '0'
      - action: labelmap
        regex: __meta_kubernetes_(.+)
      - action: keepequal
        source_labels: [a]
        target_label: b
      - action: Lowercase
        source_labels: [job]
        target_label: job_lower
    metric_relabel_configs:
      - action: labeldrop
        regex: 'tmp_.*'
      - action: drop
        source_labels: [__name__]
        separator: ','
        regex: 'go_.*'
storage:
  tsdb:
    out_of_order_time_window: 30m
)yaml";

TEST(ParseConfigTest, EmptyTextGivesPrometheusDefaults) {
  for (std::string_view text : {"", "# nothing\n", "global:\n", "global: {}\n"}) {
    SCOPED_TRACE(text);
    Config c = MustParse(text);
    EXPECT_EQ(c.global.scrape_interval, Duration::Minutes(1));
    EXPECT_EQ(c.global.scrape_timeout, Duration::Seconds(10));
    EXPECT_EQ(c.global.evaluation_interval, Duration::Minutes(1));
    EXPECT_TRUE(c.global.external_labels.empty());
    EXPECT_TRUE(c.scrape_configs.empty());
    EXPECT_TRUE(c.rule_files.empty());
    EXPECT_EQ(c.storage.tsdb.out_of_order_time_window, Duration{0});
    EXPECT_EQ(c, Config{});
  }
}

TEST(ParseConfigTest, ScrapeConfigDefaults) {
  Config c = MustParse("scrape_configs:\n  - job_name: node\n");
  ASSERT_EQ(c.scrape_configs.size(), 1u);
  const ScrapeConfig& s = c.scrape_configs[0];
  EXPECT_EQ(s.job_name, "node");
  EXPECT_EQ(s.scrape_interval, Duration::Minutes(1));
  EXPECT_EQ(s.scrape_timeout, Duration::Seconds(10));
  EXPECT_EQ(s.metrics_path, "/metrics");
  EXPECT_EQ(s.scheme, "http");
  EXPECT_FALSE(s.honor_labels);
  EXPECT_TRUE(s.honor_timestamps);
  EXPECT_FALSE(s.track_timestamps_staleness);
  EXPECT_EQ(s.body_size_limit, 0);
  EXPECT_EQ(s.sample_limit, 0u);
  EXPECT_FALSE(s.http_client.basic_auth.has_value());
  EXPECT_FALSE(s.http_client.authorization.has_value());
  EXPECT_EQ(s.http_client.tls_config, TlsConfig{});
}

TEST(ParseConfigTest, ScrapeIntervalsInheritFromGlobal) {
  struct Case {
    std::string_view text;
    Duration interval;
    Duration timeout;
  };
  const std::vector<Case> cases = {
      // Job inherits both.
      {"global: {scrape_interval: 30s, scrape_timeout: 20s}\n"
       "scrape_configs: [{job_name: a}]\n",
       Duration::Seconds(30), Duration::Seconds(20)},
      // Job interval below the global timeout: the timeout shrinks to the interval.
      {"global: {scrape_interval: 30s, scrape_timeout: 20s}\n"
       "scrape_configs: [{job_name: a, scrape_interval: 5s}]\n",
       Duration::Seconds(5), Duration::Seconds(5)},
      // Global interval below the default timeout: so does the global timeout.
      {"global: {scrape_interval: 4s}\nscrape_configs: [{job_name: a}]\n", Duration::Seconds(4),
       Duration::Seconds(4)},
      // Explicit zero means "inherit", as in Prometheus.
      {"global: {scrape_interval: 0s}\n"
       "scrape_configs: [{job_name: a, scrape_interval: 0, scrape_timeout: 0s}]\n",
       Duration::Minutes(1), Duration::Seconds(10)},
      {"scrape_configs: [{job_name: a, scrape_interval: 2m, scrape_timeout: 90s}]\n",
       Duration::Minutes(2), Duration::Seconds(90)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    Config cfg = MustParse(c.text);
    ASSERT_EQ(cfg.scrape_configs.size(), 1u);
    EXPECT_EQ(cfg.scrape_configs[0].scrape_interval, c.interval);
    EXPECT_EQ(cfg.scrape_configs[0].scrape_timeout, c.timeout);
  }
  Config g = MustParse("global: {scrape_interval: 4s}\n");
  EXPECT_EQ(g.global.scrape_timeout, Duration::Seconds(4));
}

TEST(ParseConfigTest, ReadsEveryField) {
  Config c = MustParse(kFullConfig);
  EXPECT_EQ(c.global.scrape_interval, Duration::Seconds(15));
  EXPECT_EQ(c.global.scrape_timeout, Duration::Seconds(5));
  EXPECT_EQ(c.global.evaluation_interval, Duration::Seconds(30));
  EXPECT_EQ(c.global.external_labels,
            (std::map<std::string, std::string>{{"region", "eu-west"}, {"replica", "1"}}));
  EXPECT_EQ(c.global.query_log_file, "/var/log/osprey/queries.log");
  EXPECT_EQ(c.rule_files, (std::vector<std::string>{"rules/*.yml", "/etc/osprey/alerts.yml"}));
  EXPECT_EQ(c.storage.tsdb.out_of_order_time_window, Duration::Minutes(30));
  ASSERT_EQ(c.scrape_configs.size(), 2u);

  const ScrapeConfig& p = c.scrape_configs[0];
  EXPECT_EQ(p.scrape_interval, Duration::Seconds(15));
  EXPECT_EQ(p.scrape_timeout, Duration::Seconds(5));
  ASSERT_EQ(p.static_configs.size(), 1u);
  EXPECT_EQ(p.static_configs[0].targets,
            (std::vector<std::string>{"localhost:9090", "localhost:9100"}));
  EXPECT_EQ(p.static_configs[0].labels.at("env"), "prod");

  const ScrapeConfig& b = c.scrape_configs[1];
  EXPECT_TRUE(b.honor_labels);
  EXPECT_FALSE(b.honor_timestamps);
  EXPECT_TRUE(b.track_timestamps_staleness);
  EXPECT_EQ(b.params.at("module"), (std::vector<std::string>{"http_2xx", "tcp"}));
  EXPECT_EQ(b.scrape_interval, Duration::Minutes(1));
  EXPECT_EQ(b.scrape_timeout, Duration::Seconds(20));
  EXPECT_EQ(b.metrics_path, "/probe");
  EXPECT_EQ(b.scheme, "https");
  EXPECT_EQ(b.body_size_limit, 10 * 1024 * 1024);
  EXPECT_EQ(b.sample_limit, 5000u);
  EXPECT_EQ(b.target_limit, 10u);
  EXPECT_EQ(b.label_limit, 30u);
  EXPECT_EQ(b.label_name_length_limit, 200u);
  EXPECT_EQ(b.label_value_length_limit, 2048u);
  ASSERT_TRUE(b.http_client.basic_auth.has_value());
  EXPECT_EQ(b.http_client.basic_auth->username, "scraper");
  EXPECT_EQ(b.http_client.basic_auth->password_file, "secrets/scrape.pw");
  const TlsConfig& tls = b.http_client.tls_config;
  EXPECT_EQ(tls.ca_file, "ca.pem");
  EXPECT_EQ(tls.cert_file, "client.pem");
  EXPECT_EQ(tls.key_file, "client.key");
  EXPECT_EQ(tls.server_name, "example.org");
  EXPECT_TRUE(tls.insecure_skip_verify);
  EXPECT_EQ(tls.min_version, TlsVersion::kTls13);
  ASSERT_EQ(b.file_sd_configs.size(), 1u);
  EXPECT_EQ(b.file_sd_configs[0].files, (std::vector<std::string>{"targets/*.json", "more.yml"}));
  EXPECT_EQ(b.file_sd_configs[0].refresh_interval, Duration::Minutes(2));
  ASSERT_EQ(b.http_sd_configs.size(), 1u);
  EXPECT_EQ(b.http_sd_configs[0].url, "https://sd.example.org/targets");
  EXPECT_EQ(b.http_sd_configs[0].refresh_interval, Duration::Seconds(30));
  ASSERT_TRUE(b.http_sd_configs[0].http_client.authorization.has_value());
  EXPECT_EQ(b.http_sd_configs[0].http_client.authorization->type, "Token");
  EXPECT_EQ(b.http_sd_configs[0].http_client.authorization->credentials_file, "/run/token");

  ASSERT_EQ(b.relabel_configs.size(), 7u);
  const RelabelConfig& r0 = b.relabel_configs[0];
  EXPECT_EQ(r0.action, RelabelAction::kReplace);
  EXPECT_EQ(r0.source_labels, std::vector<std::string>{"__address__"});
  EXPECT_EQ(r0.separator, ";");
  EXPECT_EQ(r0.regex, "(.*)");
  EXPECT_EQ(r0.replacement, "$1");
  EXPECT_EQ(r0.target_label, "__param_target");
  EXPECT_EQ(b.relabel_configs[1].regex, "(.*):\\d+");
  EXPECT_EQ(b.relabel_configs[1].replacement, "${1}");
  EXPECT_EQ(b.relabel_configs[2].action, RelabelAction::kHashMod);
  EXPECT_EQ(b.relabel_configs[2].modulus, 8u);
  EXPECT_EQ(b.relabel_configs[3].action, RelabelAction::kKeep);
  EXPECT_EQ(b.relabel_configs[4].action, RelabelAction::kLabelMap);
  EXPECT_EQ(b.relabel_configs[5].action, RelabelAction::kKeepEqual);
  EXPECT_EQ(b.relabel_configs[6].action, RelabelAction::kLowercase);
  ASSERT_EQ(b.metric_relabel_configs.size(), 2u);
  EXPECT_EQ(b.metric_relabel_configs[0].action, RelabelAction::kLabelDrop);
  EXPECT_EQ(b.metric_relabel_configs[1].separator, ",");
}

TEST(ParseConfigTest, AcceptsAnchorsAndMergeKeys) {
  // Unknown top-level keys are rejected (no "x-defaults:" holders), so anchors live inside
  // the sections themselves.
  Config m = MustParse(
      "scrape_configs:\n"
      "  - &base {job_name: a, scrape_interval: 5s, metrics_path: /m}\n"
      "  - <<: *base\n"
      "    job_name: b\n");
  ASSERT_EQ(m.scrape_configs.size(), 2u);
  EXPECT_EQ(m.scrape_configs[1].job_name, "b");
  EXPECT_EQ(m.scrape_configs[1].scrape_interval, Duration::Seconds(5));
  EXPECT_EQ(m.scrape_configs[1].metrics_path, "/m");
}

TEST(ConfigToYamlTest, WritesEffectiveDefaultsInPrometheusOrder) {
  Config c =
      MustParse("scrape_configs:\n  - job_name: node\n    static_configs: [{targets: [a:1]}]\n");
  EXPECT_EQ(c.ToYaml(),
            "global:\n"
            "  scrape_interval: 1m\n"
            "  scrape_timeout: 10s\n"
            "  evaluation_interval: 1m\n"
            "scrape_configs:\n"
            "  - job_name: node\n"
            "    honor_labels: false\n"
            "    honor_timestamps: true\n"
            "    track_timestamps_staleness: false\n"
            "    scrape_interval: 1m\n"
            "    scrape_timeout: 10s\n"
            "    metrics_path: /metrics\n"
            "    scheme: http\n"
            "    tls_config:\n"
            "      insecure_skip_verify: false\n"
            "    static_configs:\n"
            "      - targets:\n"
            "          - a:1\n"
            "storage:\n"
            "  tsdb:\n"
            "    out_of_order_time_window: 0s\n");
}

TEST(ConfigToYamlTest, RoundTripsThroughParse) {
  const Config original = MustParse(kFullConfig);
  const std::string yaml = original.ToYaml();
  Result<Config> again = ParseConfig(yaml, "effective.yml");
  ASSERT_TRUE(again.ok()) << again.status().ToString() << "\n" << yaml;
  EXPECT_EQ(*again, original) << yaml;
  EXPECT_EQ(again->ToYaml(), yaml);
  EXPECT_EQ(MustParse(Config{}.ToYaml()), Config{});
}

TEST(ConfigToYamlTest, RoundTripsStringsThatLookLikeOtherTypes) {
  const std::vector<std::string> tricky = {"null",
                                           "~",
                                           "",
                                           "true",
                                           "no",
                                           "0x1F",
                                           "1e3",
                                           "- x",
                                           "a: b",
                                           "x:",
                                           ":x",
                                           "#x",
                                           "a #b",
                                           "'q'",
                                           "\"q\"",
                                           "line\nbreak",
                                           "cr\r",
                                           " pad ",
                                           "tab\t",
                                           "---",
                                           "...",
                                           "[a",
                                           "a]",
                                           "{a",
                                           "a,b",
                                           "*ref",
                                           "&anchor",
                                           "!tag",
                                           "%dir",
                                           "@at",
                                           "`tick",
                                           "|",
                                           ">",
                                           "?",
                                           "-",
                                           "caf\xc3\xa9",
                                           "nel\xc2\x85",
                                           "ls\xe2\x80\xa8",
                                           "\xef\xbb\xbf"
                                           "bom",
                                           "\x01"
                                           "ctl",
                                           "del\x7f",
                                           "emoji\xf0\x9f\x98\x80",
                                           "back\\slash"};
  Config c;
  ScrapeConfig s;
  s.job_name = "job";
  s.scrape_interval = Duration::Seconds(10);
  s.scrape_timeout = Duration::Seconds(10);
  for (size_t i = 0; i < tricky.size(); ++i) {
    const std::string name = "l" + std::to_string(i);
    c.global.external_labels[name] = tricky[i];
    s.params[tricky[i]] = {tricky[i]};
    StaticConfig group;
    group.targets = {tricky[i]};
    s.static_configs.push_back(group);
  }
  s.metrics_path = tricky[0];
  c.scrape_configs.push_back(s);
  for (const std::string& t : tricky) {
    SCOPED_TRACE(t);
    c.scrape_configs[0].job_name = t.empty() ? "x" : t;
    c.scrape_configs[0].metrics_path = t;
    c.global.query_log_file = t;
    c.rule_files = {t};
    Result<Config> again = ParseConfig(c.ToYaml(), "effective.yml");
    ASSERT_TRUE(again.ok()) << again.status().ToString() << "\n" << c.ToYaml();
    EXPECT_EQ(*again, c) << c.ToYaml();
  }
}

TEST(ConfigToYamlTest, MasksSecrets) {
  Config c = MustParse(
      "scrape_configs:\n"
      "  - job_name: a\n"
      "    basic_auth: {username: u, password: hunter2}\n"
      "  - job_name: b\n"
      "    authorization: {credentials: tok3n}\n"
      "    http_sd_configs:\n"
      "      - url: http://sd/x\n"
      "        basic_auth: {password: sdpass}\n");
  ASSERT_EQ(c.scrape_configs.size(), 2u);
  EXPECT_EQ(c.scrape_configs[0].http_client.basic_auth->password, "hunter2");
  const std::string yaml = c.ToYaml();
  EXPECT_EQ(yaml.find("hunter2"), std::string::npos) << yaml;
  EXPECT_EQ(yaml.find("tok3n"), std::string::npos) << yaml;
  EXPECT_EQ(yaml.find("sdpass"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("      password: <secret>\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("      type: Bearer\n      credentials: <secret>\n"), std::string::npos)
      << yaml;
  // The masked output still parses, with the mask in place of each secret.
  Result<Config> again = ParseConfig(yaml, "effective.yml");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->scrape_configs[0].http_client.basic_auth->password, "<secret>");
  EXPECT_EQ(again->scrape_configs[1].http_client.authorization->credentials, "<secret>");
}

TEST(LoadConfigFileTest, ResolvesRelativePathsAgainstTheConfigDirectory) {
  testing::TempDir dir;
  const std::string path = dir.WriteFile("etc/osprey.yml", R"yaml(
global:
  query_log_file: logs/q.log
rule_files: [rules/*.yml, /abs/r.yml, ../shared/x.yml]
scrape_configs:
  - job_name: a
    basic_auth: {username: u, password_file: ./pw}
    tls_config: {ca_file: tls/ca.pem, cert_file: /abs/c.pem, key_file: k.pem}
    file_sd_configs: [{files: [sd/*.json]}]
    http_sd_configs:
      - url: http://sd/x
        authorization: {credentials_file: tok}
  - job_name: b
    authorization: {credentials_file: creds/b}
)yaml");
  Result<Config> c = LoadConfigFile(path);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const std::string etc = dir.path() + "/etc";
  EXPECT_EQ(c->global.query_log_file, etc + "/logs/q.log");
  EXPECT_EQ(c->rule_files, (std::vector<std::string>{etc + "/rules/*.yml", "/abs/r.yml",
                                                     dir.path() + "/shared/x.yml"}));
  const ScrapeConfig& a = c->scrape_configs[0];
  EXPECT_EQ(a.http_client.basic_auth->password_file, etc + "/pw");
  EXPECT_EQ(a.http_client.tls_config.ca_file, etc + "/tls/ca.pem");
  EXPECT_EQ(a.http_client.tls_config.cert_file, "/abs/c.pem");
  EXPECT_EQ(a.http_client.tls_config.key_file, etc + "/k.pem");
  EXPECT_EQ(a.http_client.tls_config.server_name, "");
  EXPECT_EQ(a.file_sd_configs[0].files, std::vector<std::string>{etc + "/sd/*.json"});
  EXPECT_EQ(a.http_sd_configs[0].http_client.authorization->credentials_file, etc + "/tok");
  EXPECT_EQ(c->scrape_configs[1].http_client.authorization->credentials_file, etc + "/creds/b");
}

TEST(LoadConfigFileTest, EmptyFileIsValid) {
  testing::TempDir dir;
  Result<Config> c = LoadConfigFile(dir.WriteFile("osprey.yml", ""));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(*c, Config{});
}

TEST(LoadConfigFileTest, ReadErrorsNameThePath) {
  testing::TempDir dir;
  const std::string missing = dir.Join("nope.yml");
  Result<Config> c = LoadConfigFile(missing);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(c.status().message(), "open " + missing + ": No such file or directory");

  Result<Config> d = LoadConfigFile(dir.path());
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().message(), "read " + dir.path() + ": Is a directory");
}

TEST(LoadConfigFileTest, ParseErrorsNameTheFileAsGiven) {
  testing::TempDir dir;
  const std::string path = dir.WriteFile("osprey.yml", "global:\n  scrape_interval: 5x\n");
  Result<Config> c = LoadConfigFile(path);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(),
            path +
                ":2:20: invalid duration \"5x\" for scrape_interval: not a valid duration "
                "string: \"5x\"");
}

}  // namespace
}  // namespace osprey::config
