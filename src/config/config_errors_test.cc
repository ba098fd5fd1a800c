// Bad osprey.yml inputs and the exact messages (with line and column) they produce.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/config.h"

namespace osprey::config {
namespace {

struct BadConfig {
  std::string_view name;
  std::string_view yaml;
  std::string_view message;
};

void ExpectErrors(const std::vector<BadConfig>& cases) {
  for (const BadConfig& c : cases) {
    SCOPED_TRACE(c.name);
    Result<Config> r = ParseConfig(c.yaml, "osprey.yml");
    ASSERT_FALSE(r.ok()) << c.yaml;
    EXPECT_EQ(r.status().message(), c.message) << c.yaml;
  }
}

TEST(ConfigErrorsTest, YamlSyntaxAndStructure) {
  ExpectErrors({
      {"syntax", "global:\n  scrape_interval: [1m\n",
       "osprey.yml:3:1: invalid YAML: end of sequence flow not found"},
      {"tab indentation", "global:\n\tscrape_interval: 1m\n",
       "osprey.yml:2:17: invalid YAML: illegal map value"},
      {"top-level list", "- job_name: a\n",
       "osprey.yml:1:1: expected a mapping at the top level, got a list"},
      {"top-level scalar", "hello\n",
       "osprey.yml:1:1: expected a mapping at the top level, got a scalar"},
      {"duplicate key", "global:\n  scrape_interval: 1m\n  scrape_interval: 2m\n",
       "osprey.yml:3:3: duplicate key \"scrape_interval\" (first defined at line 2)"},
      {"section not a mapping", "global: 5\n",
       "osprey.yml:1:9: expected a mapping for global, got a scalar"},
      {"scrape_configs not a list", "scrape_configs: {job_name: a}\n",
       "osprey.yml:1:17: expected a list for scrape_configs, got a mapping"},
  });
}

TEST(ConfigErrorsTest, UnknownAndUnsupportedSections) {
  ExpectErrors({
      {"unknown top-level", "global: {}\nfoo: 1\n", "osprey.yml:2:1: unknown field \"foo\""},
      {"Prometheus section not implemented here", "tracing: {}\n",
       "osprey.yml:1:1: unknown field \"tracing\""},
      {"logs", "global: {}\n\nlogs:\n  retention: 1d\n",
       "osprey.yml:3:1: section \"logs\" is not supported yet"},
      {"traces", "traces:\n", "osprey.yml:1:1: section \"traces\" is not supported yet"},
      {"remote_read", "remote_read: []\n",
       "osprey.yml:1:1: section \"remote_read\" is not supported yet"},
      {"unknown in global", "global:\n  scrape_intervl: 1m\n",
       "osprey.yml:2:3: unknown field \"scrape_intervl\" in global"},
      {"unknown in scrape config",
       "scrape_configs:\n  - job_name: a\n  - job_name: b\n    scrape_intreval: 5s\n",
       "osprey.yml:4:5: unknown field \"scrape_intreval\" in scrape_configs[1]"},
      {"unknown in static config",
       "scrape_configs:\n  - job_name: a\n    static_configs:\n      - target: [x:1]\n",
       "osprey.yml:4:9: unknown field \"target\" in scrape_configs[0].static_configs[0]"},
      {"unknown in basic_auth", "scrape_configs:\n  - job_name: a\n    basic_auth: {user: x}\n",
       "osprey.yml:3:18: unknown field \"user\" in scrape_configs[0].basic_auth"},
      {"unknown in tsdb", "storage:\n  tsdb:\n    retention: 15d\n",
       "osprey.yml:3:5: unknown field \"retention\" in storage.tsdb"},
  });
  Result<Config> r = ParseConfig("auth: []\n", "osprey.yml");
  EXPECT_EQ(r.status().code(), StatusCode::kUnimplemented);
}

TEST(ConfigErrorsTest, GlobalValues) {
  ExpectErrors({
      {"bad duration", "global:\n  scrape_interval: 5x\n",
       "osprey.yml:2:20: invalid duration \"5x\" for scrape_interval: not a valid duration string: "
       "\"5x\""},
      {"aligned duration", "global:\n  scrape_interval:   1h1h\n",
       "osprey.yml:2:22: invalid duration \"1h1h\" for scrape_interval: not a valid duration "
       "string: \"1h1h\""},
      {"duration as list", "global:\n  evaluation_interval: [1m]\n",
       "osprey.yml:2:24: expected a duration for evaluation_interval, got a list"},
      {"timeout above interval", "global:\n  scrape_interval: 10s\n  scrape_timeout: 11s\n",
       "osprey.yml:3:19: global scrape timeout greater than scrape interval"},
      {"bad label name", "global:\n  external_labels:\n    ok: 1\n    1bad: x\n",
       "osprey.yml:4:5: \"1bad\" is not a valid label name"},
      {"dash in label name", "global:\n  external_labels: {a-b: x}\n",
       "osprey.yml:2:21: \"a-b\" is not a valid label name"},
      {"invalid utf8 label value", "global:\n  external_labels: {a: \"\xff\"}\n",
       "osprey.yml:2:24: invalid UTF-8 in \"\\xff\""},
      {"label value not scalar", "global:\n  external_labels: {a: [x]}\n",
       "osprey.yml:2:24: expected a string for external_labels.a, got a list"},
      {"rule file glob in directory", "rule_files: ['a/*/b.yml']\n",
       "osprey.yml:1:14: invalid rule file path \"a/*/b.yml\""},
      {"rule files not a list", "rule_files: a.yml\n",
       "osprey.yml:1:13: expected a list of strings for rule_files, got a scalar"},
      {"ooo window", "storage:\n  tsdb:\n    out_of_order_time_window: -1m\n",
       "osprey.yml:3:31: invalid duration \"-1m\" for out_of_order_time_window: not a valid "
       "duration string: \"-1m\""},
  });
}

TEST(ConfigErrorsTest, ScrapeConfigValues) {
  ExpectErrors({
      {"null entry", "scrape_configs:\n  - ~\n",
       "osprey.yml:2:5: empty or null scrape config section"},
      {"missing job_name", "scrape_configs:\n  - scrape_interval: 5s\n",
       "osprey.yml:2:5: missing required field \"job_name\" in scrape_configs[0]"},
      {"empty job_name", "scrape_configs:\n  - job_name: ''\n",
       "osprey.yml:2:15: job_name is empty"},
      {"duplicate job", "scrape_configs:\n  - job_name: a\n  - job_name: b\n  - job_name: a\n",
       "osprey.yml:4:15: found multiple scrape configs with job name \"a\""},
      {"timeout above interval",
       "scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 6s\n",
       "osprey.yml:4:21: scrape timeout greater than scrape interval for scrape config with job "
       "name \"a\""},
      {"timeout above inherited interval",
       "global: {scrape_interval: 5s}\nscrape_configs:\n  - job_name: a\n    scrape_timeout: 6s\n",
       "osprey.yml:4:21: scrape timeout greater than scrape interval for scrape config with job "
       "name \"a\""},
      {"scheme", "scrape_configs:\n  - job_name: a\n    scheme: ftp\n",
       "osprey.yml:3:13: invalid value \"ftp\" for scheme: must be one of \"http\", \"https\""},
      {"quoted bool", "scrape_configs:\n  - job_name: a\n    honor_labels: 'yes'\n",
       "osprey.yml:3:19: invalid boolean \"yes\" for honor_labels: quoted strings are not "
       "booleans"},
      {"negative limit", "scrape_configs:\n  - job_name: a\n    sample_limit: -5\n",
       "osprey.yml:3:19: invalid integer \"-5\" for sample_limit: must not be negative"},
      {"fractional limit", "scrape_configs:\n  - job_name: a\n    label_limit: 1.5\n",
       "osprey.yml:3:18: invalid integer \"1.5\" for label_limit"},
      {"body size", "scrape_configs:\n  - job_name: a\n    body_size_limit: 10XB\n",
       "osprey.yml:3:22: invalid size \"10XB\" for body_size_limit: not a valid size string: "
       "\"10XB\""},
      {"params not lists", "scrape_configs:\n  - job_name: a\n    params: {module: http}\n",
       "osprey.yml:3:22: expected a list of strings for params.module, got a scalar"},
      {"url as static target",
       "scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: [ok:1, "
       "'http://x:1/m']\n",
       "osprey.yml:4:25: \"http://x:1/m\" is not a valid hostname"},
      {"static label name",
       "scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: [a:1]\n        "
       "labels: {__bad-: x}\n",
       "osprey.yml:5:18: \"__bad-\" is not a valid label name"},
      {"file_sd without files",
       "scrape_configs:\n  - job_name: a\n    file_sd_configs:\n      - refresh_interval: 1m\n",
       "osprey.yml:4:9: file service discovery config must contain at least one path name"},
      {"file_sd extension",
       "scrape_configs:\n  - job_name: a\n    file_sd_configs:\n      - files: [a.json, "
       "targets.txt]\n",
       "osprey.yml:4:25: path name \"targets.txt\" is not valid for file discovery"},
      {"file_sd glob dir",
       "scrape_configs:\n  - job_name: a\n    file_sd_configs:\n      - files: ['*/a.json']\n",
       "osprey.yml:4:17: path name \"*/a.json\" is not valid for file discovery"},
      {"http_sd no url",
       "scrape_configs:\n  - job_name: a\n    http_sd_configs:\n      - refresh_interval: 1m\n",
       "osprey.yml:4:9: URL is missing"},
      {"http_sd scheme",
       "scrape_configs:\n  - job_name: a\n    http_sd_configs:\n      - url: ftp://x/y\n",
       "osprey.yml:4:14: URL scheme must be 'http' or 'https'"},
      {"http_sd host",
       "scrape_configs:\n  - job_name: a\n    http_sd_configs:\n      - url: http:///y\n",
       "osprey.yml:4:14: host is missing in URL"},
  });
}

TEST(ConfigErrorsTest, HttpClientValues) {
  ExpectErrors({
      {"password and password_file",
       "scrape_configs:\n  - job_name: a\n    basic_auth:\n      password: x\n      password_file: "
       "y\n",
       "osprey.yml:5:7: at most one of basic_auth password & password_file must be configured"},
      {"basic_auth and authorization",
       "scrape_configs:\n  - job_name: a\n    basic_auth: {username: u}\n    authorization: "
       "{credentials: c}\n",
       "osprey.yml:4:5: at most one of basic_auth & authorization must be configured"},
      {"credentials and file",
       "scrape_configs:\n  - job_name: a\n    authorization: {credentials: c, credentials_file: "
       "f}\n",
       "osprey.yml:3:37: at most one of authorization credentials & credentials_file must be "
       "configured"},
      {"basic authorization type",
       "scrape_configs:\n  - job_name: a\n    authorization: {type: ' Basic ', credentials: c}\n",
       "osprey.yml:3:27: authorization type cannot be set to \"basic\", use \"basic_auth\" "
       "instead"},
      {"cert without key",
       "scrape_configs:\n  - job_name: a\n    tls_config:\n      cert_file: c.pem\n",
       "osprey.yml:4:7: key_file must be configured when a client certificate is configured"},
      {"key without cert", "scrape_configs:\n  - job_name: a\n    tls_config: {key_file: k.pem}\n",
       "osprey.yml:3:18: cert_file must be configured when a client key is configured"},
      {"tls version", "scrape_configs:\n  - job_name: a\n    tls_config: {min_version: TLS14}\n",
       "osprey.yml:3:31: invalid TLS version \"TLS14\" for min_version: must be one of TLS10, "
       "TLS11, TLS12, TLS13"},
      {"http_sd client config validated",
       "scrape_configs:\n  - job_name: a\n    http_sd_configs:\n      - url: http://sd/\n        "
       "basic_auth: {password: a, password_file: b}\n",
       "osprey.yml:5:35: at most one of basic_auth password & password_file must be configured"},
  });
}

TEST(ConfigErrorsTest, RelabelConfigs) {
  const std::string head = "scrape_configs:\n  - job_name: a\n    relabel_configs:\n";
  struct Case {
    std::string_view name;
    std::string_view rule;
    std::string_view message;
  };
  const std::vector<Case> cases = {
      {"null rule", "      - ~\n",
       "osprey.yml:4:9: empty or null relabeling rule in scrape_configs[0].relabel_configs[0]"},
      {"unknown action", "      - action: rename\n",
       "osprey.yml:4:17: unknown relabel action \"rename\""},
      {"empty action", "      - action: ''\n", "osprey.yml:4:17: unknown relabel action \"\""},
      {"replace without target", "      - source_labels: [a]\n",
       "osprey.yml:4:9: relabel configuration for replace action requires 'target_label' value"},
      {"replace bad target", "      - {source_labels: [a], target_label: 1x}\n",
       "osprey.yml:4:44: \"1x\" is invalid 'target_label' for replace action"},
      {"replace target with bad reference", "      - {target_label: 'a$'}\n",
       "osprey.yml:4:24: \"a$\" is invalid 'target_label' for replace action"},
      {"hashmod without modulus",
       "      - {action: hashmod, source_labels: [a], target_label: t}\n",
       "osprey.yml:4:9: relabel configuration for hashmod requires non-zero modulus"},
      {"hashmod without target", "      - {action: hashmod, modulus: 2}\n",
       "osprey.yml:4:9: relabel configuration for hashmod action requires 'target_label' value"},
      {"lowercase with replacement",
       "      - {action: lowercase, source_labels: [a], target_label: b, replacement: x}\n",
       "osprey.yml:4:66: 'replacement' can not be set for lowercase action"},
      {"uppercase bad target", "      - {action: uppercase, target_label: 'a.b'}\n",
       "osprey.yml:4:43: \"a.b\" is invalid 'target_label' for uppercase action"},
      {"keepequal with regex",
       "      - {action: keepequal, source_labels: [a], target_label: b, regex: x}\n",
       "osprey.yml:4:9: keepequal action requires only 'source_labels' and `target_label`, and no "
       "other fields"},
      {"dropequal without target", "      - {action: dropequal, source_labels: [a]}\n",
       "osprey.yml:4:9: relabel configuration for dropequal action requires 'target_label' value"},
      {"labelmap bad replacement", "      - {action: labelmap, regex: x, replacement: '-$1'}\n",
       "osprey.yml:4:51: \"-$1\" is invalid 'replacement' for labelmap action"},
      {"labeldrop with source labels",
       "      - {action: labeldrop, regex: x, source_labels: [a]}\n",
       "osprey.yml:4:9: labeldrop action requires only 'regex', and no other fields"},
      {"labelkeep with target", "      - {action: labelkeep, regex: x, target_label: a}\n",
       "osprey.yml:4:9: labelkeep action requires only 'regex', and no other fields"},
      {"bad source label", "      - {action: keep, source_labels: [ok, 'no-no']}\n",
       "osprey.yml:4:44: \"no-no\" is not a valid label name"},
      {"negative modulus", "      - {action: hashmod, modulus: -1, target_label: t}\n",
       "osprey.yml:4:36: invalid integer \"-1\" for modulus: must not be negative"},
      {"unknown field", "      - {action: keep, regexp: x}\n",
       "osprey.yml:4:24: unknown field \"regexp\" in scrape_configs[0].relabel_configs[0]"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string yaml = head + std::string(c.rule);
    Result<Config> r = ParseConfig(yaml, "osprey.yml");
    ASSERT_FALSE(r.ok()) << yaml;
    EXPECT_EQ(r.status().message(), c.message) << yaml;
  }
  // Metric relabeling has the same rules and names its own list.
  Result<Config> m = ParseConfig(
      "scrape_configs:\n  - job_name: a\n    metric_relabel_configs:\n      - {action: nope}\n",
      "osprey.yml");
  EXPECT_EQ(m.status().message(), "osprey.yml:4:18: unknown relabel action \"nope\"");
}

TEST(ConfigErrorsTest, AcceptsRelabelingEdgeCasesThatPrometheusAccepts) {
  for (std::string_view rule : {
           "{source_labels: [a], target_label: '${1}_x'}",
           "{source_labels: [a], target_label: 'x_$1'}",
           "{action: KEEP, source_labels: [a], regex: '.+'}",
           "{action: labelmap, regex: '__meta_(.+)', replacement: 'k_${1}'}",
           "{action: dropequal, source_labels: [a], target_label: b}",
           "{action: labeldrop, regex: 'tmp.*'}",
           "{action: drop, regex: ''}",
       }) {
    SCOPED_TRACE(rule);
    const std::string yaml = "scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - " +
                             std::string(rule) + "\n";
    Result<Config> r = ParseConfig(yaml, "osprey.yml");
    EXPECT_TRUE(r.ok()) << r.status().ToString();
  }
  // With relabeling, a static target may be anything: the rules produce the address.
  Result<Config> r = ParseConfig(
      "scrape_configs:\n  - job_name: a\n    static_configs: [{targets: ['http://x/']}]\n"
      "    relabel_configs: [{source_labels: [__address__], target_label: __param_target}]\n",
      "osprey.yml");
  EXPECT_TRUE(r.ok()) << r.status().ToString();
}

}  // namespace
}  // namespace osprey::config
