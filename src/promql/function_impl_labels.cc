// label_replace, label_join, sort_by_label and sort_by_label_desc, after Prometheus's
// promql/functions.go. These keep the metric name: they change labels, not values.
#include <re2/re2.h>

#include <algorithm>
#include <string>
#include <vector>

#include "model/go_regexp.h"
#include "model/labels.h"
#include "promql/internal/function_impl.h"
#include "promql/internal/function_impl_common.h"

namespace osprey::promql::internal {
namespace {

// Prometheus 3 accepts any non-empty UTF-8 string as a label name.
bool IsValidLabelName(std::string_view name) { return !name.empty() && model::IsValidUtf8(name); }

std::string_view StringArg(const VectorCall& c, size_t i) {
  return i < c.args.size() ? c.args[i].string : std::string_view();
}

// Prometheus fails a step whose output has two series with the same labels.
Status CheckUniqueLabels(const Vector& out, size_t begin) {
  std::vector<const model::Labels*> labels;
  labels.reserve(out.size() - begin);
  for (size_t i = begin; i < out.size(); ++i) labels.push_back(&out[i].labels);
  std::sort(labels.begin(), labels.end(),
            [](const model::Labels* a, const model::Labels* b) { return *a < *b; });
  for (size_t i = 1; i < labels.size(); ++i) {
    if (*labels[i - 1] == *labels[i]) {
      return InvalidArgumentError("vector cannot contain metrics with the same labelset");
    }
  }
  return OkStatus();
}

Status LabelReplace(const VectorCall& c, Vector& out) {
  std::string_view dst = StringArg(c, 1);
  std::string_view replacement = StringArg(c, 2);
  std::string_view src = StringArg(c, 3);
  std::string_view regex = StringArg(c, 4);
  RE2::Options options;
  options.set_log_errors(false);
  // Go's "^(?s:re)$": a full match in which . also matches a newline.
  RE2 re(std::string("^(?s:").append(regex).append(")$"), options);
  if (!re.ok()) {
    return InvalidArgumentError(
        std::string("invalid regular expression in label_replace(): ").append(regex));
  }
  if (!IsValidLabelName(dst)) {
    return InvalidArgumentError(
        std::string("invalid destination label name in label_replace(): ").append(dst));
  }
  if (c.args.empty() || c.args[0].vector == nullptr) return OkStatus();
  std::vector<re2::StringPiece> groups(static_cast<size_t>(re.NumberOfCapturingGroups()) + 1);
  size_t begin = out.size();
  for (const VectorSample& s : *c.args[0].vector) {
    std::string_view value = s.labels.Get(src);
    if (value.data() == nullptr) value = "";
    re2::StringPiece text(value.data(), value.size());
    if (re.Match(text, 0, text.size(), RE2::UNANCHORED, groups.data(),
                 static_cast<int>(groups.size()))) {
      std::string replaced = model::ExpandTemplate(replacement, re, groups);
      out.push_back({.labels = model::LabelsBuilder(s.labels).Set(dst, replaced).Build(),
                     .t = c.t,
                     .v = s.v});
    } else {
      out.push_back({.labels = s.labels, .t = c.t, .v = s.v});
    }
  }
  return CheckUniqueLabels(out, begin);
}

Status LabelJoin(const VectorCall& c, Vector& out) {
  std::string_view dst = StringArg(c, 1);
  std::string_view separator = StringArg(c, 2);
  for (size_t i = 3; i < c.args.size(); ++i) {
    if (!IsValidLabelName(c.args[i].string)) {
      return InvalidArgumentError(
          std::string("invalid source label name in label_join(): ").append(c.args[i].string));
    }
  }
  if (!IsValidLabelName(dst)) {
    return InvalidArgumentError(
        std::string("invalid destination label name in label_join(): ").append(dst));
  }
  if (c.args.empty() || c.args[0].vector == nullptr) return OkStatus();
  size_t begin = out.size();
  for (const VectorSample& s : *c.args[0].vector) {
    std::string joined;
    for (size_t i = 3; i < c.args.size(); ++i) {
      if (i > 3) joined.append(separator);
      joined.append(s.labels.Get(c.args[i].string));
    }
    out.push_back(
        {.labels = model::LabelsBuilder(s.labels).Set(dst, joined).Build(), .t = c.t, .v = s.v});
  }
  return CheckUniqueLabels(out, begin);
}

// Compares maximal runs of ASCII digits as numbers and other runs as bytes, as the
// natsort package Prometheus uses. Unlike it, this is a total order (numbers of any
// length compare numerically; "01" and "1" are told apart by their text; a prefix
// sorts first), which std::stable_sort requires.
int CompareNatural(std::string_view a, std::string_view b) {
  auto is_digit = [](char ch) { return ch >= '0' && ch <= '9'; };
  auto chunk = [&](std::string_view s, size_t pos) {
    size_t end = pos;
    bool digits = is_digit(s[pos]);
    while (end < s.size() && is_digit(s[end]) == digits) ++end;
    return s.substr(pos, end - pos);
  };
  size_t i = 0;
  size_t j = 0;
  while (i < a.size() && j < b.size()) {
    std::string_view ca = chunk(a, i);
    std::string_view cb = chunk(b, j);
    i += ca.size();
    j += cb.size();
    int cmp = 0;
    if (is_digit(ca[0]) && is_digit(cb[0])) {
      std::string_view na = ca.substr(std::min(ca.find_first_not_of('0'), ca.size()));
      std::string_view nb = cb.substr(std::min(cb.find_first_not_of('0'), cb.size()));
      cmp = na.size() != nb.size() ? (na.size() < nb.size() ? -1 : 1) : na.compare(nb);
    } else {
      cmp = ca.compare(cb);
    }
    if (cmp != 0) return cmp < 0 ? -1 : 1;
  }
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  int cmp = a.compare(b);
  return cmp < 0 ? -1 : (cmp > 0 ? 1 : 0);
}

// sort_by_label(_desc): by the given labels' values in natural order, then by the whole
// label set.
template <bool kDescending>
Status SortByLabel(const VectorCall& c, Vector& out) {
  if (c.args.empty() || c.args[0].vector == nullptr) return OkStatus();
  std::vector<std::string_view> names;
  for (size_t i = 1; i < c.args.size(); ++i) names.push_back(c.args[i].string);
  size_t begin = out.size();
  for (const VectorSample& s : *c.args[0].vector) {
    out.push_back({.labels = s.labels, .t = c.t, .v = s.v});
  }
  auto compare = [&names](const VectorSample& a, const VectorSample& b) {
    for (std::string_view name : names) {
      int cmp = CompareNatural(a.labels.Get(name), b.labels.Get(name));
      if (cmp != 0) return cmp;
    }
    auto full = a.labels <=> b.labels;
    return full < 0 ? -1 : (full > 0 ? 1 : 0);
  };
  std::stable_sort(out.begin() + static_cast<ptrdiff_t>(begin), out.end(),
                   [&compare](const VectorSample& a, const VectorSample& b) {
                     return kDescending ? compare(a, b) > 0 : compare(a, b) < 0;
                   });
  return OkStatus();
}

// Sorted by name.
constexpr FunctionImpl kLabelFunctions[] = {
    {"label_join", nullptr, LabelJoin},
    {"label_replace", nullptr, LabelReplace},
    {"sort_by_label", nullptr, SortByLabel<false>},
    {"sort_by_label_desc", nullptr, SortByLabel<true>},
};

}  // namespace

std::span<const FunctionImpl> LabelFunctionImpls() { return kLabelFunctions; }

}  // namespace osprey::promql::internal
