#include "agent/internal/text_writer.h"

#include <charconv>
#include <cmath>

#include "metrics/exposition.h"

namespace osprey::agent::internal {

void AppendDouble(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  out.append(buf, ec == std::errc() ? end : buf);
}

void AppendLabelValue(std::string& out, std::string_view value) {
  metrics::AppendEscapedLabelValue(out, value);
}

void TextWriter::Family(std::string_view name, std::string_view help, std::string_view type) {
  metrics::AppendFamilyHeader(out_, name, help, type);
}

void TextWriter::Labels(std::string_view name, std::initializer_list<LabelPair> labels) {
  out_ += name;
  if (labels.size() == 0) return;
  out_ += '{';
  bool first = true;
  for (const auto& label : labels) {
    if (!first) out_ += ',';
    first = false;
    out_ += label.first;
    out_ += "=\"";
    AppendLabelValue(out_, label.second);
    out_ += '"';
  }
  out_ += '}';
}

void TextWriter::Sample(std::string_view name, std::initializer_list<LabelPair> labels,
                        double value) {
  Labels(name, labels);
  out_ += ' ';
  AppendDouble(out_, value);
  out_ += '\n';
}

void TextWriter::SampleInt(std::string_view name, std::initializer_list<LabelPair> labels,
                           uint64_t value) {
  Labels(name, labels);
  out_ += ' ';
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  out_.append(buf, ec == std::errc() ? end : buf);
  out_ += '\n';
}

}  // namespace osprey::agent::internal
