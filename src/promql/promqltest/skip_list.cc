#include "promql/promqltest/skip_list.h"

#include <charconv>
#include <variant>

#include "promql/promqltest/str_cat.h"

namespace osprey::promql::promqltest {
namespace {

std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (true) {
    size_t tab = line.find('\t', pos);
    out.push_back(line.substr(pos, tab == std::string_view::npos ? tab : tab - pos));
    if (tab == std::string_view::npos) break;
    pos = tab + 1;
  }
  return out;
}

}  // namespace

Result<SkipList> SkipList::Parse(std::string_view tsv) {
  SkipList list;
  int line_no = 0;
  size_t pos = 0;
  while (pos < tsv.size()) {
    size_t nl = tsv.find('\n', pos);
    if (nl == std::string_view::npos) nl = tsv.size();
    std::string_view line = tsv.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string_view> cols = SplitTabs(line);
    auto bad = [&](std::string_view what) {
      return InvalidArgumentError(Cat("skip list line ", std::to_string(line_no), ": ", what));
    };
    if (cols.size() < 3 || cols.size() > 4) return bad("want file, line, reason[, query]");
    Entry e{.file = std::string(cols[0]), .reason = std::string(cols[2])};
    if (cols.size() == 4) e.query = std::string(cols[3]);
    if (cols[1] != "*") {
      auto [end, ec] = std::from_chars(cols[1].data(), cols[1].data() + cols[1].size(), e.line);
      if (ec != std::errc() || end != cols[1].data() + cols[1].size() || e.line <= 0) {
        return bad("line must be a positive number or *");
      }
    }
    if (e.file.empty() || e.reason.empty()) return bad("empty file or reason");
    auto [it, inserted] = list.index_.emplace(std::make_pair(e.file, e.line), list.entries_.size());
    if (!inserted) return bad("duplicate entry");
    list.entries_.push_back(std::move(e));
  }
  return list;
}

std::optional<std::string> SkipList::Reason(std::string_view file, int line) const {
  for (int l : {line, 0}) {
    auto it = index_.find(std::make_pair(std::string(file), l));
    if (it != index_.end()) return entries_[it->second].reason;
  }
  return std::nullopt;
}

std::vector<std::string> SkipList::Validate(std::string_view file, const Script& script) const {
  std::map<int, const EvalCmd*> evals;
  for (const Command& c : script.commands) {
    if (const auto* e = std::get_if<EvalCmd>(&c)) evals[e->line] = e;
  }
  std::vector<std::string> problems;
  for (const Entry& e : entries_) {
    if (e.file != file || e.line == 0) continue;
    auto it = evals.find(e.line);
    if (it == evals.end()) {
      problems.push_back(Cat(file, ":", std::to_string(e.line), ": skip entry is not an eval"));
    } else if (!e.query.empty() && e.query != it->second->query) {
      problems.push_back(Cat(file, ":", std::to_string(e.line), ": skip entry's query \"", e.query,
                             "\" differs from the script's \"", it->second->query, "\""));
    }
  }
  return problems;
}

}  // namespace osprey::promql::promqltest
