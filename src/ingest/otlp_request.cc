#include "ingest/otlp_request.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>

#include "base/strings.h"

namespace osprey::ingest {

void OtlpMetricsRequest::Clear() {
  resources.clear();
  metrics.clear();
  attributes.clear();
  number_points.clear();
  histogram_points.clear();
  exponential_points.clear();
  summary_points.clear();
  counts.clear();
  bounds.clear();
  quantiles.clear();
  owned_.clear();
}

std::string_view OtlpMetricsRequest::Own(std::string s) {
  owned_.push_back(std::move(s));
  return owned_.back();
}

void AppendOtlpValueJson(std::string& out, const OtlpValueText& v) {
  switch (v.kind) {
    case OtlpValueText::Kind::kEmpty:
      out += "null";
      return;
    case OtlpValueText::Kind::kString:
      out += '"';
      AppendJsonEscaped(out, v.view);
      out += '"';
      return;
    case OtlpValueText::Kind::kBytes:
      out += '"';
      out += v.text;
      out += '"';
      return;
    case OtlpValueText::Kind::kOther:
      out += v.text;
      return;
  }
}

void AppendOtlpKvListJson(std::string& out,
                          std::vector<std::pair<std::string_view, std::string>>& entries) {
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  out += '{';
  bool first = true;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i + 1 < entries.size() && entries[i + 1].first == entries[i].first) continue;
    if (!first) out += ',';
    first = false;
    out += '"';
    AppendJsonEscaped(out, entries[i].first);
    out += "\":";
    out += entries[i].second;
  }
  out += '}';
}

std::string OtlpDoubleAsString(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  const double abs = std::fabs(v);
  // ES6 Number-to-String, as Go's encoding/json (and so pcommon.Value.AsString) writes floats.
  const bool exponent = abs != 0 && (abs < 1e-6 || abs >= 1e21);
  auto r = std::to_chars(buf, buf + sizeof(buf), v,
                         exponent ? std::chars_format::scientific : std::chars_format::fixed);
  std::string out(buf, r.ptr);
  if (exponent) {
    // "1e-07" -> "1e-7", as Go cleans up its two-digit negative exponents.
    const size_t n = out.size();
    if (n >= 4 && out[n - 4] == 'e' && out[n - 3] == '-' && out[n - 2] == '0') {
      out.erase(n - 2, 1);
    }
  }
  return out;
}

}  // namespace osprey::ingest
