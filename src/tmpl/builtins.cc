// Go's predefined template functions (text/template/funcs.go). `and`/`or` are listed here
// so that the parser accepts them; the executor evaluates them lazily (Go 1.18+).
#include <cstdio>

#include "base/html.h"
#include "base/strings.h"
#include "tmpl/funcs.h"
#include "tmpl/internal/func_args.h"
#include "tmpl/internal/go_fmt.h"
#include "tmpl/template.h"

namespace osprey::tmpl {
namespace {

using K = Value::Kind;
using internal::WrongArgs;

Result<Value> Len(std::span<const Value> args) {
  if (args.size() != 1) return WrongArgs("len", "1", args.size());
  const Value& v = args[0];
  switch (v.kind()) {
    case K::kString:
      return Value(static_cast<int64_t>(v.AsString().size()));
    case K::kList:
      return Value(static_cast<int64_t>(v.AsList().size()));
    case K::kMap:
      return Value(static_cast<int64_t>(v.AsMap().size()));
    case K::kNil:
      return InvalidArgumentError("len of nil pointer");
    default:
      return InvalidArgumentError(std::string("len of type ") + internal::GoTypeName(v));
  }
}

Result<int64_t> IndexArg(const Value& v, int64_t cap) {
  if (v.kind() != K::kInt) {
    return InvalidArgumentError(std::string("cannot index slice/array with type ") +
                                internal::GoTypeName(v));
  }
  int64_t i = v.AsInt();
  if (i < 0 || i >= cap)
    return InvalidArgumentError(std::string("index out of range: ") + std::to_string(i));
  return i;
}

Result<Value> Index(std::span<const Value> args) {
  if (args.empty()) return WrongArgs("index", "at least 1", 0);
  Value item = args[0];
  for (size_t k = 1; k < args.size(); ++k) {
    const Value& idx = args[k];
    switch (item.kind()) {
      case K::kList: {
        OSPREY_ASSIGN_OR_RETURN(int64_t i,
                                IndexArg(idx, static_cast<int64_t>(item.AsList().size())));
        item = item.AsList()[static_cast<size_t>(i)];
        break;
      }
      case K::kString: {
        OSPREY_ASSIGN_OR_RETURN(int64_t i,
                                IndexArg(idx, static_cast<int64_t>(item.AsString().size())));
        item = Value(static_cast<int64_t>(
            static_cast<unsigned char>(item.AsString()[static_cast<size_t>(i)])));
        break;
      }
      case K::kMap: {
        if (idx.kind() != K::kString) {
          return InvalidArgumentError(std::string("value has type ") + internal::GoTypeName(idx) +
                                      "; should be string");
        }
        auto it = item.AsMap().find(idx.AsString());
        item = it == item.AsMap().end() ? Value() : it->second;
        break;
      }
      case K::kNil:
        return InvalidArgumentError("index of untyped nil");
      default:
        return InvalidArgumentError(std::string("can't index item of type ") +
                                    internal::GoTypeName(item));
    }
  }
  return item;
}

Result<Value> Slice(std::span<const Value> args) {
  if (args.empty()) return WrongArgs("slice", "at least 1", 0);
  const Value& item = args[0];
  if (args.size() > 4)
    return InvalidArgumentError(std::string("too many slice indexes: ") +
                                std::to_string(args.size() - 1));
  int64_t len = 0;
  if (item.kind() == K::kString) {
    if (args.size() == 4) return InvalidArgumentError("cannot 3-index slice a string");
    len = static_cast<int64_t>(item.AsString().size());
  } else if (item.kind() == K::kList) {
    len = static_cast<int64_t>(item.AsList().size());
  } else if (item.IsNil()) {
    return InvalidArgumentError("slice of untyped nil");
  } else {
    return InvalidArgumentError(std::string("can't slice item of type ") +
                                internal::GoTypeName(item));
  }
  int64_t idx[3] = {0, len, len};
  for (size_t k = 1; k < args.size(); ++k) {
    OSPREY_ASSIGN_OR_RETURN(idx[k - 1], IndexArg(args[k], len + 1));
  }
  if (idx[0] > idx[1]) {
    return InvalidArgumentError(std::string("invalid slice index: ") + std::to_string(idx[0]) +
                                " > " + std::to_string(idx[1]));
  }
  if (args.size() == 4 && idx[1] > idx[2]) {
    return InvalidArgumentError(std::string("invalid slice index: ") + std::to_string(idx[1]) +
                                " > " + std::to_string(idx[2]));
  }
  if (item.kind() == K::kString) {
    return Value(
        item.AsString().substr(static_cast<size_t>(idx[0]), static_cast<size_t>(idx[1] - idx[0])));
  }
  const auto& l = item.AsList();
  return Value(Value::List(l.begin() + idx[0], l.begin() + idx[1]));
}

// Comparison (Go's eq/lt with basic kinds; ints and floats compare numerically, times by
// instant). Returns -1/0/1, or an error for incomparable operands.
Result<int> Compare(const Value& a, const Value& b, bool ordered) {
  auto numeric = [](const Value& v) { return v.kind() == K::kInt || v.kind() == K::kFloat; };
  if (numeric(a) && numeric(b)) {
    if (a.kind() == K::kInt && b.kind() == K::kInt) {
      return a.AsInt() < b.AsInt() ? -1 : (a.AsInt() > b.AsInt() ? 1 : 0);
    }
    double x = a.AsFloat(), y = b.AsFloat();
    if (x < y) return -1;
    if (x > y) return 1;
    return x == y ? 0 : 2;  // NaN: unordered, not equal
  }
  auto basic = [](const Value& v) {
    return v.kind() == K::kBool || v.kind() == K::kInt || v.kind() == K::kFloat ||
           v.kind() == K::kString || v.kind() == K::kTime;
  };
  if (!ordered && (a.IsNil() || b.IsNil())) return a.IsNil() && b.IsNil() ? 0 : 2;
  if (!basic(a) || !basic(b)) return InvalidArgumentError("invalid type for comparison");
  if (a.kind() != b.kind()) return InvalidArgumentError("incompatible types for comparison");
  switch (a.kind()) {
    case K::kBool:
      if (ordered) return InvalidArgumentError("invalid type for comparison");
      return a.AsBool() == b.AsBool() ? 0 : 2;
    case K::kString:
      return a.AsString() < b.AsString() ? -1 : (a.AsString() > b.AsString() ? 1 : 0);
    case K::kTime:
      return a.AsTimeMs() < b.AsTimeMs() ? -1 : (a.AsTimeMs() > b.AsTimeMs() ? 1 : 0);
    default:
      return InvalidArgumentError("invalid type for comparison");
  }
}

Result<Value> Eq(std::span<const Value> args) {
  if (args.empty()) return InvalidArgumentError("missing argument for comparison");
  if (args.size() == 1) return InvalidArgumentError("missing argument for comparison");
  for (size_t k = 1; k < args.size(); ++k) {
    OSPREY_ASSIGN_OR_RETURN(int c, Compare(args[0], args[k], false));
    if (c == 0) return Value(true);
  }
  return Value(false);
}

template <typename Pred>
Function Ordered(std::string name, Pred pred) {
  return [name, pred](std::span<const Value> args) -> Result<Value> {
    if (args.size() != 2) return WrongArgs(name, "2", args.size());
    OSPREY_ASSIGN_OR_RETURN(int c, Compare(args[0], args[1], name != "ne"));
    return Value(pred(c));
  };
}

std::string ArgsString(std::span<const Value> args) {
  if (args.size() == 1 && args[0].kind() == K::kString) return args[0].AsString();
  return internal::Sprint(args);
}

std::string JsEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '\\':
        out += "\\\\";
        continue;
      case '\'':
        out += "\\'";
        continue;
      case '"':
        out += "\\\"";
        continue;
      case '<':
        out += "\\u003C";
        continue;
      case '>':
        out += "\\u003E";
        continue;
      case '&':
        out += "\\u0026";
        continue;
      case '=':
        out += "\\u003D";
        continue;
      default:
        break;
    }
    if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04X", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string UrlQueryEscape(std::string_view s) { return QueryEscape(s); }

FuncMap BuiltinFuncs() {
  FuncMap f;
  // Evaluated lazily by the executor; these bodies only run if called some other way.
  f.Add("and", [](std::span<const Value> args) -> Result<Value> {
    if (args.empty()) return WrongArgs("and", "at least 1", 0);
    for (const Value& v : args) {
      if (!v.Truthy()) return v;
    }
    return args.back();
  });
  f.Add("or", [](std::span<const Value> args) -> Result<Value> {
    if (args.empty()) return WrongArgs("or", "at least 1", 0);
    for (const Value& v : args) {
      if (v.Truthy()) return v;
    }
    return args.back();
  });
  f.Add("not", [](std::span<const Value> args) -> Result<Value> {
    if (args.size() != 1) return WrongArgs("not", "1", args.size());
    return Value(!args[0].Truthy());
  });
  f.Add("len", Len);
  f.Add("index", Index);
  f.Add("slice", Slice);
  f.Add("print",
        [](std::span<const Value> args) -> Result<Value> { return Value(internal::Sprint(args)); });
  f.Add("println", [](std::span<const Value> args) -> Result<Value> {
    return Value(internal::Sprintln(args));
  });
  f.Add("printf", [](std::span<const Value> args) -> Result<Value> {
    if (args.empty()) return WrongArgs("printf", "at least 1", 0);
    if (args[0].kind() != K::kString) {
      return InvalidArgumentError(std::string("wrong type for value; expected string; got ") +
                                  internal::GoTypeName(args[0]));
    }
    return Value(internal::Sprintf(args[0].AsString(), args.subspan(1)));
  });
  f.Add("eq", Eq);
  f.Add("ne", Ordered("ne", [](int c) { return c != 0; }));
  f.Add("lt", Ordered("lt", [](int c) { return c == -1; }));
  f.Add("le", Ordered("le", [](int c) { return c == -1 || c == 0; }));
  f.Add("gt", Ordered("gt", [](int c) { return c == 1; }));
  f.Add("ge", Ordered("ge", [](int c) { return c == 1 || c == 0; }));
  f.Add("html", [](std::span<const Value> args) -> Result<Value> {
    return Value(HtmlEscape(ArgsString(args)));  // Go's HTMLEscapeString, NUL included
  });
  f.Add("js", [](std::span<const Value> args) -> Result<Value> {
    return Value(JsEscape(ArgsString(args)));
  });
  f.Add("urlquery", [](std::span<const Value> args) -> Result<Value> {
    return Value(UrlQueryEscape(ArgsString(args)));
  });
  return f;
}

}  // namespace osprey::tmpl
