// Rendering of the Prometheus text format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/).
//
// Output order is deterministic: families sorted by name, registered families and collector
// output merged into one sequence; series sorted by their label values. Histograms expand to
// <name>_bucket (cumulative, ending with le="+Inf"), <name>_sum and <name>_count, where _count
// is taken from the +Inf bucket so the two always agree.
#include "metrics/exposition.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "base/strings.h"
#include "metrics/internal/names.h"
#include "metrics/internal/registry_entry.h"
#include "metrics/registry.h"

namespace osprey::metrics {
namespace internal {
namespace {

bool IsNameStart(char c, bool allow_colon) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
}

bool IsNameChar(char c, bool allow_colon) {
  return IsNameStart(c, allow_colon) || (c >= '0' && c <= '9');
}

bool IsValidName(std::string_view name, bool allow_colon) {
  if (name.empty() || !IsNameStart(name[0], allow_colon)) return false;
  return std::all_of(name.begin() + 1, name.end(),
                     [allow_colon](char c) { return IsNameChar(c, allow_colon); });
}

}  // namespace

bool IsValidMetricName(std::string_view name) { return IsValidName(name, /*allow_colon=*/true); }

bool IsValidLabelName(std::string_view name) {
  return IsValidName(name, /*allow_colon=*/false) && !name.starts_with("__");
}

void AppendValue(double v, std::string& out) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  // 2^63: every integral double below it in magnitude fits an int64 exactly.
  constexpr double kTwoPow63 = 9223372036854775808.0;
  char buf[64];
  if (v == std::trunc(v) && v > -kTwoPow63 && v < kTwoPow63) {
    // Integers without exponent: 1000000, not 1e+06.
    auto result = std::to_chars(buf, buf + sizeof(buf), static_cast<int64_t>(v));
    out.append(buf, result.ptr);
    return;
  }
  // Shortest round-trip digits, laid out as Go's strconv.FormatFloat(v, 'g', -1, 64) does
  // (what the Prometheus clients write): exponent form when the decimal exponent is below -4
  // or at least 6 (1e-05, 1.2345675e+06), plain decimals otherwise (0.0001, 123456.5).
  auto scientific = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string_view text(buf, static_cast<size_t>(scientific.ptr - buf));
  std::string_view exponent = text.substr(text.find('e') + 1);
  const bool negative_exponent = exponent[0] == '-';
  int magnitude = 0;
  std::from_chars(exponent.data() + 1, exponent.data() + exponent.size(), magnitude);
  const int exp10 = negative_exponent ? -magnitude : magnitude;
  if (exp10 < -4 || exp10 >= 6) {
    out += text;
    return;
  }
  auto fixed = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  out.append(buf, fixed.ptr);
}

}  // namespace internal

void AppendEscapedLabelValue(std::string& out, std::string_view value) {
  for (size_t i = 0; i < value.size();) {
    const char c = value[i];
    if (static_cast<unsigned char>(c) >= 0x80) {
      i += AppendUtf8SequenceOrReplacement(out, value, i);
      continue;
    }
    ++i;
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

void AppendEscapedHelp(std::string& out, std::string_view help) {
  for (char c : help) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

void AppendFamilyHeader(std::string& out, std::string_view name, std::string_view help,
                        std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  AppendEscapedHelp(out, help);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

std::string FormatValue(double v) {
  std::string out;
  internal::AppendValue(v, out);
  return out;
}

void MetricWriter::Write(
    std::string_view name, std::string_view help, std::string_view type,
    std::initializer_list<std::pair<std::string_view, std::string_view>> labels, double value) {
  OSPREY_CHECK(internal::IsValidMetricName(name)) << "invalid metric name '" << name << "'";
  OSPREY_CHECK(type == "counter" || type == "gauge")
      << "metric " << name << ": type must be counter or gauge, got '" << type << "'";
  Sample sample{.labels = {}, .value = value};
  sample.labels.reserve(labels.size());
  for (const auto& [label, label_value] : labels) {
    OSPREY_CHECK(internal::IsValidLabelName(label))
        << "invalid label name '" << label << "' for metric " << name;
    sample.labels.emplace_back(label, label_value);
  }
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_
             .emplace(std::string(name), WrittenFamily{std::string(help), std::string(type), {}})
             .first;
  }
  OSPREY_CHECK(it->second.type == type)
      << "metric " << name << " written as " << it->second.type << " and as " << type;
  it->second.samples.push_back(std::move(sample));
}

namespace {

// Appends `,name="value"` (no comma before the first label), escaping the value.
void AppendLabel(std::string_view name, std::string_view value, bool first, std::string& out) {
  if (!first) out += ',';
  out += name;
  out += "=\"";
  AppendEscapedLabelValue(out, value);
  out += '"';
}

// Appends `name{n1="v1",...,extra_name="extra_value"} value\n`; braces only if there are labels.
void AppendSample(std::string_view name, std::string_view suffix,
                  const std::vector<std::string>& label_names,
                  const std::vector<std::string>& label_values, std::string_view extra_name,
                  std::string_view extra_value, double value, std::string& out) {
  out += name;
  out += suffix;
  const bool has_extra = !extra_name.empty();
  if (!label_names.empty() || has_extra) {
    out += '{';
    for (size_t i = 0; i < label_names.size(); ++i) {
      AppendLabel(label_names[i], label_values[i], i == 0, out);
    }
    if (has_extra) AppendLabel(extra_name, extra_value, label_names.empty(), out);
    out += '}';
  }
  out += ' ';
  internal::AppendValue(value, out);
  out += '\n';
}

template <typename M>
void AppendScalarFamily(std::string_view name, std::string_view help, std::string_view type,
                        const Family<M>& family, std::string& out) {
  bool header_written = false;
  family.ForEachChild([&](const std::vector<std::string>& values, const M& metric) {
    if (!header_written) AppendFamilyHeader(out, name, help, type);
    header_written = true;
    AppendSample(name, "", family.label_names(), values, "", "", metric.Value(), out);
  });
}

void AppendHistogramFamily(std::string_view name, std::string_view help,
                           const Family<Histogram>& family, std::string& out) {
  bool header_written = false;
  std::string le;
  family.ForEachChild([&](const std::vector<std::string>& values, const Histogram& histogram) {
    if (!header_written) AppendFamilyHeader(out, name, help, "histogram");
    header_written = true;
    const std::vector<double>& bounds = histogram.bounds();
    // Read the sum first: an Observe racing with this scrape then shows up in the counts
    // before the sum, never the sum without its count.
    const double sum = histogram.Sum();
    const std::vector<uint64_t> counts = histogram.CumulativeCounts();
    for (size_t i = 0; i < counts.size(); ++i) {
      le.clear();
      if (i < bounds.size()) {
        internal::AppendValue(bounds[i], le);
      } else {
        le = "+Inf";
      }
      AppendSample(name, "_bucket", family.label_names(), values, "le", le,
                   static_cast<double>(counts[i]), out);
    }
    AppendSample(name, "_sum", family.label_names(), values, "", "", sum, out);
    AppendSample(name, "_count", family.label_names(), values, "", "",
                 static_cast<double>(counts.back()), out);
  });
}

}  // namespace

void Registry::AppendEntry(std::string_view name, const Entry& entry, std::string& out) {
  if (entry.counters != nullptr) {
    AppendScalarFamily(name, entry.help, "counter", *entry.counters, out);
  } else if (entry.gauges != nullptr) {
    AppendScalarFamily(name, entry.help, "gauge", *entry.gauges, out);
  } else {
    AppendHistogramFamily(name, entry.help, *entry.histograms, out);
  }
}

void Registry::AppendWritten(MetricWriter& writer, const std::string& name, std::string& out) {
  auto& family = writer.families_.at(name);
  using Sample = MetricWriter::Sample;
  auto values_less = [](const Sample& a, const Sample& b) {
    const auto& x = a.labels;
    const auto& y = b.labels;
    // By label values first, then by label names for samples with different label sets.
    if (std::lexicographical_compare(
            x.begin(), x.end(), y.begin(), y.end(),
            [](const auto& p, const auto& q) { return p.second < q.second; })) {
      return true;
    }
    if (std::lexicographical_compare(
            y.begin(), y.end(), x.begin(), x.end(),
            [](const auto& p, const auto& q) { return p.second < q.second; })) {
      return false;
    }
    return std::lexicographical_compare(
        x.begin(), x.end(), y.begin(), y.end(),
        [](const auto& p, const auto& q) { return p.first < q.first; });
  };
  std::stable_sort(family.samples.begin(), family.samples.end(), values_less);
  AppendFamilyHeader(out, name, family.help, family.type);
  for (size_t i = 0; i < family.samples.size(); ++i) {
    const Sample& sample = family.samples[i];
    OSPREY_CHECK(i == 0 || family.samples[i - 1].labels != sample.labels)
        << "collector wrote metric " << name << " twice with the same labels";
    out += name;
    if (!sample.labels.empty()) {
      out += '{';
      for (size_t j = 0; j < sample.labels.size(); ++j) {
        AppendLabel(sample.labels[j].first, sample.labels[j].second, j == 0, out);
      }
      out += '}';
    }
    out += ' ';
    internal::AppendValue(sample.value, out);
    out += '\n';
  }
}

std::string Registry::ExpositionText() const {
  // Snapshot under the lock, render without it: collectors may be slow (they read /proc) or
  // register metrics themselves. Entries are never removed, so the pointers stay valid.
  std::vector<std::pair<std::string_view, const Entry*>> entries;
  std::vector<std::function<void(MetricWriter&)>> collectors;
  {
    MutexLock lock(mu_);
    entries.reserve(entries_.size());
    for (const auto& [name, entry] : entries_) entries.emplace_back(name, entry.get());
    collectors = collectors_;
  }
  MetricWriter writer;
  for (const auto& collect : collectors) collect(writer);

  std::string out;
  auto entry_it = entries.begin();
  auto written_it = writer.families_.begin();
  while (entry_it != entries.end() || written_it != writer.families_.end()) {
    if (written_it == writer.families_.end() ||
        (entry_it != entries.end() && entry_it->first < written_it->first)) {
      AppendEntry(entry_it->first, *entry_it->second, out);
      ++entry_it;
    } else {
      OSPREY_CHECK(entry_it == entries.end() || entry_it->first != written_it->first)
          << "collector wrote metric " << written_it->first << ", which is also registered";
      AppendWritten(writer, written_it->first, out);
      ++written_it;
    }
  }
  return out;
}

}  // namespace osprey::metrics
