#include "promql/value.h"

#include <algorithm>

namespace osprey::promql {
namespace {

// "<line>:<col>" of a byte offset, as Prometheus's PositionRange.StartPosInput.
std::string StartPos(std::string_view query, int pos) {
  int line = 1;
  int col = 1;
  for (int i = 0; i < pos && i < static_cast<int>(query.size()); ++i) {
    if (query[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return std::to_string(line) + ":" + std::to_string(col);
}

std::vector<std::string> Render(const std::vector<Annotation>& items, bool info,
                                std::string_view query) {
  std::vector<std::string> out;
  for (const Annotation& a : items) {
    if (a.info != info) continue;
    std::string s = a.message;
    if (!query.empty()) {
      s += " (";
      s += StartPos(query, a.pos.start);
      s += ")";
    }
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

void Annotations::Add(bool info, std::string message, PositionRange pos) {
  Annotation a{.info = info, .message = std::move(message), .pos = pos};
  if (std::find(items_.begin(), items_.end(), a) == items_.end()) items_.push_back(std::move(a));
}

void Annotations::Warn(std::string_view text, PositionRange pos) {
  Add(false, std::string("PromQL warning: ").append(text), pos);
}

void Annotations::Info(std::string_view text, PositionRange pos) {
  Add(true, std::string("PromQL info: ").append(text), pos);
}

void Annotations::Merge(const Annotations& other) {
  for (const Annotation& a : other.items_) Add(a.info, a.message, a.pos);
}

std::vector<std::string> Annotations::Warnings(std::string_view query) const {
  return Render(items_, false, query);
}

std::vector<std::string> Annotations::Infos(std::string_view query) const {
  return Render(items_, true, query);
}

}  // namespace osprey::promql
