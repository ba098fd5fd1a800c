#include "ingest/exposition.h"

#include <string>

namespace osprey::ingest {
namespace {

char ToLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ToLower(a[i]) != lower[i]) return false;
  }
  return true;
}

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<ExpositionFormat> FormatForContentType(std::string_view content_type) {
  // The media type is everything before the first ';'; parameters (version, charset,
  // escaping) do not change which parser reads the body.
  const std::string_view media_type = TrimBlanks(content_type.substr(0, content_type.find(';')));
  if (media_type.empty() || EqualsIgnoreCase(media_type, "text/plain")) {
    return ExpositionFormat::kPrometheusText;
  }
  if (EqualsIgnoreCase(media_type, "application/openmetrics-text")) {
    return ExpositionFormat::kOpenMetrics;
  }
  std::string message = "unsupported Content-Type \"";
  message.append(content_type);
  message += '"';
  return InvalidArgumentError(std::move(message));
}

Status ExpositionParser::Parse(ExpositionFormat format, std::string_view body,
                               TextVisitor& visitor) {
  switch (format) {
    case ExpositionFormat::kPrometheusText:
      return text_.Parse(body, visitor);
    case ExpositionFormat::kOpenMetrics:
      return openmetrics_.Parse(body, visitor);
  }
  return InvalidArgumentError("unknown exposition format");
}

}  // namespace osprey::ingest
