// Go fmt semantics (print.go, format.go) over tmpl::Value. Floats with an explicit precision
// go through snprintf, whose %e/%f/%g output equals Go's for finite values; the shortest
// form (%v, %g without precision) comes from std::to_chars.
#include "tmpl/internal/go_fmt.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "tmpl/go_time.h"

namespace osprey::tmpl::internal {
namespace {

struct Spec {
  bool minus = false, plus = false, sharp = false, space = false, zero = false;
  int width = -1;
  int prec = -1;
};

std::string Pad(std::string s, const Spec& sp, bool numeric_zero_ok = true) {
  if (sp.width < 0) return s;
  size_t n = RuneCount(s);
  if (n >= static_cast<size_t>(sp.width)) return s;
  size_t fill = static_cast<size_t>(sp.width) - n;
  if (sp.minus) return s.append(fill, ' ');
  if (sp.zero && numeric_zero_ok) {
    size_t at = (!s.empty() && (s[0] == '-' || s[0] == '+' || s[0] == ' ')) ? 1 : 0;
    s.insert(at, fill, '0');
    return s;
  }
  return std::string(fill, ' ').append(s);
}

std::string FormatInt(int64_t v, int base, bool upper, const Spec& sp, char verb) {
  bool neg = v < 0;
  uint64_t u = neg ? (~static_cast<uint64_t>(v) + 1) : static_cast<uint64_t>(v);
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string d;
  do {
    d.insert(d.begin(), digits[u % static_cast<uint64_t>(base)]);
    u /= static_cast<uint64_t>(base);
  } while (u != 0);
  if (sp.prec >= 0) {
    if (sp.prec == 0 && v == 0) d.clear();
    if (d.size() < static_cast<size_t>(sp.prec)) d.insert(0, sp.prec - d.size(), '0');
  }
  if (sp.sharp) {
    if (base == 16) d.insert(0, upper ? "0X" : "0x");
    if (base == 8 && (d.empty() || d[0] != '0')) d.insert(0, "0");
    if (base == 2) d.insert(0, "0b");
  }
  if (verb == 'O') d.insert(0, "0o");
  std::string out;
  if (neg) {
    out = "-";
  } else if (sp.plus) {
    out = "+";
  } else if (sp.space) {
    out = " ";
  }
  out += d;
  return Pad(std::move(out), sp, sp.prec < 0);
}

// Shortest digits and decimal exponent of a finite nonzero |v|: v = 0.d1d2... * 10^(exp+1).
void ShortestDigits(double v, std::string* digits, int* exp) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), std::fabs(v), std::chars_format::scientific);
  std::string_view s(buf, static_cast<size_t>(res.ptr - buf));
  size_t e = s.find('e');
  digits->clear();
  for (char c : s.substr(0, e)) {
    if (c != '.') digits->push_back(c);
  }
  *exp = std::atoi(std::string(s.substr(e + 1)).c_str());
  while (digits->size() > 1 && digits->back() == '0') digits->pop_back();
}

std::string ExpSuffix(int exp, bool upper) {
  std::string out(1, upper ? 'E' : 'e');
  out += exp < 0 ? '-' : '+';
  int a = exp < 0 ? -exp : exp;
  if (a < 10) out += '0';
  out += std::to_string(a);
  return out;
}

// strconv 'g' with precision -1 (also fmt's %v): exponent form when the decimal exponent is
// < -4 or >= 6 (strconv uses eprec 6 for the shortest form).
std::string ShortestG(double v, bool upper) {
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  std::string digits;
  int exp = 0;
  ShortestDigits(v, &digits, &exp);
  std::string out = v < 0 ? "-" : "";
  if (exp < -4 || exp >= 6) {
    out += digits[0];
    if (digits.size() > 1) out.append(".").append(digits.substr(1));
    return out + ExpSuffix(exp, upper);
  }
  if (exp < 0) {
    out += "0.";
    out.append(static_cast<size_t>(-exp - 1), '0');
    out += digits;
    return out;
  }
  size_t int_len = static_cast<size_t>(exp) + 1;
  if (digits.size() <= int_len) {
    out += digits;
    out.append(int_len - digits.size(), '0');
  } else {
    out += digits.substr(0, int_len);
    out.append(".").append(digits.substr(int_len));
  }
  return out;
}

std::string FormatFloat(double v, char verb, const Spec& sp) {
  std::string num;
  if (std::isnan(v)) {
    num = (sp.plus ? "+NaN" : (sp.space ? " NaN" : "NaN"));
    return Pad(num, sp, false);
  }
  if (std::isinf(v)) {
    num = v > 0 ? (sp.space && !sp.plus ? " Inf" : "+Inf") : "-Inf";
    return Pad(num, sp, false);
  }
  if ((verb == 'g' || verb == 'G' || verb == 'v') && sp.prec < 0) {
    std::string digits = ShortestG(v, verb == 'G');
    if (digits[0] != '-' && (sp.plus || sp.space)) num.push_back(sp.plus ? '+' : ' ');
    num.append(digits);
  } else {
    char c = verb == 'v' ? 'g' : (verb == 'F' ? 'f' : verb);
    std::string f = "%";
    if (sp.plus) f += '+';
    if (sp.space) f += ' ';
    if (sp.sharp) f += '#';
    f += '.';
    f += std::to_string(sp.prec < 0 ? 6 : std::min(sp.prec, 500));
    f += c;
    int n = std::snprintf(nullptr, 0, f.c_str(), v);
    if (n > 0) {
      num.resize(static_cast<size_t>(n) + 1);
      std::snprintf(num.data(), num.size(), f.c_str(), v);
      num.resize(static_cast<size_t>(n));
    }
  }
  return Pad(num, sp);
}

bool IsStringer(const Value& v) {
  return v.kind() == Value::Kind::kTime ||
         (v.kind() == Value::Kind::kInt && v.type_name() == "time.Duration");
}

std::string FormatV(const Value& v, const Spec& sp);

std::string BadVerb(char32_t verb, const Value& v) {
  std::string out = "%!";
  AppendRune(&out, verb);
  out += '(';
  if (v.IsNil()) {
    out += "<nil>";
  } else {
    out.append(GoTypeName(v)).append("=").append(FormatV(v, Spec{}));
  }
  return out + ')';
}

std::string FormatOne(const Value& v, char32_t verb, const Spec& sp);

std::string FormatComposite(const Value& v, char32_t verb, const Spec& sp) {
  std::string out;
  if (v.kind() == Value::Kind::kList) {
    out.push_back('[');
    bool first = true;
    for (const Value& e : v.AsList()) {
      if (!first) out += ' ';
      first = false;
      out += FormatOne(e, verb, sp);
    }
    return out + ']';
  }
  out.append("map[");
  bool first = true;
  for (const auto& [k, e] : v.AsMap()) {
    if (!first) out += ' ';
    first = false;
    out += FormatOne(Value(k), verb, sp);
    out += ':';
    out += FormatOne(e, verb, sp);
  }
  return out + ']';
}

std::string FormatV(const Value& v, const Spec& sp) {
  switch (v.kind()) {
    case Value::Kind::kNil:
      return Pad("<nil>", sp, false);
    case Value::Kind::kBool:
      return Pad(v.AsBool() ? "true" : "false", sp, false);
    case Value::Kind::kInt:
      if (v.type_name() == "time.Duration") return Pad(GoDurationString(v.AsInt()), sp, false);
      return FormatInt(v.AsInt(), 10, false, sp, 'd');
    case Value::Kind::kFloat:
      return FormatFloat(v.AsFloat(), 'v', sp);
    case Value::Kind::kString:
      return Pad(v.AsString(), sp);
    case Value::Kind::kTime:
      return Pad(GoTimeString(v.AsTimeMs(), v.TimeOffsetSeconds(), v.TimeZone()), sp, false);
    case Value::Kind::kList:
    case Value::Kind::kMap:
      return FormatComposite(v, 'v', Spec{});
  }
  return "";
}

std::string QuoteRune(int64_t r) {
  std::string body;
  if (r == '\'') return "'\\''";
  std::string enc;
  AppendRune(&enc, r);
  std::string quoted = GoQuote(enc);  // "\"x\""
  body = quoted.substr(1, quoted.size() - 2);
  if (body == "\\\"") body = "\"";
  return std::string("'") + body + "'";
}

std::string FormatOne(const Value& v, char32_t verb, const Spec& sp) {
  using K = Value::Kind;
  if (verb == 'v') return FormatV(v, sp);
  if (verb == 'T') return Pad(v.IsNil() ? "<nil>" : GoTypeName(v), sp, false);
  if (IsStringer(v) && (verb == 's' || verb == 'q' || verb == 'x' || verb == 'X')) {
    std::string s = FormatV(v, Spec{});
    return FormatOne(Value(s), verb, sp);
  }
  if (v.kind() == K::kList || v.kind() == K::kMap) return FormatComposite(v, verb, sp);
  switch (verb) {
    case 'd':
    case 'b':
    case 'o':
    case 'O':
    case 'x':
    case 'X':
    case 'c':
    case 'q':
    case 'U':
      if (v.kind() == K::kInt) {
        int64_t i = v.AsInt();
        switch (verb) {
          case 'd':
            return FormatInt(i, 10, false, sp, 'd');
          case 'b':
            return FormatInt(i, 2, false, sp, 'b');
          case 'o':
          case 'O':
            return FormatInt(i, 8, false, sp, static_cast<char>(verb));
          case 'x':
            return FormatInt(i, 16, false, sp, 'x');
          case 'X':
            return FormatInt(i, 16, true, sp, 'X');
          case 'c': {
            std::string s;
            AppendRune(&s, i);
            return Pad(s, sp, false);
          }
          case 'q':
            return Pad(QuoteRune(i), sp, false);
          case 'U': {
            char buf[32];
            std::snprintf(buf, sizeof(buf), "U+%04llX", static_cast<unsigned long long>(i));
            return Pad(buf, sp, false);
          }
        }
      }
      if (v.kind() == K::kString && (verb == 'x' || verb == 'X' || verb == 'q')) {
        if (verb == 'q') return Pad(GoQuote(v.AsString()), sp, false);
        std::string out;
        const char* digits = verb == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
        std::string_view s = v.AsString();
        if (sp.sharp && !s.empty()) out += verb == 'X' ? "0X" : "0x";
        for (size_t k = 0; k < s.size(); ++k) {
          if (sp.space && k > 0) {
            out += ' ';
            if (sp.sharp) out += verb == 'X' ? "0X" : "0x";
          }
          auto c = static_cast<unsigned char>(s[k]);
          out += digits[c >> 4];
          out += digits[c & 15];
        }
        return Pad(out, sp, false);
      }
      return BadVerb(verb, v);
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
      if (v.kind() == K::kFloat) return FormatFloat(v.AsFloat(), static_cast<char>(verb), sp);
      return BadVerb(verb, v);
    case 's':
      if (v.kind() == K::kString) {
        std::string s = v.AsString();
        if (sp.prec >= 0 && RuneCount(s) > static_cast<size_t>(sp.prec)) {
          size_t runes = 0, i = 0;
          while (i < s.size() && runes < static_cast<size_t>(sp.prec)) {
            ++i;
            while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
            ++runes;
          }
          s.resize(i);
        }
        return Pad(s, sp);
      }
      return BadVerb(verb, v);
    case 't':
      if (v.kind() == K::kBool) return Pad(v.AsBool() ? "true" : "false", sp, false);
      return BadVerb(verb, v);
    default:
      return BadVerb(verb, v);
  }
}

}  // namespace

size_t RuneCount(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

void AppendRune(std::string* out, int64_t r) {
  if (r < 0 || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) r = 0xFFFD;
  auto u = static_cast<uint32_t>(r);
  if (u < 0x80) {
    out->push_back(static_cast<char>(u));
  } else if (u < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (u >> 6)));
    out->push_back(static_cast<char>(0x80 | (u & 0x3F)));
  } else if (u < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (u >> 12)));
    out->push_back(static_cast<char>(0x80 | ((u >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (u & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (u >> 18)));
    out->push_back(static_cast<char>(0x80 | ((u >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((u >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (u & 0x3F)));
  }
}

std::string FormatFloatV(double v) { return FormatFloat(v, 'v', Spec{}); }

std::string GoTypeName(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNil:
      return "<nil>";
    case Value::Kind::kBool:
      return "bool";
    case Value::Kind::kInt:
      return v.type_name() == "time.Duration" ? "time.Duration" : "int";
    case Value::Kind::kFloat:
      return "float64";
    case Value::Kind::kString:
      return "string";
    case Value::Kind::kTime:
      return "time.Time";
    case Value::Kind::kList:
      return v.type_name().empty() ? "[]interface {}" : v.type_name();
    case Value::Kind::kMap:
      return v.type_name().empty() ? "map[string]interface {}" : v.type_name();
  }
  return "";
}

std::string GoQuote(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\a':
        out += "\\a";
        continue;
      case '\b':
        out += "\\b";
        continue;
      case '\f':
        out += "\\f";
        continue;
      case '\v':
        out += "\\v";
        continue;
      default:
        break;
    }
    if (c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
      continue;
    }
    if (c < 0x80) {
      out += static_cast<char>(c);
      continue;
    }
    // Copy a valid UTF-8 sequence; escape invalid bytes as Go does.
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    bool ok = len > 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) {
      ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    }
    if (!ok) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
      continue;
    }
    out.append(s.substr(i, len));
    i += len - 1;
  }
  return out + "\"";
}

std::string Sprint(std::span<const Value> args) {
  std::string out;
  bool prev_string = false;
  for (size_t i = 0; i < args.size(); ++i) {
    bool is_string = args[i].kind() == Value::Kind::kString;
    if (i > 0 && !is_string && !prev_string) out += ' ';
    out += FormatV(args[i], Spec{});
    prev_string = is_string;
  }
  return out;
}

std::string Sprintln(std::span<const Value> args) {
  std::string out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out += ' ';
    out += FormatV(args[i], Spec{});
  }
  return out + '\n';
}

std::string Sprintf(std::string_view format, std::span<const Value> args) {
  std::string out;
  size_t argi = 0;
  size_t i = 0;
  while (i < format.size()) {
    size_t pct = format.find('%', i);
    if (pct == std::string_view::npos) {
      out.append(format.substr(i));
      break;
    }
    out.append(format.substr(i, pct - i));
    i = pct + 1;
    Spec sp;
    for (; i < format.size(); ++i) {
      char c = format[i];
      if (c == '-') {
        sp.minus = true;
        sp.zero = false;
      } else if (c == '+') {
        sp.plus = true;
      } else if (c == '#') {
        sp.sharp = true;
      } else if (c == ' ') {
        sp.space = true;
      } else if (c == '0') {
        sp.zero = !sp.minus;
      } else {
        break;
      }
    }
    auto read_num = [&](int* dst) -> bool {
      if (i < format.size() && format[i] == '*') {
        ++i;
        if (argi < args.size() && args[argi].kind() == Value::Kind::kInt &&
            args[argi].AsInt() > -1000000 && args[argi].AsInt() < 1000000) {
          int64_t n = args[argi++].AsInt();
          if (n < 0) {
            sp.minus = true;
            sp.zero = false;
            n = -n;
          }
          *dst = static_cast<int>(n);
          return true;
        }
        ++argi;
        return false;
      }
      bool any = false;
      int n = 0;
      while (i < format.size() && format[i] >= '0' && format[i] <= '9') {
        if (n < 1000000) n = n * 10 + (format[i] - '0');
        ++i;
        any = true;
      }
      if (any) *dst = n;
      return true;
    };
    if (!read_num(&sp.width)) out += "%!(BADWIDTH)";
    if (i < format.size() && format[i] == '.') {
      ++i;
      sp.prec = 0;
      if (!read_num(&sp.prec)) out += "%!(BADPREC)";
    }
    if (sp.width > 100000) sp.width = 100000;  // bounded output for hostile formats
    if (sp.prec > 100000) sp.prec = 100000;
    if (i >= format.size()) {
      out += "%!(NOVERB)";
      break;
    }
    // Decode the verb rune.
    auto c0 = static_cast<unsigned char>(format[i]);
    char32_t verb = c0;
    size_t vlen = 1;
    if (c0 >= 0x80) {
      vlen = c0 >= 0xF0 ? 4 : c0 >= 0xE0 ? 3 : 2;
      if (i + vlen > format.size()) vlen = 1;
      verb = 0xFFFD;
    }
    i += vlen;
    if (verb == '%') {
      out += '%';
      continue;
    }
    if (argi >= args.size()) {
      out += "%!";
      AppendRune(&out, verb);
      out += "(MISSING)";
      continue;
    }
    out += FormatOne(args[argi++], verb, sp);
  }
  if (argi < args.size()) {
    out += "%!(EXTRA ";
    for (size_t k = argi; k < args.size(); ++k) {
      if (k > argi) out += ", ";
      if (args[k].IsNil()) {
        out += "<nil>";
      } else {
        out.append(GoTypeName(args[k])).append("=").append(FormatV(args[k], Spec{}));
      }
    }
    out += ')';
  }
  return out;
}

}  // namespace osprey::tmpl::internal
