// Prometheus's and Alertmanager's query-free template functions. Number formatting goes
// through the Go-compatible Sprintf so that "%.4g" prints +Inf/NaN/1.235e+08 like Go.
#include <arpa/inet.h>
#include <re2/re2.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "tmpl/funcs.h"
#include "tmpl/go_time.h"
#include "tmpl/internal/func_args.h"
#include "tmpl/internal/go_fmt.h"

namespace osprey::tmpl {
namespace {

using K = Value::Kind;

Result<std::string> StringArg(const Value& v) {
  if (v.kind() != K::kString) {
    return InvalidArgumentError(std::string("wrong type for value; expected string; got ") +
                                internal::GoTypeName(v));
  }
  return v.AsString();
}

Result<int64_t> TimeArg(const Value& v) {
  if (v.kind() != K::kTime) {
    return InvalidArgumentError(std::string("wrong type for value; expected time.Time; got ") +
                                internal::GoTypeName(v));
  }
  return v.AsTimeMs();
}

std::string G4(double v, std::string_view suffix = "") {
  Value arg(v);
  return internal::Sprintf("%.4g", std::span<const Value>(&arg, 1)).append(suffix);
}

// Registers a function of exactly N arguments.
template <size_t N, typename F>
void AddN(FuncMap* funcs, const std::string& name, F f) {
  funcs->Add(name, [name, f](std::span<const Value> args) -> Result<Value> {
    if (args.size() != N) return internal::WrongArgs(name, std::to_string(N), args.size());
    return f(args);
  });
}

Result<Value> Humanize(double v) {
  if (v == 0 || std::isnan(v) || std::isinf(v)) return Value(G4(v));
  if (std::fabs(v) >= 1) {
    const char* prefix = "";
    for (const char* p : {"k", "M", "G", "T", "P", "E", "Z", "Y"}) {
      if (std::fabs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return Value(G4(v, prefix));
  }
  const char* prefix = "";
  for (const char* p : {"m", "u", "n", "p", "f", "a", "z", "y"}) {
    if (std::fabs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return Value(G4(v, prefix));
}

Result<Value> Humanize1024(double v) {
  if (std::fabs(v) <= 1 || std::isnan(v) || std::isinf(v)) return Value(G4(v));
  const char* prefix = "";
  for (const char* p : {"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"}) {
    if (std::fabs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return Value(G4(v, prefix));
}

Result<Value> HumanizeDuration(double v) {
  if (std::isnan(v) || std::isinf(v)) return Value(G4(v));
  if (v == 0) return Value(G4(v, "s"));
  if (std::fabs(v) >= 1) {
    std::string sign;
    if (v < 0) {
      sign = "-";
      v = -v;
    }
    auto duration = v >= 9.2e18 ? std::numeric_limits<int64_t>::max() : static_cast<int64_t>(v);
    int64_t seconds = duration % 60;
    int64_t minutes = (duration / 60) % 60;
    int64_t hours = (duration / 60 / 60) % 24;
    int64_t days = duration / 60 / 60 / 24;
    auto s = [](int64_t x) { return std::to_string(x); };
    if (days != 0) {
      return Value(sign + s(days) + "d " + s(hours) + "h " + s(minutes) + "m " + s(seconds) + "s");
    }
    if (hours != 0) return Value(sign + s(hours) + "h " + s(minutes) + "m " + s(seconds) + "s");
    if (minutes != 0) return Value(sign + s(minutes) + "m " + s(seconds) + "s");
    return Value(sign + G4(v, "s"));
  }
  std::string prefix;
  for (const char* p : {"m", "u", "n", "p", "f", "a", "z", "y"}) {
    if (std::fabs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return Value(G4(v, prefix + "s"));
}

Result<int64_t> FloatToTimeMs(double v) {
  if (std::isnan(v) || std::isinf(v)) return InvalidArgumentError("value is NaN or Inf");
  double ns = v * 1e9;
  if (ns >= 9223372036854775807.0 || ns < -9223372036854775808.0) {
    return InvalidArgumentError(internal::FormatFloatV(v) +
                                " cannot be represented as a nanoseconds timestamp since it "
                                "overflows int64");
  }
  return static_cast<int64_t>(std::floor(v * 1000.0 + 0.5));
}

Result<Value> HumanizeTimestamp(double v) {
  if (std::isnan(v) || std::isinf(v)) return Value(G4(v));
  OSPREY_ASSIGN_OR_RETURN(int64_t ms, FloatToTimeMs(v));
  return Value(GoTimeString(ms, 0, "UTC"));
}

// Title case as golang.org/x/text/cases.Title(language.AmericanEnglish, cases.NoLower):
// the first letter of each word is upper-cased, the rest is left alone.
std::string Title(std::string_view s) {
  std::string out(s);
  bool in_word = false;
  for (size_t i = 0; i < out.size(); ++i) {
    auto c = static_cast<unsigned char>(out[i]);
    bool letter = std::isalnum(c) || c >= 0x80 || (in_word && (c == '\'' || c == '_'));
    if (letter && !in_word && c < 0x80) out[i] = static_cast<char>(std::toupper(c));
    in_word = letter;
  }
  return out;
}

std::string ToUpper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}
std::string ToLower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string TrimSpace(std::string_view s) {
  auto sp = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
  };
  while (!s.empty() && sp(s.front())) s.remove_prefix(1);
  while (!s.empty() && sp(s.back())) s.remove_suffix(1);
  return std::string(s);
}

Result<std::unique_ptr<RE2>> CompileRegexp(std::string_view pattern) {
  RE2::Options opts;
  opts.set_log_errors(false);
  auto re = std::make_unique<RE2>(pattern, opts);
  if (!re->ok()) {
    return InvalidArgumentError(std::string("error parsing regexp: ") + re->error() + ": `" +
                                std::string(pattern) + "`");
  }
  return re;
}

// Go's Regexp.ReplaceAllString with $1, ${1}, $name, ${name} and $$ in the replacement.
std::string ReplaceAll(const RE2& re, std::string_view repl, std::string_view text) {
  int ngroups = re.NumberOfCapturingGroups();
  std::vector<re2::StringPiece> m(static_cast<size_t>(ngroups) + 1);
  const auto& named = re.NamedCapturingGroups();
  std::string out;
  size_t pos = 0;
  size_t last_end = std::string_view::npos;
  while (pos <= text.size()) {
    if (!re.Match(text, pos, text.size(), RE2::UNANCHORED, m.data(), ngroups + 1)) break;
    size_t ms = static_cast<size_t>(m[0].data() - text.data());
    size_t me = ms + m[0].size();
    if (me == ms && ms == last_end) {
      // An empty match right after the previous match is not allowed (Go semantics).
      if (ms >= text.size()) break;
      out.append(text.substr(pos, 1));
      ++pos;
      continue;
    }
    out.append(text.substr(pos, ms - pos));
    for (size_t i = 0; i < repl.size(); ++i) {
      if (repl[i] != '$' || i + 1 >= repl.size()) {
        out += repl[i];
        continue;
      }
      if (repl[i + 1] == '$') {
        out += '$';
        ++i;
        continue;
      }
      std::string name;
      size_t j = i + 1;
      bool braced = repl[j] == '{';
      if (braced) ++j;
      size_t start = j;
      while (j < repl.size() &&
             (std::isalnum(static_cast<unsigned char>(repl[j])) || repl[j] == '_'))
        ++j;
      name = std::string(repl.substr(start, j - start));
      if (braced) {
        if (j >= repl.size() || repl[j] != '}' || name.empty()) {
          out += repl[i];
          continue;
        }
        ++j;
      } else if (name.empty()) {
        out += repl[i];
        continue;
      }
      int group = -1;
      if (std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        group = name.size() > 9 ? -1 : std::atoi(name.c_str());
      } else if (auto it = named.find(name); it != named.end()) {
        group = it->second;
      }
      if (group >= 0 && group <= ngroups && m[static_cast<size_t>(group)].data() != nullptr) {
        out.append(m[static_cast<size_t>(group)].data(), m[static_cast<size_t>(group)].size());
      }
      i = j - 1;
    }
    last_end = me;
    if (me == ms) {
      if (ms < text.size()) out.append(text.substr(ms, 1));
      pos = ms + 1;
    } else {
      pos = me;
    }
  }
  if (pos < text.size()) out.append(text.substr(pos));
  return out;
}

bool ParseIP(const std::string& host) {
  unsigned char buf[16];
  if (inet_pton(AF_INET, host.c_str(), buf) == 1) return true;
  return inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// net.SplitHostPort.
bool SplitHostPort(std::string_view hp, std::string* host, std::string* port) {
  size_t last = hp.rfind(':');
  if (last == std::string_view::npos) return false;
  std::string_view h;
  if (!hp.empty() && hp[0] == '[') {
    size_t end = hp.find(']');
    if (end == std::string_view::npos) return false;
    if (end + 1 != last) return false;  // missing port or too many colons
    h = hp.substr(1, end - 1);
  } else {
    h = hp.substr(0, last);
    if (h.find(':') != std::string_view::npos) return false;
  }
  if (h.find_first_of("[]") != std::string_view::npos) return false;
  *host = std::string(h);
  *port = std::string(hp.substr(last + 1));
  return true;
}

Result<Value> ListOfStrings(const Value& v, std::string_view fn) {
  if (v.kind() != K::kList) {
    return InvalidArgumentError(std::string("wrong type for value; expected []string; got ")
                                    .append(internal::GoTypeName(v))
                                    .append(" (in ")
                                    .append(fn)
                                    .append(")"));
  }
  return v;
}

}  // namespace

Result<double> ConvertToFloat(const Value& v) {
  switch (v.kind()) {
    case K::kFloat:
    case K::kInt:
      return v.AsFloat();
    case K::kString: {
      const std::string& s = v.AsString();
      const char* p = s.c_str();
      char* end = nullptr;
      double d =
          s.empty() || std::isspace(static_cast<unsigned char>(s[0])) ? 0 : std::strtod(p, &end);
      if (end == nullptr || *end != '\0' || end == p) {
        return InvalidArgumentError(std::string("strconv.ParseFloat: parsing ") +
                                    internal::GoQuote(s) + ": invalid syntax");
      }
      return d;
    }
    default:
      return InvalidArgumentError(std::string("can't convert ") + internal::GoTypeName(v) +
                                  " to float");
  }
}

Result<double> ParseDurationSeconds(std::string_view s) {
  std::string orig(s);
  bool neg = false;
  if (!s.empty() && s[0] == '-') {
    neg = true;
    s.remove_prefix(1);
  }
  if (s.empty()) return InvalidArgumentError("empty duration string");
  if (s == "0") return 0.0;
  static constexpr std::pair<std::string_view, double> kUnits[] = {
      {"y", 365 * 86400.0}, {"w", 7 * 86400.0}, {"d", 86400.0}, {"h", 3600.0},
      {"m", 60.0},          {"s", 1.0},         {"ms", 0.001}};
  auto bad = [&] {
    return InvalidArgumentError(std::string("not a valid duration string: ") +
                                internal::GoQuote(orig));
  };
  double total = 0;
  size_t next_unit = 0;
  while (!s.empty()) {
    size_t n = 0;
    while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
    if (n == 0 || n > 18) return bad();
    double num = std::strtod(std::string(s.substr(0, n)).c_str(), nullptr);
    s.remove_prefix(n);
    size_t u = 0;
    while (u < s.size() && s[u] >= 'a' && s[u] <= 'z') ++u;
    std::string_view unit = s.substr(0, u);
    s.remove_prefix(u);
    bool found = false;
    for (size_t k = next_unit; k < std::size(kUnits); ++k) {
      if (kUnits[k].first == unit) {
        total += num * kUnits[k].second;
        next_unit = k + 1;
        found = true;
        break;
      }
    }
    if (!found) return bad();
  }
  return neg ? -total : total;
}

Value MakeQuerySample(const std::map<std::string, std::string>& labels, double value) {
  Value::Map l;
  for (const auto& [k, v] : labels) l.emplace(k, Value(v));
  Value::Map m;
  m.emplace("Labels", Value(std::move(l)));
  m.emplace("Value", Value(value));
  return Value(std::move(m)).WithType("sample");
}

Value MakeQueryResult(std::vector<Value> samples) {
  return Value(Value::List(std::move(samples))).WithType("queryResult");
}

void AddTextFuncs(FuncMap* funcs, NowFunc now) {
  if (!now) {
    now = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
  auto str_fn = [funcs](const std::string& name, std::string (*f)(std::string)) {
    AddN<1>(funcs, name, [f](std::span<const Value> a) -> Result<Value> {
      OSPREY_ASSIGN_OR_RETURN(std::string s, StringArg(a[0]));
      return Value(f(std::move(s)));
    });
  };
  str_fn("toUpper", ToUpper);
  str_fn("toLower", ToLower);
  str_fn("title", [](std::string s) { return Title(s); });
  str_fn("trimSpace", [](std::string s) { return TrimSpace(s); });
  AddN<1>(funcs, "safeHtml", [](std::span<const Value> a) -> Result<Value> {
    OSPREY_ASSIGN_OR_RETURN(std::string s, StringArg(a[0]));
    return Value::Trusted(std::move(s), Value::Trust::kHtml);  // html/template's template.HTML
  });
  str_fn("urlQueryEscape", [](std::string s) { return UrlQueryEscape(s); });
  str_fn("stripPort", [](std::string s) {
    std::string host, port;
    return SplitHostPort(s, &host, &port) ? host : s;
  });
  str_fn("stripDomain", [](std::string s) {
    std::string host, port;
    if (!SplitHostPort(s, &host, &port)) {
      host = s;
      port.clear();
    }
    if (ParseIP(host)) return s;
    host = host.substr(0, host.find('.'));
    if (port.empty()) return host;
    if (host.find(':') != std::string::npos) return std::string("[") + host + "]:" + port;
    return host + ":" + port;
  });
  // join sep list: Alertmanager's argument order, so that `.Values | join ", "` works.
  AddN<2>(funcs, "join", [](std::span<const Value> a) -> Result<Value> {
    OSPREY_ASSIGN_OR_RETURN(std::string sep, StringArg(a[0]));
    OSPREY_ASSIGN_OR_RETURN(Value list, ListOfStrings(a[1], "join"));
    std::string out;
    bool first = true;
    for (const Value& e : list.AsList()) {
      if (!first) out += sep;
      first = false;
      out += e.kind() == K::kString ? e.AsString() : e.ToString();
    }
    return Value(std::move(out));
  });
  AddN<2>(funcs, "match", [](std::span<const Value> a) -> Result<Value> {
    OSPREY_ASSIGN_OR_RETURN(std::string pattern, StringArg(a[0]));
    OSPREY_ASSIGN_OR_RETURN(std::string text, StringArg(a[1]));
    OSPREY_ASSIGN_OR_RETURN(auto re, CompileRegexp(pattern));
    return Value(RE2::PartialMatch(text, *re));
  });
  AddN<3>(funcs, "reReplaceAll", [](std::span<const Value> a) -> Result<Value> {
    OSPREY_ASSIGN_OR_RETURN(std::string pattern, StringArg(a[0]));
    OSPREY_ASSIGN_OR_RETURN(std::string repl, StringArg(a[1]));
    OSPREY_ASSIGN_OR_RETURN(std::string text, StringArg(a[2]));
    OSPREY_ASSIGN_OR_RETURN(auto re, CompileRegexp(pattern));
    return Value(ReplaceAll(*re, repl, text));
  });
  auto num_fn = [funcs](const std::string& name, Result<Value> (*f)(double)) {
    AddN<1>(funcs, name, [f](std::span<const Value> a) -> Result<Value> {
      OSPREY_ASSIGN_OR_RETURN(double v, ConvertToFloat(a[0]));
      return f(v);
    });
  };
  num_fn("humanize", Humanize);
  num_fn("humanize1024", Humanize1024);
  num_fn("humanizeDuration", HumanizeDuration);
  num_fn("humanizePercentage", [](double v) -> Result<Value> { return Value(G4(v * 100, "%")); });
  num_fn("humanizeTimestamp", HumanizeTimestamp);
  num_fn("toTime", [](double v) -> Result<Value> {
    OSPREY_ASSIGN_OR_RETURN(int64_t ms, FloatToTimeMs(v));
    return Value::Time(ms);
  });
  num_fn("toDuration", [](double v) -> Result<Value> {
    double ns = v * 1e9;
    if (std::isnan(ns) || ns >= 9.2e18 || ns <= -9.2e18) {
      return InvalidArgumentError(internal::FormatFloatV(v) + " overflows time.Duration");
    }
    return Value::Duration(static_cast<int64_t>(ns));
  });
  AddN<1>(funcs, "parseDuration", [](std::span<const Value> a) -> Result<Value> {
    OSPREY_ASSIGN_OR_RETURN(std::string s, StringArg(a[0]));
    OSPREY_ASSIGN_OR_RETURN(double secs, ParseDurationSeconds(s));
    return Value(secs);
  });
  funcs->Add("stringSlice", [](std::span<const Value> a) -> Result<Value> {
    Value::List l;
    for (const Value& v : a) {
      OSPREY_ASSIGN_OR_RETURN(std::string s, StringArg(v));
      l.emplace_back(std::move(s));
    }
    return Value(std::move(l));
  });
  funcs->Add("args", [](std::span<const Value> a) -> Result<Value> {
    Value::Map m;
    for (size_t i = 0; i < a.size(); ++i) m.emplace(std::string("arg") + std::to_string(i), a[i]);
    return Value(std::move(m));
  });
  AddN<2>(funcs, "date", [](std::span<const Value> a) -> Result<Value> {
    OSPREY_ASSIGN_OR_RETURN(std::string layout, StringArg(a[0]));
    OSPREY_ASSIGN_OR_RETURN(int64_t ms, TimeArg(a[1]));
    return Value(FormatGoTime(ms, a[1].TimeOffsetSeconds(), a[1].TimeZone(), layout));
  });
  AddN<2>(funcs, "tz", [](std::span<const Value> a) -> Result<Value> {
    OSPREY_ASSIGN_OR_RETURN(std::string name, StringArg(a[0]));
    OSPREY_ASSIGN_OR_RETURN(int64_t ms, TimeArg(a[1]));
    OSPREY_ASSIGN_OR_RETURN(ZoneAt z, LookupZone(name, ms));
    return Value::TimeIn(ms, z.utc_offset_s, z.abbrev);
  });
  AddN<1>(funcs, "since", [now](std::span<const Value> a) -> Result<Value> {
    OSPREY_ASSIGN_OR_RETURN(int64_t ms, TimeArg(a[0]));
    // Saturate like Go's time.Sub instead of overflowing.
    int64_t diff = 0, ns = 0;
    if (__builtin_sub_overflow(now(), ms, &diff) || __builtin_mul_overflow(diff, 1'000'000, &ns)) {
      ns = now() >= ms ? INT64_MAX : INT64_MIN;
    }
    return Value::Duration(ns);
  });
}

void AddQueryResultFuncs(FuncMap* funcs) {
  auto sample_field = [](const Value& s, std::string_view key) -> Result<Value> {
    if (s.kind() != K::kMap) {
      return InvalidArgumentError(
          std::string("wrong type for value; expected *template.sample; got ") +
          internal::GoTypeName(s));
    }
    auto it = s.AsMap().find(key);
    return it == s.AsMap().end() ? Value() : it->second;
  };
  AddN<1>(funcs, "first", [](std::span<const Value> a) -> Result<Value> {
    if (a[0].kind() != K::kList) {
      return InvalidArgumentError(
          std::string("wrong type for value; expected template.queryResult; got ") +
          internal::GoTypeName(a[0]));
    }
    if (a[0].AsList().empty()) {
      return InvalidArgumentError("first() called on vector with no elements");
    }
    return a[0].AsList()[0];
  });
  AddN<2>(funcs, "label", [sample_field](std::span<const Value> a) -> Result<Value> {
    OSPREY_ASSIGN_OR_RETURN(std::string name, StringArg(a[0]));
    OSPREY_ASSIGN_OR_RETURN(Value labels, sample_field(a[1], "Labels"));
    if (labels.kind() != K::kMap) return Value("");
    auto it = labels.AsMap().find(name);
    return it == labels.AsMap().end() ? Value("") : it->second;
  });
  AddN<1>(funcs, "value", [sample_field](std::span<const Value> a) -> Result<Value> {
    return sample_field(a[0], "Value");
  });
  AddN<1>(funcs, "strvalue", [sample_field](std::span<const Value> a) -> Result<Value> {
    OSPREY_ASSIGN_OR_RETURN(Value labels, sample_field(a[0], "Labels"));
    if (labels.kind() != K::kMap) return Value("");
    auto it = labels.AsMap().find("__value__");
    return it == labels.AsMap().end() ? Value("") : it->second;
  });
  AddN<2>(funcs, "sortByLabel", [](std::span<const Value> a) -> Result<Value> {
    OSPREY_ASSIGN_OR_RETURN(std::string name, StringArg(a[0]));
    if (a[1].kind() != K::kList) {
      return InvalidArgumentError(
          std::string("wrong type for value; expected template.queryResult; got ") +
          internal::GoTypeName(a[1]));
    }
    auto label_of = [&name](const Value& s) -> std::string {
      if (s.kind() != K::kMap) return "";
      auto l = s.AsMap().find("Labels");
      if (l == s.AsMap().end() || l->second.kind() != K::kMap) return "";
      auto it = l->second.AsMap().find(name);
      return it == l->second.AsMap().end() || it->second.kind() != K::kString
                 ? ""
                 : it->second.AsString();
    };
    Value::List l = a[1].AsList();
    std::stable_sort(l.begin(), l.end(),
                     [&](const Value& x, const Value& y) { return label_of(x) < label_of(y); });
    return Value(std::move(l)).WithType(a[1].type_name());
  });
}

}  // namespace osprey::tmpl
