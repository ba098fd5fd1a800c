#include "alerting/route.h"

#include <algorithm>
#include <string>
#include <utility>

#include "base/strings.h"
#include "model/alert_matchers.h"

namespace osprey::alerting {
namespace {

// Alertmanager 0.25's labels.Matchers.String(): braces, matchers joined by "," without a
// space (model::FormatAlertMatchers puts a space, as the API's filter strings do).
std::string MatchersKey(const std::vector<model::Matcher>& ms) {
  std::string out = "{";
  for (size_t i = 0; i < ms.size(); ++i) {
    if (i > 0) out += ',';
    out += model::FormatAlertMatcher(ms[i]);
  }
  out += '}';
  return out;
}

}  // namespace

std::unique_ptr<Route> Route::Build(const config::RouteConfig& root) {
  int counter = 0;
  return BuildNode(root, nullptr, 0, &counter);
}

std::unique_ptr<Route> Route::BuildNode(const config::RouteConfig& c, const Route* parent,
                                        int sibling_index, int* counter) {
  std::unique_ptr<Route> r(new Route());
  r->parent_ = parent;
  r->index_ = (*counter)++;
  r->opts_.receiver = c.receiver;
  r->opts_.group_by = c.group_by;
  std::sort(r->opts_.group_by.begin(), r->opts_.group_by.end());
  r->opts_.group_by.erase(std::unique(r->opts_.group_by.begin(), r->opts_.group_by.end()),
                          r->opts_.group_by.end());
  r->opts_.group_by_all = c.group_by_all;
  r->opts_.group_wait_ms = c.group_wait.ms;
  r->opts_.group_interval_ms = c.group_interval.ms;
  r->opts_.repeat_interval_ms = c.repeat_interval.ms;
  r->opts_.mute_time_intervals = c.mute_time_intervals;
  r->opts_.active_time_intervals = c.active_time_intervals;
  r->matchers_ = c.matchers;
  model::SortAlertMatchers(&r->matchers_);
  r->continue_ = c.continue_matching;

  const std::string own = MatchersKey(r->matchers_);
  if (parent == nullptr) {
    r->key_ = own;
    r->id_ = own;
  } else {
    r->key_ = parent->key_;
    r->key_ += '/';
    r->key_ += own;
    r->id_ = parent->id_;
    r->id_ += '/';
    r->id_ += own;
    r->id_ += '/';
    r->id_ += std::to_string(sibling_index);
  }
  r->children_.reserve(c.routes.size());
  for (size_t i = 0; i < c.routes.size(); ++i) {
    r->children_.push_back(BuildNode(c.routes[i], r.get(), static_cast<int>(i), counter));
  }
  return r;
}

std::vector<const Route*> Route::Match(const model::Labels& labels) const {
  std::vector<const Route*> out;
  MatchInto(labels, out);
  return out;
}

void Route::MatchInto(const model::Labels& labels, std::vector<const Route*>& out) const {
  for (const model::Matcher& m : matchers_) {
    if (!m.Matches(labels.Get(m.name()))) return;
  }
  const size_t before = out.size();
  for (const auto& child : children_) {
    const size_t n = out.size();
    child->MatchInto(labels, out);
    if (out.size() > n && !child->continue_) break;
  }
  if (out.size() == before) out.push_back(this);
}

model::Labels Route::GroupLabels(const model::Labels& alert_labels) const {
  if (opts_.group_by_all) return alert_labels;
  std::vector<model::Label> picked;
  for (const model::Label& l : alert_labels) {
    if (std::binary_search(opts_.group_by.begin(), opts_.group_by.end(), l.name)) {
      picked.push_back(l);
    }
  }
  return model::Labels(std::move(picked));
}

void Route::Walk(const std::function<void(const Route&)>& visit) const {
  visit(*this);
  for (const auto& child : children_) child->Walk(visit);
}

std::string FormatLabelSet(const model::Labels& labels) {
  std::vector<std::string> pairs;
  pairs.reserve(labels.size());
  for (const model::Label& l : labels) {
    std::string p = l.name;
    p += '=';
    AppendGoQuoted(p, l.value, GoQuoteEscapes::kReadable);
    pairs.push_back(std::move(p));
  }
  // Go sorts the formatted pairs, not the names: `a0="x"` sorts before `a="y"`.
  std::sort(pairs.begin(), pairs.end());
  std::string out = "{";
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (i > 0) out += ", ";
    out += pairs[i];
  }
  out += '}';
  return out;
}

std::string GroupKey(const Route& route, const model::Labels& group_labels) {
  std::string key = route.key();
  key += ':';
  key += FormatLabelSet(group_labels);
  return key;
}

}  // namespace osprey::alerting
