#include "config/yaml_decoder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "config/yaml_node.h"

namespace osprey::config {
namespace {

YamlDocument MustParse(std::string_view text) {
  Result<YamlDocument> doc = YamlDocument::Parse(text, "t.yml");
  EXPECT_TRUE(doc.ok()) << doc.status().ToString();
  return std::move(doc).value();
}

std::string ParseError(std::string_view text, YamlLimits limits = {}) {
  Result<YamlDocument> doc = YamlDocument::Parse(text, "t.yml", limits);
  if (doc.ok()) return "ok";
  EXPECT_EQ(doc.status().code(), StatusCode::kInvalidArgument);
  return doc.status().message();
}

TEST(YamlDocumentTest, EmptyTextIsNullRoot) {
  EXPECT_TRUE(MustParse("").root().IsNull());
  EXPECT_TRUE(MustParse("# only a comment\n").root().IsNull());
}

TEST(YamlDocumentTest, RecordsOneBasedPositionsOfKeysAndValues) {
  YamlDocument doc = MustParse("a: 1\nbb:\n  c: [x, 'y']\n");
  const YamlNode& root = doc.root();
  ASSERT_TRUE(root.IsMapping());
  ASSERT_EQ(root.entries().size(), 2u);
  EXPECT_EQ(root.entries()[0].key, "a");
  EXPECT_EQ(root.entries()[0].key_mark.line, 1);
  EXPECT_EQ(root.entries()[0].key_mark.column, 1);
  EXPECT_EQ(root.entries()[0].value.mark().column, 4);
  const YamlEntry* c = root.entries()[1].value.Find("c");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->key_mark.line, 3);
  EXPECT_EQ(c->key_mark.column, 3);
  ASSERT_TRUE(c->value.IsSequence());
  ASSERT_EQ(c->value.items().size(), 2u);
  EXPECT_EQ(c->value.items()[1].mark().column, 10);
  EXPECT_TRUE(c->value.items()[0].plain());
  EXPECT_FALSE(c->value.items()[1].plain());
}

TEST(YamlDocumentTest, EmptyValuePointsAtItsKey) {
  YamlDocument doc = MustParse("a:\nb: 1\n");
  const YamlEntry* a = doc.root().Find("a");
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(a->value.IsNull());
  EXPECT_EQ(a->value.mark().line, 1);
  EXPECT_EQ(a->value.mark().column, 1);
}

TEST(YamlDocumentTest, ExpandsAliasesAndMergeKeys) {
  YamlDocument doc = MustParse(
      "base: &b {x: 1, y: 2}\n"
      "copy: *b\n"
      "merged:\n"
      "  <<: *b\n"
      "  y: 3\n"
      "many:\n"
      "  <<: [{p: first}, {p: second, q: 4}]\n");
  const YamlNode& copy = doc.root().Find("copy")->value;
  ASSERT_TRUE(copy.IsMapping());
  EXPECT_EQ(copy.Find("x")->value.scalar(), "1");
  const YamlNode& merged = doc.root().Find("merged")->value;
  ASSERT_EQ(merged.entries().size(), 2u);
  EXPECT_EQ(merged.Find("x")->value.scalar(), "1");
  EXPECT_EQ(merged.Find("y")->value.scalar(), "3");  // Explicit keys win over merged ones.
  EXPECT_EQ(merged.Find("<<"), nullptr);
  const YamlNode& many = doc.root().Find("many")->value;
  EXPECT_EQ(many.Find("p")->value.scalar(), "first");  // Earlier merge sources win.
  EXPECT_EQ(many.Find("q")->value.scalar(), "4");
}

TEST(YamlDocumentTest, ReportsSyntaxAndStructureErrorsWithPositions) {
  struct Case {
    std::string_view text;
    std::string_view message;
  };
  const std::vector<Case> cases = {
      {"a: b: c\n", "t.yml:1:5: invalid YAML: illegal map value"},
      {"a: [1, 2\n", "t.yml:2:1: invalid YAML: end of sequence flow not found"},
      {"a: 1\nb: 2\na: 3\n", "t.yml:3:1: duplicate key \"a\" (first defined at line 1)"},
      {"? [a]\n: 1\n", "t.yml:1:3: mapping keys must be strings, got a list"},
      {"a: &x [*x]\n", "t.yml:1:8: alias refers to a node that contains it"},
      {"a:\n  <<: 5\n", "t.yml:2:7: merge key \"<<\" needs a mapping or a list of mappings"},
      {"a: *nope\n", "t.yml:1:4: invalid YAML: the referenced anchor is not defined"},
      {"ok: 1\nk\xc3: v\n", "t.yml:2:1: invalid UTF-8 in \"k\\xc3\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(ParseError(c.text), c.message);
  }
}

TEST(YamlDocumentTest, RejectsNestingDeeperThanTheLimit) {
  std::string deep(200, '[');
  deep += std::string(200, ']');
  EXPECT_EQ(ParseError(deep, YamlLimits{.max_depth = 64}),
            "t.yml:1:65: nesting too deep: more than 64 levels");
  // Yaml-cpp's own recursion guard stops absurd depths before our builder sees them.
  std::string absurd(100'000, '[');
  EXPECT_NE(ParseError(absurd), "ok");
}

TEST(YamlDocumentTest, RejectsAliasBombs) {
  // Nine levels of ten aliases each: 10^9 nodes once expanded.
  std::ostringstream bomb;
  bomb << "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    bomb << "a" << i << ": &a" << i << " [*a" << i - 1;
    for (int j = 0; j < 9; ++j) bomb << ", *a" << i - 1;
    bomb << "]\n";
  }
  const std::string error = ParseError(bomb.str(), YamlLimits{.max_nodes = 100'000});
  EXPECT_NE(error.find("document too large: more than 100000 nodes after expanding aliases"),
            std::string::npos)
      << error;
}

TEST(YamlDocumentTest, RejectsAliasChainsThatGrowDeeperThanTheLimit) {
  // Each level nests the previous anchor one level deeper.
  std::ostringstream chain;
  chain << "a0: &a0 [x]\n";
  for (int i = 1; i < 100; ++i) chain << "a" << i << ": &a" << i << " [*a" << i - 1 << "]\n";
  EXPECT_NE(ParseError(chain.str(), YamlLimits{.max_depth = 32}).find("nesting too deep"),
            std::string::npos);
}

// Decodes `text` (a one-key mapping `v: ...`) into T.
template <typename T>
std::string DecodeOne(std::string_view text, T* out) {
  YamlDocument doc = MustParse(text);
  Result<MappingDecoder> m = MappingDecoder::Open(doc, doc.root(), "", {"v"});
  if (!m.ok()) return m.status().message();
  Status s = m->Required("v", out);
  return s.ok() ? "ok" : s.message();
}

TEST(DecodeValueTest, DecodesBooleansLikeYamlV2) {
  for (std::string_view t : {"true", "True", "yes", "on", "Y"}) {
    bool b = false;
    EXPECT_EQ(DecodeOne(std::string("v: ") + std::string(t), &b), "ok") << t;
    EXPECT_TRUE(b) << t;
  }
  for (std::string_view t : {"false", "FALSE", "no", "off", "n"}) {
    bool b = true;
    EXPECT_EQ(DecodeOne(std::string("v: ") + std::string(t), &b), "ok") << t;
    EXPECT_FALSE(b) << t;
  }
  bool b = false;
  EXPECT_EQ(DecodeOne("v: maybe", &b), "t.yml:1:4: invalid boolean \"maybe\" for v");
  EXPECT_EQ(DecodeOne("v: 'true'", &b),
            "t.yml:1:4: invalid boolean \"true\" for v: quoted strings are not booleans");
  EXPECT_EQ(DecodeOne("v: [true]", &b), "t.yml:1:4: expected a boolean for v, got a list");
}

TEST(DecodeValueTest, DecodesIntegersWithRangeChecks) {
  struct Case {
    std::string_view text;
    std::string_view result;
    int64_t value;
  };
  const std::vector<Case> cases = {
      {"v: 42", "ok", 42},
      {"v: -7", "ok", -7},
      {"v: +7", "ok", 7},
      {"v: 9223372036854775807", "ok", INT64_MAX},
      {"v: -9223372036854775808", "ok", INT64_MIN},
      {"v: 9223372036854775808",
       "t.yml:1:4: invalid integer \"9223372036854775808\" for v: out of range", 0},
      {"v: 1.5", "t.yml:1:4: invalid integer \"1.5\" for v", 0},
      {"v: 0x10", "t.yml:1:4: invalid integer \"0x10\" for v", 0},
      {"v: '5'", "t.yml:1:4: invalid integer \"5\" for v: quoted strings are not numbers", 0},
      {"v: {a: 1}", "t.yml:1:4: expected an integer for v, got a mapping", 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    int64_t v = 0;
    EXPECT_EQ(DecodeOne(c.text, &v), c.result);
    if (c.result == "ok") {
      EXPECT_EQ(v, c.value);
    }
  }
  uint64_t u = 0;
  EXPECT_EQ(DecodeOne("v: 18446744073709551615", &u), "ok");
  EXPECT_EQ(u, UINT64_MAX);
  EXPECT_EQ(DecodeOne("v: -1", &u),
            "t.yml:1:4: invalid integer \"-1\" for v: must not be negative");
  EXPECT_EQ(DecodeOne("v: 18446744073709551616", &u),
            "t.yml:1:4: invalid integer \"18446744073709551616\" for v: out of range");
}

TEST(DecodeValueTest, DecodesFloatingPointNumbers) {
  double d = 0;
  EXPECT_EQ(DecodeOne("v: 1.5e3", &d), "ok");
  EXPECT_EQ(d, 1500);
  EXPECT_EQ(DecodeOne("v: -0.25", &d), "ok");
  EXPECT_EQ(d, -0.25);
  EXPECT_EQ(DecodeOne("v: .inf", &d), "ok");
  EXPECT_TRUE(std::isinf(d) && d > 0);
  EXPECT_EQ(DecodeOne("v: .nan", &d), "ok");
  EXPECT_TRUE(std::isnan(d));
  EXPECT_EQ(DecodeOne("v: inf", &d), "t.yml:1:4: invalid number \"inf\" for v");
  EXPECT_EQ(DecodeOne("v: 1e999", &d), "t.yml:1:4: invalid number \"1e999\" for v");
  EXPECT_EQ(DecodeOne("v: +-1", &d), "t.yml:1:4: invalid number \"+-1\" for v");
}

TEST(DecodeValueTest, DecodesDurationsFromPlainOrQuotedScalars) {
  model::Duration d;
  EXPECT_EQ(DecodeOne("v: 1h30m", &d), "ok");
  EXPECT_EQ(d, model::Duration::Minutes(90));
  EXPECT_EQ(DecodeOne("v: \"15s\"", &d), "ok");
  EXPECT_EQ(d, model::Duration::Seconds(15));
  EXPECT_EQ(DecodeOne("v: 5x", &d),
            "t.yml:1:4: invalid duration \"5x\" for v: not a valid duration string: \"5x\"");
  EXPECT_EQ(DecodeOne("v: [1s]", &d), "t.yml:1:4: expected a duration for v, got a list");
}

TEST(DecodeValueTest, StringsTakeAnyScalarText) {
  std::string s;
  EXPECT_EQ(DecodeOne("v: 123", &s), "ok");
  EXPECT_EQ(s, "123");
  EXPECT_EQ(DecodeOne("v: \"null\"", &s), "ok");
  EXPECT_EQ(s, "null");
  EXPECT_EQ(DecodeOne("v: |\n  two\n  lines\n", &s), "ok");
  EXPECT_EQ(s, "two\nlines\n");
  EXPECT_EQ(DecodeOne("v: {}", &s), "t.yml:1:4: expected a string for v, got a mapping");
}

TEST(DecodeValueTest, DecodesListsAndMaps) {
  std::vector<std::string> list;
  EXPECT_EQ(DecodeOne("v: [a, 2, 'c']", &list), "ok");
  EXPECT_EQ(list, (std::vector<std::string>{"a", "2", "c"}));
  EXPECT_EQ(DecodeOne("v: [a, [b]]", &list), "t.yml:1:8: expected a string for v, got a list");
  EXPECT_EQ(DecodeOne("v: [a, ~]", &list), "t.yml:1:8: expected a string for v, got null");
  EXPECT_EQ(DecodeOne("v: a", &list), "t.yml:1:4: expected a list of strings for v, got a scalar");

  std::map<std::string, std::string> map;
  EXPECT_EQ(DecodeOne("v: {b: 2, a: x}", &map), "ok");
  EXPECT_EQ(map, (std::map<std::string, std::string>{{"a", "x"}, {"b", "2"}}));
  EXPECT_EQ(DecodeOne("v: {a: [1]}", &map), "t.yml:1:8: expected a string for v.a, got a list");

  std::map<std::string, std::vector<std::string>> multi;
  EXPECT_EQ(DecodeOne("v: {module: [http_2xx], x: []}", &multi), "ok");
  EXPECT_EQ(multi["module"], std::vector<std::string>{"http_2xx"});
  EXPECT_TRUE(multi["x"].empty());
}

TEST(MappingDecoderTest, RejectsUnknownKeysNamingThePath) {
  YamlDocument doc = MustParse("a: 1\nsub:\n  known: 1\n  typo: 2\n");
  EXPECT_EQ(MappingDecoder::Open(doc, doc.root(), "", {"a"}).status().message(),
            "t.yml:2:1: unknown field \"sub\"");
  const YamlNode& sub = doc.root().Find("sub")->value;
  EXPECT_EQ(MappingDecoder::Open(doc, sub, "x[0].sub", {"known"}).status().message(),
            "t.yml:4:3: unknown field \"typo\" in x[0].sub");
  EXPECT_TRUE(MappingDecoder::Open(doc, sub, "sub", {"known", "typo"}).ok());
}

TEST(MappingDecoderTest, RejectsNonMappingsAndAcceptsNullAsEmpty) {
  YamlDocument doc = MustParse("l: [1]\nn:\n");
  EXPECT_EQ(MappingDecoder::Open(doc, doc.root().Find("l")->value, "l", {}).status().message(),
            "t.yml:1:4: expected a mapping for l, got a list");
  YamlDocument list_doc = MustParse("- 1\n");
  EXPECT_EQ(MappingDecoder::Open(list_doc, list_doc.root(), "", {}).status().message(),
            "t.yml:1:1: expected a mapping at the top level, got a list");
  Result<MappingDecoder> n = MappingDecoder::Open(doc, doc.root().Find("n")->value, "n", {"x"});
  ASSERT_TRUE(n.ok());
  EXPECT_FALSE(n->Has("x"));
}

TEST(MappingDecoderTest, NullValuesKeepDefaultsAndMissingRequiredFieldsAreErrors) {
  YamlDocument doc = MustParse("job:\n  a:\n  b: ~\n  c: 5\n");
  Result<MappingDecoder> m =
      MappingDecoder::Open(doc, doc.root().Find("job")->value, "job", {"a", "b", "c", "d"});
  ASSERT_TRUE(m.ok());
  int64_t a = 7, b = 8, c = 0;
  EXPECT_TRUE(m->Optional("a", &a).ok());
  EXPECT_TRUE(m->Optional("b", &b).ok());
  EXPECT_TRUE(m->Optional("c", &c).ok());
  EXPECT_EQ(a, 7);
  EXPECT_EQ(b, 8);
  EXPECT_EQ(c, 5);
  std::string d;
  EXPECT_EQ(m->Required("d", &d).message(), "t.yml:2:3: missing required field \"d\" in job");
  EXPECT_EQ(m->Required("a", &a).message(), "t.yml:2:3: missing required field \"a\" in job");
}

TEST(MappingDecoderTest, OneOfListsTheAllowedValues) {
  YamlDocument doc = MustParse("scheme: ftp\n");
  Result<MappingDecoder> m = MappingDecoder::Open(doc, doc.root(), "", {"scheme"});
  ASSERT_TRUE(m.ok());
  std::string scheme = "http";
  EXPECT_EQ(m->OptionalOneOf("scheme", {"http", "https"}, &scheme).message(),
            "t.yml:1:9: invalid value \"ftp\" for scheme: must be one of \"http\", \"https\"");
  EXPECT_EQ(scheme, "http");
}

TEST(MappingDecoderTest, DecodesListsOfStructsWithIndexedPaths) {
  YamlDocument doc = MustParse("items:\n  - {name: a}\n  - {nme: b}\n");
  Result<MappingDecoder> m = MappingDecoder::Open(doc, doc.root(), "", {"items"});
  ASSERT_TRUE(m.ok());
  std::vector<std::string> names;
  Status s = m->DecodeList("items", &names, [&](const YamlNode& n, const std::string& path) {
    Result<MappingDecoder> item = MappingDecoder::Open(doc, n, path, {"name"});
    if (!item.ok()) return Result<std::string>(item.status());
    std::string name;
    Status st = item->Required("name", &name);
    if (!st.ok()) return Result<std::string>(st);
    return Result<std::string>(name);
  });
  EXPECT_EQ(s.message(), "t.yml:3:6: unknown field \"nme\" in items[1]");
}

TEST(YamlErrorTest, OmitsPositionWhenUnknown) {
  EXPECT_EQ(YamlError("f.yml", YamlMark{}, "boom").message(), "f.yml: boom");
  EXPECT_EQ(YamlError("f.yml", YamlMark{2, 3}, "boom").message(), "f.yml:2:3: boom");
}

}  // namespace
}  // namespace osprey::config
