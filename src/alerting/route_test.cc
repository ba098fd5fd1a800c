#include "alerting/route.h"

#include <gtest/gtest.h>

#include "config/config.h"
#include "model/alert_matchers.h"

namespace osprey::alerting {
namespace {

using model::Labels;

model::Matcher M(std::string_view text) {
  auto m = model::ParseAlertMatcher(text);
  EXPECT_TRUE(m.ok()) << text << ": " << m.status().ToString();
  return *m;
}

config::RouteConfig Node(std::string receiver, std::vector<model::Matcher> matchers) {
  config::RouteConfig c;
  c.receiver = std::move(receiver);
  c.matchers = std::move(matchers);
  return c;
}

// Alertmanager 0.25's dispatch/route_test.go TestRouteMatch tree, with its effective values
// (config::RouteConfig comes with inheritance resolved). match_re values appear anchored, as
// Alertmanager 0.25 keeps them.
config::RouteConfig AlertmanagerTestTree() {
  config::RouteConfig root = Node("notify-def", {});

  config::RouteConfig a = Node("notify-A", {M(R"(owner="team-A")")});
  config::RouteConfig testing = Node("notify-testing", {M(R"(env="testing")")});
  testing.group_by_all = true;
  config::RouteConfig prod_a = Node("notify-productionA", {M(R"(env="production")")});
  prod_a.group_wait = model::Duration::Minutes(1);
  prod_a.continue_matching = true;
  config::RouteConfig prod_b =
      Node("notify-productionB", {M(R"(job=~"^(?:.*)$")"), M(R"(env=~"^(?:produ.*)$")")});
  prod_b.repeat_interval = model::Duration::Hours(1);
  prod_b.group_by = {"job"};
  a.routes = {testing, prod_a, prod_b};

  config::RouteConfig bc = Node("notify-BC", {M(R"(owner=~"^(?:team-(B|C))$")")});
  bc.group_by = {"foo", "bar"};
  bc.group_wait = model::Duration::Minutes(2);

  config::RouteConfig role = Node("notify-def", {M(R"(group_by="role")")});
  role.group_by = {"role"};
  config::RouteConfig role_testing = Node("notify-testing", {M(R"(env="testing")")});
  role_testing.group_by = {"role"};
  config::RouteConfig wait_long = Node("notify-testing", {M(R"(wait="long")")});
  wait_long.group_by = {"role"};
  wait_long.group_wait = model::Duration::Minutes(2);
  role_testing.routes = {wait_long};
  role.routes = {role_testing};

  root.routes = {a, bc, role};
  return root;
}

TEST(RouteTest, MatchesLikeAlertmanager) {
  std::unique_ptr<Route> tree = Route::Build(AlertmanagerTestTree());
  struct Case {
    Labels input;
    std::vector<std::string> receivers;
    std::vector<std::string> keys;
  };
  const std::vector<Case> cases = {
      {Labels::FromStrings({"owner", "team-A"}), {"notify-A"}, {R"({}/{owner="team-A"})"}},
      {Labels::FromStrings({"owner", "team-A", "env", "unset"}),
       {"notify-A"},
       {R"({}/{owner="team-A"})"}},
      {Labels::FromStrings({"owner", "team-C"}),
       {"notify-BC"},
       {R"({}/{owner=~"^(?:team-(B|C))$"})"}},
      {Labels::FromStrings({"owner", "team-A", "env", "testing"}),
       {"notify-testing"},
       {R"({}/{owner="team-A"}/{env="testing"})"}},
      {Labels::FromStrings({"owner", "team-A", "env", "production"}),
       {"notify-productionA", "notify-productionB"},
       {R"({}/{owner="team-A"}/{env="production"})",
        R"({}/{owner="team-A"}/{env=~"^(?:produ.*)$",job=~"^(?:.*)$"})"}},
      {Labels::FromStrings({"group_by", "role"}), {"notify-def"}, {R"({}/{group_by="role"})"}},
      {Labels::FromStrings({"env", "testing", "group_by", "role"}),
       {"notify-testing"},
       {R"({}/{group_by="role"}/{env="testing"})"}},
      {Labels::FromStrings({"env", "testing", "group_by", "role", "wait", "long"}),
       {"notify-testing"},
       {R"({}/{group_by="role"}/{env="testing"}/{wait="long"})"}},
      // Nothing below the root matches: the root handles it.
      {Labels::FromStrings({"alertname", "x"}), {"notify-def"}, {"{}"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.input.ToString());
    std::vector<std::string> receivers;
    std::vector<std::string> keys;
    for (const Route* r : tree->Match(c.input)) {
      receivers.push_back(r->opts().receiver);
      keys.push_back(r->key());
    }
    EXPECT_EQ(receivers, c.receivers);
    EXPECT_EQ(keys, c.keys);
  }
}

TEST(RouteTest, OptionsComeFromTheConfig) {
  std::unique_ptr<Route> tree = Route::Build(AlertmanagerTestTree());
  auto match = tree->Match(Labels::FromStrings({"owner", "team-A", "env", "production"}));
  ASSERT_EQ(match.size(), 2u);
  EXPECT_EQ(match[0]->opts().group_wait_ms, 60'000);
  EXPECT_EQ(match[0]->opts().group_interval_ms, 300'000);
  EXPECT_EQ(match[1]->opts().repeat_interval_ms, 3600'000);
  EXPECT_EQ(match[1]->opts().group_by, std::vector<std::string>{"job"});
  auto bc = tree->Match(Labels::FromStrings({"owner", "team-B"}));
  ASSERT_EQ(bc.size(), 1u);
  EXPECT_EQ(bc[0]->opts().group_by, (std::vector<std::string>{"bar", "foo"}));
}

TEST(RouteTest, IdsAreUniqueAndNameTheSiblingIndex) {
  config::RouteConfig root = Node("r", {});
  root.routes = {Node("a", {M(R"(env="prod")")}), Node("b", {M(R"(env="prod")")})};
  root.routes[1].routes = {Node("c", {M("team=~a|b")})};
  std::unique_ptr<Route> tree = Route::Build(root);
  std::vector<std::string> ids;
  std::vector<int> indexes;
  tree->Walk([&](const Route& r) {
    ids.push_back(r.id());
    indexes.push_back(r.index());
  });
  EXPECT_EQ(ids, (std::vector<std::string>{"{}", R"({}/{env="prod"}/0)", R"({}/{env="prod"}/1)",
                                           R"({}/{env="prod"}/1/{team=~"a|b"}/0)"}));
  EXPECT_EQ(indexes, (std::vector<int>{0, 1, 2, 3}));
  // Keys do not tell the siblings apart.
  EXPECT_EQ(tree->children()[0]->key(), tree->children()[1]->key());
}

TEST(RouteTest, ContinueStopsAtTheFirstMatchWithoutIt) {
  config::RouteConfig root = Node("root", {});
  config::RouteConfig a = Node("a", {M("sev=~crit|warn")});
  a.continue_matching = true;
  config::RouteConfig b = Node("b", {M("sev=crit")});  // no continue: stops here
  config::RouteConfig c = Node("c", {M("sev!=info")});
  root.routes = {a, b, c};
  std::unique_ptr<Route> tree = Route::Build(root);
  auto receivers = [&](Labels l) {
    std::vector<std::string> out;
    for (const Route* r : tree->Match(l)) out.push_back(r->opts().receiver);
    return out;
  };
  EXPECT_EQ(receivers(Labels::FromStrings({"sev", "crit"})), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(receivers(Labels::FromStrings({"sev", "warn"})), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(receivers(Labels::FromStrings({"sev", "info"})), (std::vector<std::string>{"root"}));
  // An absent label matches != and a regex that matches the empty string.
  EXPECT_EQ(receivers(Labels::FromStrings({"x", "y"})), (std::vector<std::string>{"c"}));
}

TEST(RouteTest, GroupLabelsAndGroupKey) {
  config::RouteConfig root = Node("root", {});
  root.group_by = {"team", "alertname", "missing"};
  config::RouteConfig all = Node("all", {M("kind=all")});
  all.group_by_all = true;
  root.routes = {all};
  std::unique_ptr<Route> tree = Route::Build(root);

  Labels alert = Labels::FromStrings({"alertname", "HighLatency", "team", "a", "pod", "p1"});
  Labels group = tree->GroupLabels(alert);
  EXPECT_EQ(group, Labels::FromStrings({"alertname", "HighLatency", "team", "a"}));
  EXPECT_EQ(GroupKey(*tree, group), R"({}:{alertname="HighLatency", team="a"})");

  const Route& r = *tree->children()[0];
  Labels a2 = Labels::FromStrings({"kind", "all", "x", "1"});
  EXPECT_EQ(r.GroupLabels(a2), a2);
  EXPECT_EQ(GroupKey(r, r.GroupLabels(a2)), R"({}/{kind="all"}:{kind="all", x="1"})");
  EXPECT_EQ(GroupKey(*tree, Labels()), "{}:{}");
}

TEST(RouteTest, LabelSetFormatSortsPairsLikeGo) {
  // Go sorts the printed `name="value"` strings: "a0=" < "a=" because '0' < '='.
  EXPECT_EQ(FormatLabelSet(Labels::FromStrings({"a", "x", "a0", "y"})), R"({a0="y", a="x"})");
  EXPECT_EQ(FormatLabelSet(Labels::FromStrings({"msg", "say \"hi\"\n"})),
            R"({msg="say \"hi\"\n"})");
}

TEST(RouteTest, MatcherValuesAreEscapedInKeys) {
  config::RouteConfig root = Node("root", {});
  root.routes = {Node("a", {M(R"(path="a\"b\\c")")})};
  std::unique_ptr<Route> tree = Route::Build(root);
  EXPECT_EQ(tree->children()[0]->key(), R"({}/{path="a\"b\\c"})");
}

// Group keys as Alertmanager 0.25 (prometheus-alertmanager) sent them in webhook groupKey
// fields for the same config and alerts.
TEST(RouteTest, GroupKeysEqualAlertmanagersForAParsedConfig) {
  auto cfg = config::ParseConfig(R"(
route:
  receiver: hook
  group_by: [alertname, a, a0]
  routes:
    - matchers: ['env="prod"', 'job=~"ap.*"']
      receiver: hook
      group_by: ['...']
receivers:
  - name: hook
    webhook_configs:
      - url: http://127.0.0.1:19876/
)",
                                 "osprey.yml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  ASSERT_TRUE(cfg->route.has_value());
  std::unique_ptr<Route> tree = Route::Build(*cfg->route);
  auto key = [&](Labels l) {
    std::vector<const Route*> rs = tree->Match(l);
    EXPECT_EQ(rs.size(), 1u);
    return GroupKey(*rs[0], rs[0]->GroupLabels(l));
  };
  EXPECT_EQ(key(Labels::FromStrings({"alertname", "X", "team", "b", "a", "1", "a0", "2"})),
            R"({}:{a0="2", a="1", alertname="X"})");
  EXPECT_EQ(
      key(Labels::FromStrings(
          {"alertname", "Y", "env", "prod", "job", "api", "msg", "say \"hi\""})),
      R"({}/{env="prod",job=~"ap.*"}:{alertname="Y", env="prod", job="api", msg="say \"hi\""})");
}

}  // namespace
}  // namespace osprey::alerting
