#include "model/labels.h"

#define XXH_INLINE_ALL  // header-only xxh3, with the streaming state type complete
#include <xxhash.h>

#include <algorithm>

#include "base/check.h"
#include "base/strings.h"

namespace osprey::model {
namespace {

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

}  // namespace

bool IsValidLabelName(std::string_view name) {
  if (name.empty() || !IsNameStart(name[0])) return false;
  return std::all_of(name.begin() + 1, name.end(), IsNameChar);
}

bool IsValidMetricName(std::string_view name) {
  if (name.empty() || !(IsNameStart(name[0]) || name[0] == ':')) return false;
  return std::all_of(name.begin() + 1, name.end(),
                     [](char c) { return IsNameChar(c) || c == ':'; });
}

bool IsValidUtf8(std::string_view s) { return ::osprey::IsValidUtf8(s); }

Labels::Labels(std::vector<Label> labels) : labels_(std::move(labels)) {
  std::erase_if(labels_, [](const Label& l) { return l.value.empty(); });
  if (!std::is_sorted(labels_.begin(), labels_.end(),
                      [](const Label& a, const Label& b) { return a.name < b.name; })) {
    std::stable_sort(labels_.begin(), labels_.end(),
                     [](const Label& a, const Label& b) { return a.name < b.name; });
  }
}

Labels Labels::FromStrings(std::initializer_list<std::string_view> name_values) {
  OSPREY_CHECK(name_values.size() % 2 == 0) << "odd number of strings";
  std::vector<Label> v;
  v.reserve(name_values.size() / 2);
  for (auto it = name_values.begin(); it != name_values.end(); it += 2) {
    v.push_back(Label{std::string(*it), std::string(*(it + 1))});
  }
  return Labels(std::move(v));
}

std::string_view Labels::Get(std::string_view name) const {
  auto it = std::lower_bound(labels_.begin(), labels_.end(), name,
                             [](const Label& l, std::string_view n) { return l.name < n; });
  if (it != labels_.end() && it->name == name) return it->value;
  return {};
}

bool Labels::Has(std::string_view name) const { return !Get(name).empty(); }

uint64_t Labels::Hash() const {
  XXH3_state_t state;
  XXH3_64bits_reset(&state);
  static constexpr char kSep = '\xff';
  for (const Label& l : labels_) {
    XXH3_64bits_update(&state, l.name.data(), l.name.size());
    XXH3_64bits_update(&state, &kSep, 1);
    XXH3_64bits_update(&state, l.value.data(), l.value.size());
    XXH3_64bits_update(&state, &kSep, 1);
  }
  return XXH3_64bits_digest(&state);
}

std::string Labels::ToString() const {
  std::string out = "{";
  for (size_t i = 0; i < labels_.size(); ++i) {
    if (i > 0) out += ", ";
    out += labels_[i].name;
    out += '=';
    AppendGoQuoted(out, labels_[i].value);
  }
  out += '}';
  return out;
}

Labels Labels::WithoutMetricName() const {
  Labels out;
  out.labels_.reserve(labels_.size());
  for (const Label& l : labels_) {
    if (l.name != kMetricName) out.labels_.push_back(l);
  }
  return out;
}

Status Labels::ValidateSeries() const {
  for (size_t i = 0; i < labels_.size(); ++i) {
    const Label& l = labels_[i];
    if (!IsValidLabelName(l.name)) {
      return InvalidArgumentError("invalid label name \"" + l.name + "\"");
    }
    if (i > 0 && labels_[i - 1].name == l.name) {
      return InvalidArgumentError("duplicate label name \"" + l.name + "\"");
    }
    if (!IsValidUtf8(l.value)) {
      return InvalidArgumentError("invalid UTF-8 in the value of label \"" + l.name + "\"");
    }
    if (l.name == kMetricName && !IsValidMetricName(l.value)) {
      return InvalidArgumentError("invalid metric name \"" + l.value + "\"");
    }
  }
  if (MetricName().empty()) return InvalidArgumentError("missing metric name (__name__ label)");
  return OkStatus();
}

size_t Labels::ByteSize() const {
  size_t n = 0;
  for (const Label& l : labels_) n += l.name.size() + l.value.size();
  return n;
}

LabelsBuilder& LabelsBuilder::Set(std::string_view name, std::string_view value) {
  for (Label& l : labels_) {
    if (l.name == name) {
      l.value = std::string(value);
      return *this;
    }
  }
  labels_.push_back(Label{std::string(name), std::string(value)});
  return *this;
}

LabelsBuilder& LabelsBuilder::Del(std::string_view name) {
  std::erase_if(labels_, [&](const Label& l) { return l.name == name; });
  return *this;
}

}  // namespace osprey::model
