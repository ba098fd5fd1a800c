#include "ingest/relabel.h"

#include <openssl/evp.h>
#include <re2/re2.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "base/check.h"
#include "model/go_regexp.h"

namespace osprey::ingest {

struct Relabeler::Rule {
  config::RelabelConfig config;
  std::unique_ptr<RE2> re;
  bool default_regex = false;  // "(.*)": allows replace's fast path
};

namespace {

using config::RelabelAction;

re2::StringPiece Piece(std::string_view s) { return re2::StringPiece(s.data(), s.size()); }

bool FullMatch(const RE2& re, std::string_view text) {
  re2::StringPiece input = Piece(text);
  return re.Match(input, 0, input.size(), RE2::ANCHOR_BOTH, nullptr, 0);
}

// Matches `text` and, on a match, expands `tmpl` with its submatches (Go's
// Regexp.ExpandString after FindStringSubmatchIndex). `groups` is scratch space.
bool MatchAndExpand(const RE2& re, std::string_view text, std::span<const std::string> tmpls,
                    std::vector<re2::StringPiece>& groups, std::string* out) {
  groups.assign(static_cast<size_t>(re.NumberOfCapturingGroups()) + 1, re2::StringPiece());
  re2::StringPiece input = Piece(text);
  if (!re.Match(input, 0, input.size(), RE2::ANCHOR_BOTH, groups.data(),
                static_cast<int>(groups.size()))) {
    return false;
  }
  for (size_t i = 0; i < tmpls.size(); ++i) out[i] = model::ExpandTemplate(tmpls[i], re, groups);
  return true;
}

// Prometheus 3's default (UTF-8) label name validation.
bool IsValidName(std::string_view name) { return !name.empty() && model::IsValidUtf8(name); }

std::string MapAscii(std::string_view s, bool upper) {
  std::string out(s);
  for (char& ch : out) {
    if (upper && ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    if (!upper && ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return out;
}

// The MD5 digest's low 8 bytes, big-endian, modulo `modulus`, as Prometheus's hashmod.
uint64_t HashMod(std::string_view value, uint64_t modulus) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  OSPREY_CHECK(EVP_Digest(value.data(), value.size(), digest.data(), &len, EVP_md5(), nullptr) ==
                   1 &&
               len == 16)
      << "EVP_Digest(md5) failed";
  uint64_t sum = 0;
  for (size_t i = 8; i < 16; ++i) sum = (sum << 8) | digest[i];
  return sum % modulus;
}

}  // namespace

Relabeler::Relabeler(std::vector<Rule> rules) : rules_(std::move(rules)) {}
Relabeler::Relabeler() = default;
Relabeler::Relabeler(Relabeler&&) noexcept = default;
Relabeler& Relabeler::operator=(Relabeler&&) noexcept = default;
Relabeler::~Relabeler() = default;

Result<Relabeler> Relabeler::Create(std::span<const config::RelabelConfig> configs) {
  std::vector<Rule> rules;
  rules.reserve(configs.size());
  for (size_t i = 0; i < configs.size(); ++i) {
    const config::RelabelConfig& c = configs[i];
    RE2::Options options;
    options.set_log_errors(false);
    auto re = std::make_unique<RE2>(std::string("^(?s:").append(c.regex).append(")$"), options);
    if (!re->ok()) {
      return InvalidArgumentError(std::string("relabel rule ")
                                      .append(std::to_string(i + 1))
                                      .append(": invalid regex ")
                                      .append(c.regex)
                                      .append(": ")
                                      .append(re->error()));
    }
    if (c.action == RelabelAction::kHashMod && c.modulus == 0) {
      return InvalidArgumentError(std::string("relabel rule ")
                                      .append(std::to_string(i + 1))
                                      .append(": hashmod requires a non-zero modulus"));
    }
    rules.push_back(Rule{.config = c,
                         .re = std::move(re),
                         .default_regex = c.regex == config::RelabelConfig::kDefaultRegex});
  }
  return Relabeler(std::move(rules));
}

std::optional<model::Labels> Relabeler::Process(const model::Labels& in) const {
  model::Labels cur = in;
  std::vector<re2::StringPiece> groups;
  std::string val;
  for (const Rule& rule : rules_) {
    const config::RelabelConfig& c = rule.config;
    const RE2& re = *rule.re;
    val.clear();
    for (size_t i = 0; i < c.source_labels.size(); ++i) {
      if (i > 0) val.append(c.separator);
      val.append(cur.Get(c.source_labels[i]));
    }
    switch (c.action) {
      case RelabelAction::kDrop:
        if (FullMatch(re, val)) return std::nullopt;
        break;
      case RelabelAction::kKeep:
        if (!FullMatch(re, val)) return std::nullopt;
        break;
      case RelabelAction::kDropEqual:
        if (cur.Get(c.target_label) == val) return std::nullopt;
        break;
      case RelabelAction::kKeepEqual:
        if (cur.Get(c.target_label) != val) return std::nullopt;
        break;
      case RelabelAction::kReplace: {
        // Prometheus's fast path to add or delete a label: the default regex matches "" and
        // there are no references to expand.
        if (val.empty() && rule.default_regex && c.target_label.find('$') == std::string::npos &&
            c.replacement.find('$') == std::string::npos) {
          cur = model::LabelsBuilder(cur).Set(c.target_label, c.replacement).Build();
          break;
        }
        const std::string tmpls[] = {c.target_label, c.replacement};
        std::string expanded[2];
        if (!MatchAndExpand(re, val, tmpls, groups, expanded)) break;
        if (!IsValidName(expanded[0])) break;
        // An empty value deletes the label.
        cur = model::LabelsBuilder(cur).Set(expanded[0], expanded[1]).Build();
        break;
      }
      case RelabelAction::kLowercase:
      case RelabelAction::kUppercase:
        cur = model::LabelsBuilder(cur)
                  .Set(c.target_label, MapAscii(val, c.action == RelabelAction::kUppercase))
                  .Build();
        break;
      case RelabelAction::kHashMod:
        cur = model::LabelsBuilder(cur)
                  .Set(c.target_label, std::to_string(HashMod(val, c.modulus)))
                  .Build();
        break;
      case RelabelAction::kLabelMap: {
        // Matches the names of the labels as they were before this rule.
        model::LabelsBuilder b(cur);
        const std::string tmpls[] = {c.replacement};
        std::string name;
        for (const model::Label& l : cur) {
          if (MatchAndExpand(re, l.name, tmpls, groups, &name)) b.Set(name, l.value);
        }
        cur = b.Build();
        break;
      }
      case RelabelAction::kLabelDrop:
      case RelabelAction::kLabelKeep: {
        bool drop_matching = c.action == RelabelAction::kLabelDrop;
        model::LabelsBuilder b(cur);
        for (const model::Label& l : cur) {
          if (FullMatch(re, l.name) == drop_matching) b.Del(l.name);
        }
        cur = b.Build();
        break;
      }
    }
  }
  return cur;
}

}  // namespace osprey::ingest
