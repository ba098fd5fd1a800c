// Parsing follows Prometheus's promql/promqltest/test.go (read for semantics, not copied):
// lines are trimmed, `#` lines are blank, a blank line ends a command, and the first word
// picks the command. Value notation follows the series-description grammar of upstream's
// parser (generated_parser.y): `a+bxn` is n+1 values built by repeated addition (so the
// rounding matches upstream's expectations), `_xn` is n omitted positions.
#include "promql/promqltest/script.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <regex>
#include <utility>

#include "model/duration.h"
#include "model/sample.h"
#include "model/selector.h"
#include "promql/promqltest/str_cat.h"

namespace osprey::promql::promqltest {
namespace {

std::string_view TrimView(std::string_view s) {
  size_t b = 0;
  while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  size_t e = s.size();
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

Status Bad(int line, std::string_view what) {
  return InvalidArgumentError(Cat(std::to_string(line), ": ", what));
}

Result<int64_t> ParseDurationMs(std::string_view s) {
  OSPREY_ASSIGN_OR_RETURN(model::Duration d, model::ParseDuration(s));
  return d.ms;
}

// Splits value notation on whitespace, keeping `{{ ... }}` (which holds spaces) whole.
std::vector<std::string_view> SplitValues(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i >= text.size()) break;
    size_t start = i;
    int depth = 0;
    while (i < text.size()) {
      if (text.compare(i, 2, "{{") == 0) {
        ++depth;
        i += 2;
      } else if (text.compare(i, 2, "}}") == 0 && depth > 0) {
        --depth;
        i += 2;
      } else if (depth == 0 && std::isspace(static_cast<unsigned char>(text[i]))) {
        break;
      } else {
        ++i;
      }
    }
    out.push_back(text.substr(start, i - start));
  }
  return out;
}

Result<uint64_t> ParseRepeat(std::string_view s) {
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || n > 1'000'000) {
    return InvalidArgumentError(Cat("bad repeat count \"", s, "\""));
  }
  return n;
}

// An unsigned number at the start of `s` (decimal, exponent, Inf/NaN, or a duration counted
// in seconds), stopping before `x` (the repeat marker) or a sign. Advances `s`.
std::optional<double> TakeUnsignedNumber(std::string_view& s) {
  if (StartsWithNoCase(s, "inf")) {
    s.remove_prefix(3);
    return std::numeric_limits<double>::infinity();
  }
  if (StartsWithNoCase(s, "nan")) {
    s.remove_prefix(3);
    return std::numeric_limits<double>::quiet_NaN();
  }
  size_t i = 0;
  auto digit = [&](size_t k) {
    return k < s.size() && std::isdigit(static_cast<unsigned char>(s[k]));
  };
  while (digit(i) || (i < s.size() && (s[i] == '.' || s[i] == '_'))) ++i;
  if (i == 0) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t k = i + 1;
    if (k < s.size() && (s[k] == '+' || s[k] == '-')) ++k;
    if (digit(k)) {
      i = k;
      while (digit(i)) ++i;
    }
  }
  // A duration used as a number: digits followed by units, e.g. 1m, 1m30s, 500ms.
  if (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i])) && s[i] != 'x') {
    size_t k = i;
    while (k < s.size() && std::isalnum(static_cast<unsigned char>(s[k])) && s[k] != 'x') ++k;
    Result<int64_t> ms = ParseDurationMs(s.substr(0, k));
    if (!ms.ok()) return std::nullopt;
    s.remove_prefix(k);
    return static_cast<double>(*ms) / 1000.0;
  }
  std::string digits;
  for (char c : s.substr(0, i)) {
    if (c != '_') digits.push_back(c);
  }
  double v = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  s.remove_prefix(i);
  return v;
}

std::optional<double> TakeSignedNumber(std::string_view& s) {
  bool negative = false;
  std::string_view rest = s;
  if (!rest.empty() && (rest[0] == '+' || rest[0] == '-')) {
    negative = rest[0] == '-';
    rest.remove_prefix(1);
  }
  std::optional<double> v = TakeUnsignedNumber(rest);
  if (!v) return std::nullopt;
  s = rest;
  return negative ? -*v : *v;
}

// The end of the first `{{...}}` in `s` (which starts with "{{").
size_t HistogramEnd(std::string_view s) {
  size_t e = s.find("}}");
  return e == std::string_view::npos ? std::string_view::npos : e + 2;
}

Status ParseValueToken(std::string_view tok, std::vector<SequenceValue>& out) {
  auto bad = [&] { return InvalidArgumentError(Cat("bad value \"", tok, "\"")); };
  using Kind = SequenceValue::Kind;
  if (tok == "_") {
    out.push_back({.kind = Kind::kOmitted});
    return OkStatus();
  }
  if (tok.starts_with("_x")) {
    OSPREY_ASSIGN_OR_RETURN(uint64_t n, ParseRepeat(tok.substr(2)));
    for (uint64_t i = 0; i < n; ++i) out.push_back({.kind = Kind::kOmitted});
    return OkStatus();
  }
  if (tok == "stale") {
    out.push_back({.kind = Kind::kFloat, .value = model::StaleNaN()});
    return OkStatus();
  }
  if (tok.starts_with("{{")) {
    size_t e = HistogramEnd(tok);
    if (e == std::string_view::npos) return bad();
    SequenceValue h{.kind = Kind::kHistogram, .histogram = std::string(tok.substr(0, e))};
    std::string_view rest = tok.substr(e);
    uint64_t n = 0;
    if (rest.empty()) {
      out.push_back(h);
      return OkStatus();
    }
    if (rest[0] == '+' || rest[0] == '-') {
      rest.remove_prefix(1);
      size_t e2 = rest.starts_with("{{") ? HistogramEnd(rest) : std::string_view::npos;
      if (e2 == std::string_view::npos) return bad();
      rest.remove_prefix(e2);
    }
    if (!rest.starts_with("x")) return bad();
    OSPREY_ASSIGN_OR_RETURN(n, ParseRepeat(rest.substr(1)));
    // The increment is not applied: histogram contents are not kept (see script.h).
    for (uint64_t i = 0; i <= n; ++i) out.push_back(h);
    return OkStatus();
  }
  std::string_view rest = tok;
  std::optional<double> base = TakeSignedNumber(rest);
  if (!base) return bad();
  if (rest.empty()) {
    out.push_back({.kind = Kind::kFloat, .value = *base});
    return OkStatus();
  }
  double inc = 0;
  if (rest[0] == '+' || rest[0] == '-') {
    bool negative = rest[0] == '-';
    rest.remove_prefix(1);
    std::optional<double> v = TakeUnsignedNumber(rest);
    if (!v) return bad();
    inc = negative ? -*v : *v;
  }
  if (!rest.starts_with("x")) return bad();
  OSPREY_ASSIGN_OR_RETURN(uint64_t n, ParseRepeat(rest.substr(1)));
  double v = *base;
  for (uint64_t i = 0; i <= n; ++i) {
    out.push_back({.kind = Kind::kFloat, .value = v});
    v += inc;
  }
  return OkStatus();
}

bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}

// Length of a quoted string at the start of `s` ("...", '...' or `...`), or npos.
size_t QuotedLength(std::string_view s) {
  if (s.empty() || (s[0] != '"' && s[0] != '\'' && s[0] != '`')) return std::string_view::npos;
  char q = s[0];
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] == '\\' && q != '`') {
      ++i;
    } else if (s[i] == q) {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// Parses the inside of `{...}`: `name="value", "quoted name"="value", ...`.
Status ParseLabelList(std::string_view body, std::vector<model::Label>& out) {
  std::string_view s = TrimView(body);
  while (!s.empty()) {
    std::string name;
    if (size_t q = QuotedLength(s); q != std::string_view::npos) {
      OSPREY_ASSIGN_OR_RETURN(name, model::UnquotePromQLString(s.substr(0, q)));
      s.remove_prefix(q);
    } else {
      size_t i = 0;
      while (i < s.size() && IsIdentChar(s[i])) ++i;
      if (i == 0) return InvalidArgumentError(Cat("expected a label name at \"", s, "\""));
      name = std::string(s.substr(0, i));
      s.remove_prefix(i);
    }
    s = TrimView(s);
    if (s.empty() || s.starts_with(",")) {  // {"metric.name", ...}: a quoted metric name
      out.push_back({std::string(model::kMetricName), std::move(name)});
      if (!s.empty()) s = TrimView(s.substr(1));
      continue;
    }
    if (!s.starts_with("=") || s.starts_with("=~")) {
      return InvalidArgumentError(Cat("expected \"=\" after label ", name));
    }
    s = TrimView(s.substr(1));
    size_t q = QuotedLength(s);
    if (q == std::string_view::npos) {
      return InvalidArgumentError(Cat("expected a quoted value for label ", name));
    }
    OSPREY_ASSIGN_OR_RETURN(std::string value, model::UnquotePromQLString(s.substr(0, q)));
    out.push_back({std::move(name), std::move(value)});
    s = TrimView(s.substr(q));
    if (s.starts_with(",")) {
      s = TrimView(s.substr(1));
    } else if (!s.empty()) {
      return InvalidArgumentError("expected \",\" or \"}\" in label set");
    }
  }
  return OkStatus();
}

// The length of the series part of a series line: `name`, `name{...}` or `{...}`.
Result<size_t> SeriesLength(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && IsIdentChar(line[i])) ++i;
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (i < line.size() && line[i] != '}') {
      if (size_t q = QuotedLength(line.substr(i)); q != std::string_view::npos) {
        i += q;
      } else {
        ++i;
      }
    }
    if (i >= line.size()) return InvalidArgumentError("unclosed \"{\" in series");
    ++i;
  }
  if (i == 0) return InvalidArgumentError(Cat("expected a series at \"", line, "\""));
  return i;
}

Expectation::Kind ExpectKindFor(std::string_view word) {
  using K = Expectation::Kind;
  if (word == "fail") return K::kFail;
  if (word == "ordered") return K::kOrdered;
  if (word == "warn") return K::kWarn;
  if (word == "no_warn") return K::kNoWarn;
  if (word == "info") return K::kInfo;
  return K::kNoInfo;
}

Status ParseEvalBody(const std::vector<std::string>& lines, size_t& i, EvalCmd& cmd) {
  static const std::regex kExpect(
      R"(^expect\s+(ordered|fail|warn|no_warn|info|no_info)(?:\s+(regex|msg):(.+))?$)");
  static const std::regex kExpectRange(
      R"(^expect range vector\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+)$)");
  int position = 0;
  for (; i + 1 < lines.size() && !lines[i + 1].empty(); ++i) {
    const std::string& l = lines[i + 1];
    const int line_no = static_cast<int>(i + 2);
    std::smatch m;
    if (cmd.fail && l.starts_with("expected_fail_message")) {
      cmd.fail_message = std::string(TrimView(std::string_view(l).substr(21)));
    } else if (cmd.fail && l.starts_with("expected_fail_regexp")) {
      cmd.fail_regex = std::string(TrimView(std::string_view(l).substr(20)));
    } else if (l.starts_with("expect range vector")) {
      if (!std::regex_match(l, m, kExpectRange)) return Bad(line_no, "invalid range vector line");
      Result<int64_t> from = ParseDurationMs(m[1].str());
      Result<int64_t> to = ParseDurationMs(m[2].str());
      Result<int64_t> step = ParseDurationMs(m[3].str());
      if (!from.ok() || !to.ok() || !step.ok() || *to < *from) {
        return Bad(line_no, "invalid range vector times");
      }
      cmd.expect_range_vector = true;
      cmd.start_ms = *from;
      cmd.end_ms = *to;
      cmd.step_ms = *step;
      cmd.eval_ms = *to;
      cmd.exclude_from_range_query = true;
    } else if (l.starts_with("expect string")) {
      std::string_view lit = TrimView(std::string_view(l).substr(13));
      Result<std::string> s = model::UnquotePromQLString(lit);
      if (lit.empty() || !s.ok()) return Bad(line_no, "expect string needs a quoted string");
      cmd.expected_string = *s;
      cmd.exclude_from_range_query = true;
    } else if (l.substr(0, l.find(' ')) == "expect") {
      if (!std::regex_match(l, m, kExpect)) return Bad(line_no, "invalid expect line");
      Expectation e{.kind = ExpectKindFor(m[1].str())};
      if (m[2].matched) {
        std::string arg(TrimView(m[3].str()));
        if (m[2].str() == "msg") {
          e.message = std::move(arg);
        } else {
          e.regex = std::move(arg);
        }
      }
      cmd.expects.push_back(std::move(e));
    } else if (std::optional<double> v = ParseScriptNumber(l)) {
      cmd.expect_scalar = true;
      cmd.expected = {ExpectedSeries{.values = {{.value = *v}}, .position = 0}};
    } else {
      Result<SeriesLine> s = ParseSeriesLine(l);
      if (!s.ok()) return Bad(line_no, s.status().message());
      if (s->values.size() > 1 && !cmd.is_range && !cmd.expect_range_vector) {
        return Bad(line_no, "several values for an instant query need `expect range vector`");
      }
      cmd.expect_scalar = false;
      cmd.expected.push_back({std::move(s->labels), std::move(s->values), ++position});
    }
  }
  int fails = 0;
  for (const Expectation& e : cmd.expects) fails += e.kind == Expectation::Kind::kFail;
  if (fails > 1) return Bad(cmd.line, "several `expect fail` lines");
  return OkStatus();
}

Result<EvalCmd> ParseEval(const std::vector<std::string>& lines, size_t& i) {
  static const std::regex kInstant(
      R"(^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$)");
  static const std::regex kRange(
      R"(^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$)");
  const std::string& l = lines[i];
  EvalCmd cmd;
  cmd.line = static_cast<int>(i + 1);
  std::smatch m;
  std::string mod;
  if (std::regex_match(l, m, kInstant)) {
    mod = m[1].str();
    cmd.query = m[3].str();
    Result<int64_t> at = ParseDurationMs(m[2].str());
    if (!at.ok()) return Bad(cmd.line, Cat("invalid evaluation time \"", m[2].str(), "\""));
    cmd.eval_ms = *at;
  } else if (std::regex_match(l, m, kRange)) {
    mod = m[1].str();
    cmd.is_range = true;
    cmd.query = m[5].str();
    Result<int64_t> from = ParseDurationMs(m[2].str());
    Result<int64_t> to = ParseDurationMs(m[3].str());
    Result<int64_t> step = ParseDurationMs(m[4].str());
    if (!from.ok() || !to.ok() || !step.ok() || *to < *from) {
      return Bad(cmd.line, "invalid range times");
    }
    cmd.start_ms = *from;
    cmd.end_ms = *to;
    cmd.step_ms = *step;
  } else {
    return Bad(cmd.line, "invalid eval command");
  }
  cmd.fail = mod == "fail";
  cmd.ordered = mod == "ordered";
  cmd.warn = mod == "warn";
  cmd.info = mod == "info";
  OSPREY_RETURN_IF_ERROR(ParseEvalBody(lines, i, cmd));
  return cmd;
}

Result<LoadCmd> ParseLoad(const std::vector<std::string>& lines, size_t& i) {
  static const std::regex kLoad(R"(^load(?:_(with_nhcb))?\s+(.+?)$)");
  LoadCmd cmd;
  cmd.line = static_cast<int>(i + 1);
  std::smatch m;
  if (!std::regex_match(lines[i], m, kLoad)) return Bad(cmd.line, "invalid load command");
  cmd.with_nhcb = m[1].matched;
  Result<int64_t> interval = ParseDurationMs(m[2].str());
  if (!interval.ok()) return Bad(cmd.line, Cat("invalid load interval \"", m[2].str(), "\""));
  cmd.interval_ms = *interval;
  std::map<model::Labels, size_t> index;
  for (; i + 1 < lines.size() && !lines[i + 1].empty(); ++i) {
    const std::string& l = lines[i + 1];
    const int line_no = static_cast<int>(i + 2);
    std::string_view first = std::string_view(l).substr(0, l.find_first_of(" \t"));
    if (first.ends_with("@st")) {
      cmd.has_start_timestamps = true;
      continue;
    }
    Result<SeriesLine> s = ParseSeriesLine(l);
    if (!s.ok()) return Bad(line_no, s.status().message());
    for (const SequenceValue& v : s->values) {
      cmd.has_histograms |= v.kind == SequenceValue::Kind::kHistogram;
    }
    auto [it, inserted] = index.emplace(s->labels, cmd.series.size());
    if (inserted) {
      cmd.series.push_back(std::move(*s));
    } else {
      cmd.series[it->second] = std::move(*s);
    }
  }
  return cmd;
}

}  // namespace

bool EvalCmd::IsFail() const {
  return fail || std::any_of(expects.begin(), expects.end(), [](const Expectation& e) {
           return e.kind == Expectation::Kind::kFail;
         });
}

bool EvalCmd::IsOrdered() const {
  return ordered || std::any_of(expects.begin(), expects.end(), [](const Expectation& e) {
           return e.kind == Expectation::Kind::kOrdered;
         });
}

bool EvalCmd::ExpectsHistograms() const {
  for (const ExpectedSeries& s : expected) {
    for (const SequenceValue& v : s.values) {
      if (v.kind == SequenceValue::Kind::kHistogram) return true;
    }
  }
  return false;
}

std::optional<double> ParseScriptNumber(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::string_view body = s;
  bool negative = false;
  if (body[0] == '+' || body[0] == '-') {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body.empty() || body[0] == '+' || body[0] == '-') return std::nullopt;
  // Integers with Go's base prefixes (ParseInt base 0): 0x1f, 0o17, 0b101, 017.
  int base = 10;
  std::string_view digits = body;
  if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
    base = 16;
    digits = body.substr(2);
  } else if (body.size() > 2 && body[0] == '0' && (body[1] == 'o' || body[1] == 'O')) {
    base = 8;
    digits = body.substr(2);
  } else if (body.size() > 2 && body[0] == '0' && (body[1] == 'b' || body[1] == 'B')) {
    base = 2;
    digits = body.substr(2);
  } else if (body.size() > 1 && body[0] == '0') {
    base = 8;
    digits = body.substr(1);
  }
  int64_t n = 0;
  auto [iend, iec] = std::from_chars(digits.data(), digits.data() + digits.size(), n, base);
  if (iec == std::errc() && iend == digits.data() + digits.size()) {
    return negative ? -static_cast<double>(n) : static_cast<double>(n);
  }
  double v = 0;
  auto [fend, fec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (fec != std::errc() || fend != body.data() + body.size()) return std::nullopt;
  return negative ? -v : v;
}

Result<std::vector<SequenceValue>> ParseSequence(std::string_view text) {
  std::vector<SequenceValue> out;
  for (std::string_view tok : SplitValues(text)) OSPREY_RETURN_IF_ERROR(ParseValueToken(tok, out));
  return out;
}

Result<SeriesLine> ParseSeriesLine(std::string_view line) {
  line = TrimView(line);
  OSPREY_ASSIGN_OR_RETURN(size_t len, SeriesLength(line));
  std::string_view series = line.substr(0, len);
  std::vector<model::Label> labels;
  size_t brace = series.find('{');
  std::string_view name = series.substr(0, brace);
  if (!name.empty()) labels.push_back({std::string(model::kMetricName), std::string(name)});
  if (brace != std::string_view::npos) {
    OSPREY_RETURN_IF_ERROR(
        ParseLabelList(series.substr(brace + 1, series.size() - brace - 2), labels));
  }
  SeriesLine out;
  out.labels = model::Labels(std::move(labels));
  for (size_t i = 1; i < out.labels.size(); ++i) {
    if (out.labels[i].name == out.labels[i - 1].name) {
      return InvalidArgumentError(Cat("duplicate label ", out.labels[i].name));
    }
  }
  if (len < line.size() && !std::isspace(static_cast<unsigned char>(line[len]))) {
    return InvalidArgumentError(Cat("expected a space after the series in \"", line, "\""));
  }
  OSPREY_ASSIGN_OR_RETURN(out.values, ParseSequence(line.substr(len)));
  return out;
}

Result<Script> ParseScript(std::string_view text) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view l = TrimView(text.substr(pos, nl - pos));
    if (l.starts_with("#")) l = {};
    lines.emplace_back(l);
    pos = nl + 1;
  }
  Script script;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (l.empty()) continue;
    std::string word = l.substr(0, l.find_first_of(" \t"));
    std::transform(word.begin(), word.end(), word.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (word == "clear") {
      script.commands.emplace_back(ClearCmd{static_cast<int>(i + 1)});
    } else if (word.starts_with("load")) {
      OSPREY_ASSIGN_OR_RETURN(LoadCmd cmd, ParseLoad(lines, i));
      script.commands.emplace_back(std::move(cmd));
    } else if (word.starts_with("eval")) {
      OSPREY_ASSIGN_OR_RETURN(EvalCmd cmd, ParseEval(lines, i));
      script.commands.emplace_back(std::move(cmd));
    } else {
      return Bad(static_cast<int>(i + 1), Cat("invalid command \"", l, "\""));
    }
  }
  return script;
}

}  // namespace osprey::promql::promqltest
