// Literal decoding for the parser (Go's strconv.Unquote and number rules) and the source
// forms of parse-tree nodes used in execution error contexts.
#include <cerrno>
#include <cstdlib>

#include "tmpl/internal/go_fmt.h"
#include "tmpl/internal/parse.h"

namespace osprey::tmpl::internal {

namespace {

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

// strconv.Unquote for "..." and `...`, and for '.' (returns the rune's UTF-8 in *out).
bool Unquote(std::string_view q, std::string* out) {
  out->clear();
  if (q.size() < 2) return false;
  char quote = q[0];
  if (q.back() != quote) return false;
  std::string_view body = q.substr(1, q.size() - 2);
  if (quote == '`') {
    for (char c : body) {
      if (c != '\r') out->push_back(c);
    }
    return true;
  }
  for (size_t i = 0; i < body.size();) {
    char c = body[i];
    if (c == quote) return false;
    if (c != '\\') {
      out->push_back(c);
      ++i;
      continue;
    }
    if (++i >= body.size()) return false;
    char e = body[i++];
    switch (e) {
      case 'a':
        out->push_back('\a');
        break;
      case 'b':
        out->push_back('\b');
        break;
      case 'f':
        out->push_back('\f');
        break;
      case 'n':
        out->push_back('\n');
        break;
      case 'r':
        out->push_back('\r');
        break;
      case 't':
        out->push_back('\t');
        break;
      case 'v':
        out->push_back('\v');
        break;
      case '\\':
        out->push_back('\\');
        break;
      case '\'':
      case '"':
        if (e != quote) return false;
        out->push_back(e);
        break;
      case 'x':
      case 'u':
      case 'U': {
        size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        if (i + n > body.size()) return false;
        int64_t v = 0;
        for (size_t k = 0; k < n; ++k) {
          int h = HexVal(body[i + k]);
          if (h < 0) return false;
          v = v * 16 + h;
        }
        i += n;
        if (e == 'x') {
          out->push_back(static_cast<char>(v));
        } else {
          if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return false;
          AppendRune(out, v);
        }
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          if (i + 2 > body.size()) return false;
          int v = e - '0';
          for (size_t k = 0; k < 2; ++k) {
            char d = body[i + k];
            if (d < '0' || d > '7') return false;
            v = v * 8 + (d - '0');
          }
          if (v > 255) return false;
          i += 2;
          out->push_back(static_cast<char>(v));
          break;
        }
        return false;
    }
  }
  return true;
}

// Decodes the first UTF-8 rune of s; returns -1 unless s is exactly one rune.
int64_t SingleRune(std::string_view s) {
  if (s.empty()) return -1;
  auto c = static_cast<unsigned char>(s[0]);
  if (c < 0x80) return s.size() == 1 ? c : -1;
  size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if (len == 0 || s.size() != len) return -1;
  int64_t r = c & (0x3F >> (len - 1));
  for (size_t k = 1; k < len; ++k) r = (r << 6) | (static_cast<unsigned char>(s[k]) & 0x3F);
  return r;
}

// Go's number literal rules, simplified: ints (with 0x/0o/0b/0 prefixes and underscores)
// become int64; anything with a fraction or exponent becomes float64.
bool ParseNumber(std::string_view text, Value* out, std::string* err) {
  std::string s;
  for (char c : text) {
    if (c != '_') s.push_back(c);
  }
  if (!s.empty() && s.back() == 'i') {
    *err = std::string("complex numbers are not supported: \"") + std::string(text) + "\"";
    return false;
  }
  bool neg = !s.empty() && s[0] == '-';
  std::string body = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? s.substr(1) : s;
  bool hex = body.size() > 1 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X');
  bool is_float = hex ? body.find_first_of(".pP") != std::string::npos
                      : body.find_first_of(".eE") != std::string::npos;
  if (!is_float) {
    int base = 10;
    std::string digits = body;
    if (body.size() > 1 && body[0] == '0') {
      char p = body[1];
      if (p == 'x' || p == 'X') {
        base = 16;
        digits = body.substr(2);
      } else if (p == 'o' || p == 'O') {
        base = 8;
        digits = body.substr(2);
      } else if (p == 'b' || p == 'B') {
        base = 2;
        digits = body.substr(2);
      } else {
        base = 8;
        digits = body.substr(1);
      }
    }
    if (digits.empty()) {
      *err = std::string("illegal number syntax: \"") + std::string(text) + "\"";
      return false;
    }
    errno = 0;
    char* end = nullptr;
    unsigned long long u = std::strtoull(digits.c_str(), &end, base);
    if (*end != '\0') {
      *err = std::string("illegal number syntax: \"") + std::string(text) + "\"";
      return false;
    }
    if (errno == ERANGE || u > (neg ? 9223372036854775808ULL : 9223372036854775807ULL)) {
      // Too big for int: Go keeps it as a float constant.
      *out = Value(neg ? -static_cast<double>(u) : static_cast<double>(u));
      if (errno == ERANGE) *out = Value(std::strtod(s.c_str(), nullptr));
      return true;
    }
    *out = Value(neg ? static_cast<int64_t>(~u + 1) : static_cast<int64_t>(u));
    return true;
  }
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (*end != '\0') {
    *err = std::string("illegal number syntax: \"") + std::string(text) + "\"";
    return false;
  }
  *out = Value(d);
  return true;
}

std::string ArgString(const Arg& a) {
  switch (a.kind) {
    case Arg::Kind::kField: {
      std::string s;
      for (const auto& f : a.fields) s.append(".").append(f);
      return s;
    }
    case Arg::Kind::kVariable: {
      std::string s = a.name;
      for (const auto& f : a.fields) s.append(".").append(f);
      return s;
    }
    case Arg::Kind::kPipe: {
      std::string s = "(";
      s += PipeString(*a.pipe);
      s += ")";
      for (const auto& f : a.fields) s.append(".").append(f);
      return s;
    }
    case Arg::Kind::kIdent:
      return a.name;
    default:
      return a.text;
  }
}

std::string CommandString(const Command& c) {
  std::string s;
  for (size_t i = 0; i < c.args.size(); ++i) {
    if (i > 0) s += ' ';
    s += ArgString(c.args[i]);
  }
  return s;
}

std::string PipeString(const Pipe& p) {
  std::string s;
  for (size_t i = 0; i < p.decl.size(); ++i) {
    if (i > 0) s += ", ";
    s += p.decl[i];
  }
  if (!p.decl.empty()) s += p.is_assign ? " = " : " := ";
  for (size_t i = 0; i < p.cmds.size(); ++i) {
    if (i > 0) s += " | ";
    s += CommandString(p.cmds[i]);
  }
  return s;
}

}  // namespace osprey::tmpl::internal
