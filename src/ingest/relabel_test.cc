#include "ingest/relabel.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace osprey::ingest {
namespace {

using config::RelabelAction;
using config::RelabelConfig;
using model::Labels;

struct Case {
  std::string name;
  std::vector<RelabelConfig> rules;
  Labels in;
  std::optional<Labels> want;  // nullopt: dropped
};

Labels L(std::initializer_list<std::string_view> name_values) {
  return Labels::FromStrings(name_values);
}

void RunCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    Result<Relabeler> r = Relabeler::Create(c.rules);
    ASSERT_TRUE(r.ok()) << c.name << ": " << r.status().ToString();
    std::optional<Labels> got = r->Process(c.in);
    if (!c.want.has_value()) {
      EXPECT_FALSE(got.has_value()) << c.name << ": got " << got->ToString();
    } else {
      ASSERT_TRUE(got.has_value()) << c.name << ": dropped";
      EXPECT_EQ(*got, *c.want) << c.name << ": got " << got->ToString() << " want "
                               << c.want->ToString();
    }
  }
}

TEST(RelabelerTest, Replace) {
  const Labels in = L({"a", "foo", "b", "bar", "c", "baz"});
  RunCases({
      {"default regex copies the concatenation",
       {{.source_labels = {"a", "b"}, .target_label = "d"}},
       in,
       L({"a", "foo", "b", "bar", "c", "baz", "d", "foo;bar"})},
      {"groups and a custom separator",
       {{.source_labels = {"a", "b"},
         .separator = "-",
         .regex = "f(.*)-b(.*)",
         .target_label = "d",
         .replacement = "${1}_$2"}},
       in,
       L({"a", "foo", "b", "bar", "c", "baz", "d", "oo_ar"})},
      {"no match leaves the labels alone",
       {{.source_labels = {"a"}, .regex = "x(.*)", .target_label = "d"}},
       in,
       in},
      {"the regex is anchored at both ends",
       {{.source_labels = {"a"}, .regex = "o+", .target_label = "d", .replacement = "x"}},
       in,
       in},
      {"dot matches a newline",
       {{.source_labels = {"a"}, .regex = "a.(b)", .target_label = "d"}},
       L({"a", "a\nb"}),
       L({"a", "a\nb", "d", "b"})},
      {"a missing source label is the empty string",
       {{.source_labels = {"missing", "a"}, .regex = ";(.*)", .target_label = "d"}},
       in,
       L({"a", "foo", "b", "bar", "c", "baz", "d", "foo"})},
      {"an empty result deletes the target",
       {{.source_labels = {"a"}, .regex = "foo", .target_label = "c", .replacement = "$1"}},
       in,
       L({"a", "foo", "b", "bar"})},
      {"fast path: empty source and literal replacement sets the label",
       {{.target_label = "d", .replacement = "static"}},
       in,
       L({"a", "foo", "b", "bar", "c", "baz", "d", "static"})},
      {"fast path: empty replacement deletes",
       {{.target_label = "c", .replacement = ""}},
       in,
       L({"a", "foo", "b", "bar"})},
      {"the target label is expanded too",
       {{.source_labels = {"a"},
         .regex = "(f)(.*)",
         .target_label = "x_${1}",
         .replacement = "$2"}},
       in,
       L({"a", "foo", "b", "bar", "c", "baz", "x_f", "oo"})},
      {"named groups",
       {{.source_labels = {"a"},
         .regex = "(?P<first>.)(?P<rest>.*)",
         .target_label = "$first",
         .replacement = "$rest"}},
       in,
       L({"a", "foo", "b", "bar", "c", "baz", "f", "oo"})},
      {"an expanded target that is empty is skipped",
       {{.source_labels = {"a"}, .regex = "(.*)", .target_label = "$2", .replacement = "x"}},
       in,
       in},
      {"an expanded target that is invalid UTF-8 is skipped",
       {{.source_labels = {"a"}, .regex = "(.*)", .target_label = "${1}\xff", .replacement = "x"}},
       in,
       in},
      {"UTF-8 target names are allowed",
       {{.source_labels = {"a"}, .target_label = "${1}.é"}},
       in,
       L({"a", "foo", "b", "bar", "c", "baz", "foo.é", "foo"})},
      {"rules apply in order",
       {{.source_labels = {"a"}, .target_label = "d"},
        {.source_labels = {"d", "b"}, .separator = "+", .target_label = "e"}},
       in,
       L({"a", "foo", "b", "bar", "c", "baz", "d", "foo", "e", "foo+bar"})},
      {"$$ is a literal dollar",
       {{.source_labels = {"a"}, .target_label = "d", .replacement = "$$1"}},
       in,
       L({"a", "foo", "b", "bar", "c", "baz", "d", "$1"})},
  });
}

TEST(RelabelerTest, KeepAndDrop) {
  const Labels in = L({"__name__", "up", "job", "api"});
  RunCases({
      {"keep on a match",
       {{.source_labels = {"job"}, .regex = "api|web", .action = RelabelAction::kKeep}},
       in,
       in},
      {"keep drops a non-match",
       {{.source_labels = {"job"}, .regex = "web", .action = RelabelAction::kKeep}},
       in,
       std::nullopt},
      {"keep is anchored",
       {{.source_labels = {"job"}, .regex = "ap", .action = RelabelAction::kKeep}},
       in,
       std::nullopt},
      {"drop on a match",
       {{.source_labels = {"__name__", "job"}, .regex = "up;.*", .action = RelabelAction::kDrop}},
       in,
       std::nullopt},
      {"drop keeps a non-match",
       {{.source_labels = {"job"}, .regex = "a", .action = RelabelAction::kDrop}},
       in,
       in},
      {"keep with a missing source matches the empty string",
       {{.source_labels = {"missing"}, .regex = "", .action = RelabelAction::kKeep}},
       in,
       in},
      {"a later rule does not run after a drop",
       {{.source_labels = {"job"}, .regex = "api", .action = RelabelAction::kDrop},
        {.target_label = "x", .replacement = "y"}},
       in,
       std::nullopt},
  });
}

TEST(RelabelerTest, KeepEqualAndDropEqual) {
  const Labels in = L({"a", "1", "b", "1", "c", "2"});
  RunCases({
      {"keepequal keeps equal values",
       {{.source_labels = {"a"}, .target_label = "b", .action = RelabelAction::kKeepEqual}},
       in,
       in},
      {"keepequal drops different values",
       {{.source_labels = {"a"}, .target_label = "c", .action = RelabelAction::kKeepEqual}},
       in,
       std::nullopt},
      {"keepequal compares the concatenation",
       {{.source_labels = {"a", "b"}, .target_label = "c", .action = RelabelAction::kKeepEqual}},
       L({"a", "1", "b", "2", "c", "1;2"}),
       L({"a", "1", "b", "2", "c", "1;2"})},
      {"dropequal drops equal values",
       {{.source_labels = {"a"}, .target_label = "b", .action = RelabelAction::kDropEqual}},
       in,
       std::nullopt},
      {"dropequal keeps different values",
       {{.source_labels = {"a"}, .target_label = "c", .action = RelabelAction::kDropEqual}},
       in,
       in},
      {"missing source and target are equal",
       {{.source_labels = {"x"}, .target_label = "y", .action = RelabelAction::kDropEqual}},
       in,
       std::nullopt},
  });
}

TEST(RelabelerTest, HashMod) {
  // Expected values computed independently with Python:
  //   python3 -c "import hashlib; d = hashlib.md5(b'foo').digest();
  //               print(int.from_bytes(d[8:], 'big') % 1000)"
  // gives 696; likewise '' % 10 = 8, 'localhost:9090' % 8 = 2 and
  // 'a;b' % 2**62 = 2420134994223480074.
  RunCases({
      {"foo mod 1000",
       {{.source_labels = {"a"},
         .modulus = 1000,
         .target_label = "h",
         .action = RelabelAction::kHashMod}},
       L({"a", "foo"}),
       L({"a", "foo", "h", "696"})},
      {"empty mod 10",
       {{.source_labels = {"missing"},
         .modulus = 10,
         .target_label = "h",
         .action = RelabelAction::kHashMod}},
       L({"a", "foo"}),
       L({"a", "foo", "h", "8"})},
      {"an address mod 8",
       {{.source_labels = {"__address__"},
         .modulus = 8,
         .target_label = "__tmp_hash",
         .action = RelabelAction::kHashMod}},
       L({"__address__", "localhost:9090"}),
       L({"__address__", "localhost:9090", "__tmp_hash", "2"})},
      {"the concatenation, large modulus",
       {{.source_labels = {"a", "b"},
         .modulus = uint64_t{1} << 62,
         .target_label = "a",
         .action = RelabelAction::kHashMod}},
       L({"a", "a", "b", "b"}),
       L({"a", "2420134994223480074", "b", "b"})},
  });
}

TEST(RelabelerTest, LabelMapDropKeep) {
  const Labels in = L({"__meta_k8s_label_app", "web", "__meta_k8s_label_tier", "fe", "job", "x"});
  RunCases({
      {"labelmap copies matching names",
       {{.regex = "__meta_k8s_label_(.+)", .action = RelabelAction::kLabelMap}},
       in,
       L({"__meta_k8s_label_app", "web", "__meta_k8s_label_tier", "fe", "job", "x", "app", "web",
          "tier", "fe"})},
      {"labelmap with a custom replacement",
       {{.regex = "__meta_k8s_label_(.+)",
         .replacement = "k8s_${1}_v",
         .action = RelabelAction::kLabelMap}},
       in,
       L({"__meta_k8s_label_app", "web", "__meta_k8s_label_tier", "fe", "job", "x", "k8s_app_v",
          "web", "k8s_tier_v", "fe"})},
      {"labelmap is anchored",
       {{.regex = "label_(.+)", .action = RelabelAction::kLabelMap}},
       in,
       in},
      {"labelmap overwrites an existing label",
       {{.regex = "__meta_k8s_label_(app)",
         .replacement = "job",
         .action = RelabelAction::kLabelMap}},
       in,
       L({"__meta_k8s_label_app", "web", "__meta_k8s_label_tier", "fe", "job", "web"})},
      {"labeldrop",
       {{.regex = "__meta_.*", .action = RelabelAction::kLabelDrop}},
       in,
       L({"job", "x"})},
      {"labeldrop is anchored", {{.regex = "meta", .action = RelabelAction::kLabelDrop}}, in, in},
      {"labelkeep",
       {{.regex = "job|__meta_k8s_label_app", .action = RelabelAction::kLabelKeep}},
       in,
       L({"__meta_k8s_label_app", "web", "job", "x"})},
      {"labelkeep of nothing leaves an empty set",
       {{.regex = "none", .action = RelabelAction::kLabelKeep}},
       in,
       Labels()},
  });
}

TEST(RelabelerTest, LowercaseUppercase) {
  const Labels in = L({"a", "MiXeD-1", "b", "x"});
  RunCases({
      {"lowercase",
       {{.source_labels = {"a", "b"}, .target_label = "lo", .action = RelabelAction::kLowercase}},
       in,
       L({"a", "MiXeD-1", "b", "x", "lo", "mixed-1;x"})},
      {"uppercase overwrites",
       {{.source_labels = {"a"}, .target_label = "b", .action = RelabelAction::kUppercase}},
       in,
       L({"a", "MiXeD-1", "b", "MIXED-1"})},
      {"an empty value deletes",
       {{.source_labels = {"missing"}, .target_label = "b", .action = RelabelAction::kLowercase}},
       in,
       L({"a", "MiXeD-1"})},
  });
}

TEST(RelabelerTest, NoRulesReturnsTheInput) {
  Result<Relabeler> r = Relabeler::Create({});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  EXPECT_EQ(r->Process(L({"a", "b"})), L({"a", "b"}));
}

TEST(RelabelerTest, CreateErrors) {
  const std::vector<RelabelConfig> bad_regex = {{}, {.regex = "(a"}};
  Result<Relabeler> r = Relabeler::Create(bad_regex);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("relabel rule 2: invalid regex (a"), std::string::npos)
      << r.status().ToString();
  const std::vector<RelabelConfig> zero_modulus = {
      {.target_label = "h", .action = RelabelAction::kHashMod}};
  EXPECT_FALSE(Relabeler::Create(zero_modulus).ok());
}

}  // namespace
}  // namespace osprey::ingest
