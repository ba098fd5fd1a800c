// Alertmanager's template functions beyond the shared set (template/template.go), and
// toJson with encoding/json's output rules.
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>

#include "base/base64.h"
#include "tmpl/funcs.h"
#include "tmpl/go_time.h"
#include "tmpl/internal/func_args.h"
#include "tmpl/internal/go_fmt.h"

namespace osprey::tmpl {
namespace {

using K = Value::Kind;

// cases.Title(language.AmericanEnglish): upper-case the first letter of a word and
// lower-case the rest (ASCII letters; other bytes are kept).
std::string TitleLower(std::string_view s) {
  std::string out(s);
  bool in_word = false;
  for (char& ch : out) {
    auto c = static_cast<unsigned char>(ch);
    bool letter = std::isalnum(c) || c >= 0x80 || (in_word && (c == '\'' || c == '_'));
    if (c < 0x80 && letter) {
      ch = static_cast<char>(in_word ? std::tolower(c) : std::toupper(c));
    }
    in_word = letter;
  }
  return out;
}

Result<std::string> QueryUnescape(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      if (i + 2 >= s.size() || hex(s[i + 1]) < 0 || hex(s[i + 2]) < 0) {
        std::string bad(s.substr(i, std::min<size_t>(3, s.size() - i)));
        return InvalidArgumentError(std::string("invalid URL escape ") + internal::GoQuote(bad));
      }
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

void JsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        out->append("\\\"");
        continue;
      case '\\':
        out->append("\\\\");
        continue;
      case '\n':
        out->append("\\n");
        continue;
      case '\r':
        out->append("\\r");
        continue;
      case '\t':
        out->append("\\t");
        continue;
      default:
        break;
    }
    if (c < 0x20 || c == '<' || c == '>' || c == '&') {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out->append(buf);
      continue;
    }
    // U+2028 and U+2029 are escaped by encoding/json.
    if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(s[i + 2]) == 0xA8 ||
         static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
      out->append(static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029");
      i += 2;
      continue;
    }
    out->push_back(static_cast<char>(c));
  }
  out->push_back('"');
}

Status JsonValue(const Value& v, std::string* out, int depth) {
  if (depth > 1000) return InvalidArgumentError("json: value nested too deeply");
  switch (v.kind()) {
    case K::kNil:
      out->append("null");
      return OkStatus();
    case K::kBool:
      out->append(v.AsBool() ? "true" : "false");
      return OkStatus();
    case K::kInt:
      out->append(std::to_string(v.AsInt()));
      return OkStatus();
    case K::kFloat: {
      double f = v.AsFloat();
      if (std::isnan(f) || std::isinf(f)) {
        return InvalidArgumentError(std::string("json: unsupported value: ") +
                                    internal::FormatFloatV(f));
      }
      // encoding/json: 'f' format unless the exponent is < -6 or >= 21, then 'e' with a
      // one-digit minimum exponent (1e-07 -> 1e-7).
      double a = std::fabs(f);
      if (a != 0 && (a < 1e-6 || a >= 1e21)) {
        std::string s = internal::FormatFloatV(f);  // shortest digits, exponent form here
        size_t e = s.find('e');
        if (e != std::string::npos && e + 3 < s.size() && s[e + 2] == '0') s.erase(e + 2, 1);
        out->append(s);
      } else {
        char buf[400];
        auto r = std::to_chars(buf, buf + sizeof(buf), f, std::chars_format::fixed);
        out->append(buf, static_cast<size_t>(r.ptr - buf));
      }
      return OkStatus();
    }
    case K::kString:
      JsonString(v.AsString(), out);
      return OkStatus();
    case K::kTime:
      JsonString(FormatGoTime(v.AsTimeMs(), v.TimeOffsetSeconds(), v.TimeZone(),
                              "2006-01-02T15:04:05.999999999Z07:00"),
                 out);
      return OkStatus();
    case K::kList: {
      out->push_back('[');
      bool first = true;
      for (const Value& e : v.AsList()) {
        if (!first) out->push_back(',');
        first = false;
        OSPREY_RETURN_IF_ERROR(JsonValue(e, out, depth + 1));
      }
      out->push_back(']');
      return OkStatus();
    }
    case K::kMap: {
      out->push_back('{');
      bool first = true;
      for (const auto& [k, e] : v.AsMap()) {
        if (!first) out->push_back(',');
        first = false;
        JsonString(k, out);
        out->push_back(':');
        OSPREY_RETURN_IF_ERROR(JsonValue(e, out, depth + 1));
      }
      out->push_back('}');
      return OkStatus();
    }
  }
  return OkStatus();
}

Result<std::string> StringArg(const Value& v) {
  if (v.kind() != K::kString) {
    return InvalidArgumentError(std::string("wrong type for value; expected string; got ") +
                                internal::GoTypeName(v));
  }
  return v.AsString();
}

}  // namespace

Result<std::string> ToJson(const Value& v) {
  std::string out;
  OSPREY_RETURN_IF_ERROR(JsonValue(v, &out, 0));
  return out;
}

void AddAlertmanagerFuncs(FuncMap* funcs, NowFunc now) {
  AddTextFuncs(funcs, now);
  if (!now) {
    now = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
  funcs->Add("title", [](std::span<const Value> a) -> Result<Value> {
    OSPREY_RETURN_IF_ERROR(internal::CheckArgCount("title", 1, a.size()));
    OSPREY_ASSIGN_OR_RETURN(std::string s, StringArg(a[0]));
    return Value(TitleLower(s));
  });
  funcs->Add("now", [now](std::span<const Value> a) -> Result<Value> {
    OSPREY_RETURN_IF_ERROR(internal::CheckArgCount("now", 0, a.size()));
    return Value::Time(now());
  });
  funcs->Add("safeUrl", [](std::span<const Value> a) -> Result<Value> {
    OSPREY_RETURN_IF_ERROR(internal::CheckArgCount("safeUrl", 1, a.size()));
    OSPREY_ASSIGN_OR_RETURN(std::string s, StringArg(a[0]));
    return Value::Trusted(std::move(s), Value::Trust::kUrl);  // html/template's template.URL
  });
  funcs->Add("urlUnescape", [](std::span<const Value> a) -> Result<Value> {
    OSPREY_RETURN_IF_ERROR(internal::CheckArgCount("urlUnescape", 1, a.size()));
    OSPREY_ASSIGN_OR_RETURN(std::string s, StringArg(a[0]));
    OSPREY_ASSIGN_OR_RETURN(std::string out, QueryUnescape(s));
    return Value(std::move(out));
  });
  funcs->Add("base64encode", [](std::span<const Value> a) -> Result<Value> {
    OSPREY_RETURN_IF_ERROR(internal::CheckArgCount("base64encode", 1, a.size()));
    OSPREY_ASSIGN_OR_RETURN(std::string s, StringArg(a[0]));
    return Value(Base64Encode(s, kBase64Url));
  });
  funcs->Add("base64decode", [](std::span<const Value> a) -> Result<Value> {
    OSPREY_RETURN_IF_ERROR(internal::CheckArgCount("base64decode", 1, a.size()));
    OSPREY_ASSIGN_OR_RETURN(std::string s, StringArg(a[0]));
    OSPREY_ASSIGN_OR_RETURN(std::string out, Base64Decode(s, kBase64Url));
    return Value(std::move(out));
  });
  funcs->Add("toJson", [](std::span<const Value> a) -> Result<Value> {
    OSPREY_RETURN_IF_ERROR(internal::CheckArgCount("toJson", 1, a.size()));
    OSPREY_ASSIGN_OR_RETURN(std::string s, ToJson(a[0]));
    return Value(std::move(s));
  });
  funcs->Add("list", [](std::span<const Value> a) -> Result<Value> {
    return Value(Value::List(a.begin(), a.end()));
  });
  funcs->Add("append", [](std::span<const Value> a) -> Result<Value> {
    if (a.empty() || (a[0].kind() != K::kList && !a[0].IsNil())) {
      return InvalidArgumentError("wrong type for value; expected []interface {}");
    }
    Value::List l = a[0].IsNil() ? Value::List{} : a[0].AsList();
    l.insert(l.end(), a.begin() + 1, a.end());
    return Value(std::move(l));
  });
  funcs->Add("dict", [](std::span<const Value> a) -> Result<Value> {
    if (a.size() % 2 != 0) return InvalidArgumentError("dict requires an even number of arguments");
    Value::Map m;
    for (size_t i = 0; i < a.size(); i += 2) {
      if (a[i].kind() != K::kString) return InvalidArgumentError("dict keys must be strings");
      m.insert_or_assign(a[i].AsString(), a[i + 1]);
    }
    return Value(std::move(m));
  });
}

}  // namespace osprey::tmpl
