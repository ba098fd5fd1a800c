#include "http/request.h"

#include <string>

namespace osprey::http {
namespace {

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string_view> FindFirst(const KeyValues& kvs, std::string_view name) {
  for (const auto& [k, v] : kvs) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

std::string_view TrimOptionalWhitespace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<std::string_view> Request::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) return std::string_view(v);
  }
  return std::nullopt;
}

std::string_view Request::PathParam(std::string_view name) const {
  return FindFirst(path_params, name).value_or(std::string_view());
}

std::optional<std::string_view> Request::Param(std::string_view name) const {
  if (auto v = FindFirst(form, name)) return v;
  return FindFirst(query, name);
}

std::vector<std::string_view> Request::Params(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const KeyValues* kvs : {&form, &query}) {
    for (const auto& [k, v] : *kvs) {
      if (k == name) out.emplace_back(v);
    }
  }
  return out;
}

Result<std::string> PercentDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      bool complete = i + 2 < s.size();
      int hi = complete ? HexValue(s[i + 1]) : -1;
      int lo = complete ? HexValue(s[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        std::string bad(s.substr(i, 3));
        return InvalidArgumentError("invalid URL escape \"" + bad + "\"");
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<KeyValues> ParseUrlEncoded(std::string_view s) {
  KeyValues out;
  while (!s.empty()) {
    size_t amp = s.find('&');
    std::string_view piece = s.substr(0, amp);
    s = amp == std::string_view::npos ? std::string_view() : s.substr(amp + 1);
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    std::string_view key = piece.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
    OSPREY_ASSIGN_OR_RETURN(std::string k, PercentDecode(key, true));
    OSPREY_ASSIGN_OR_RETURN(std::string v, PercentDecode(value, true));
    out.emplace_back(std::move(k), std::move(v));
  }
  return out;
}

std::string_view RawPath(std::string_view target) {
  std::string_view rest = target;
  if (!rest.empty() && rest[0] != '/') {
    // absolute-form: scheme "://" authority path-abempty [ "?" query ]
    size_t scheme_end = rest.find("://");
    if (scheme_end == std::string_view::npos || scheme_end == 0) return std::string_view();
    rest = rest.substr(scheme_end + 3);
    size_t path_start = rest.find_first_of("/?#");
    if (path_start == std::string_view::npos || rest[path_start] != '/') return "/";
    rest = rest.substr(path_start);
  }
  return rest.substr(0, rest.find_first_of("?#"));
}

Status ParseTarget(std::string_view target, Request& request) {
  request.query.clear();
  if (target == "*") {
    request.path.assign(1, '*');  // Not = "*": g++ 12 -Wrestrict false positive.
    return OkStatus();
  }
  std::string_view raw_path = RawPath(target);
  if (raw_path.empty()) return InvalidArgumentError("invalid request target");
  OSPREY_ASSIGN_OR_RETURN(request.path, PercentDecode(raw_path, false));
  size_t q = target.find('?');
  if (q == std::string_view::npos) return OkStatus();
  std::string_view raw_query = target.substr(q + 1);
  // A fragment is never sent by a conforming client; drop it if one is.
  raw_query = raw_query.substr(0, raw_query.find('#'));
  OSPREY_ASSIGN_OR_RETURN(request.query, ParseUrlEncoded(raw_query));
  return OkStatus();
}

}  // namespace osprey::http
