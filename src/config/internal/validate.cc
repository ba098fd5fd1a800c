#include "config/internal/validate.h"

#include <string>
#include <vector>

#include "base/strings.h"
#include "model/labels.h"

namespace osprey::config::internal {
namespace {

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool IsValidLabelName(std::string_view s) { return model::IsValidLabelName(s); }

bool IsValidRelabelTarget(std::string_view s) {
  // ^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$ : word characters and group references,
  // the first element being a letter, an underscore or a reference.
  if (s.empty() || IsDigit(s[0])) return false;
  size_t i = 0;
  while (i < s.size()) {
    if (IsWordChar(s[i])) {
      ++i;
      continue;
    }
    if (s[i] != '$') return false;
    ++i;
    if (i < s.size() && s[i] == '{') {
      size_t close = s.find('}', i);
      if (close == std::string_view::npos || close == i + 1) return false;
      for (size_t j = i + 1; j < close; ++j) {
        if (!IsWordChar(s[j])) return false;
      }
      i = close + 1;
    } else {
      size_t start = i;
      while (i < s.size() && IsWordChar(s[i])) ++i;
      if (i == start) return false;
    }
  }
  return true;
}

bool IsValidUtf8(std::string_view s) { return ::osprey::IsValidUtf8(s); }

std::string CleanPath(std::string_view path) {
  if (path.empty()) return ".";
  const bool rooted = path[0] == '/';
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t next = path.find('/', i);
    if (next == std::string_view::npos) next = path.size();
    std::string_view part = path.substr(i, next - i);
    i = next + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!rooted) {
        parts.push_back(part);
      }
      continue;
    }
    parts.push_back(part);
  }
  if (parts.empty()) return rooted ? "/" : ".";
  std::string out;
  for (std::string_view part : parts) {
    if (rooted || !out.empty()) out.push_back('/');
    out.append(part.data(), part.size());
  }
  return out;
}

std::string JoinDir(std::string_view dir, std::string_view path) {
  if (path.empty() || path[0] == '/') return std::string(path);
  std::string joined(dir);
  if (!joined.empty()) joined += '/';
  joined += path;
  return CleanPath(joined);
}

std::string DirName(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  return CleanPath(path.substr(0, slash + 1));
}

std::string Quote(std::string_view s) {
  std::string out;
  AppendGoQuoted(out, s, GoQuoteEscapes::kReadable);
  return out;
}

Status DecodeLabelMap(const YamlDocument& doc, const YamlNode& node, std::string_view field,
                      std::map<std::string, std::string>* out) {
  OSPREY_RETURN_IF_ERROR(DecodeValue(doc, node, field, out));
  for (const YamlEntry& e : node.entries()) {
    if (!IsValidLabelName(e.key)) {
      return doc.Error(e.key_mark, Quote(e.key) + " is not a valid label name");
    }
  }
  return OkStatus();
}

}  // namespace osprey::config::internal
