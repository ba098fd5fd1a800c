#include "config/internal/emit.h"

#include <yaml-cpp/emitter.h>
#include <yaml-cpp/emittermanip.h>

#include <string>

namespace osprey::config::internal {
namespace {

bool IsPlainChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("_./:$()+=;*?%^<>@!~\\- ").find(c) != std::string_view::npos;
}

bool IsSafePlain(std::string_view s) {
  if (s.empty() || s.front() == ' ' || s.back() == ' ' || s.back() == ':') return false;
  if (s.starts_with("---") || s.starts_with("...")) return false;
  if (s.find(": ") != std::string_view::npos) return false;
  for (char c : s) {
    if (!IsPlainChar(c)) return false;
  }
  return true;
}

}  // namespace

void WriteString(YAML::Emitter& out, std::string_view s) {
  // yaml-cpp still quotes plain-safe strings that would read as another type ("null", "~").
  if (IsSafePlain(s)) {
    out << std::string(s);
  } else {
    out << YAML::DoubleQuoted << std::string(s);
  }
}

void WriteStringEntry(YAML::Emitter& out, std::string_view key, std::string_view value) {
  out << YAML::Key;
  WriteString(out, key);
  out << YAML::Value;
  WriteString(out, value);
}

}  // namespace osprey::config::internal
