#include "agent/internal/text_writer.h"

#include <charconv>
#include <cmath>

#include "base/strings.h"

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
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (static_cast<unsigned char>(c) >= 0x80) {
      // Device and process names are bytes; exposition label values must be UTF-8.
      size_t len = Utf8SequenceLength(value, i);
      if (len == 0) {
        out += "\xEF\xBF\xBD";
      } else {
        out.append(value.substr(i, len));
        i += len - 1;
      }
      continue;
    }
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

void AppendValidUtf8(std::string& out, std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t len = Utf8SequenceLength(s, i);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
}

void TextWriter::Family(std::string_view name, std::string_view help, std::string_view type) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  for (char c : help) {
    if (c == '\\') {
      out_ += "\\\\";
    } else if (c == '\n') {
      out_ += "\\n";
    } else {
      out_ += c;
    }
  }
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
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
