// Scrape bodies: picking the exposition format from a response's Content-Type and parsing
// it with the matching parser (Prometheus text 0.0.4 or OpenMetrics 1.0), both reporting to
// one TextVisitor (text_parser.h).
//
//   ingest::ExpositionParser parser;  // one per thread; keeps scratch buffers
//   OSPREY_ASSIGN_OR_RETURN(auto format, ingest::FormatForContentType(response.content_type));
//   OSPREY_RETURN_IF_ERROR(parser.Parse(format, response.body, visitor));
#pragma once

#include <string_view>

#include "base/status.h"
#include "ingest/openmetrics_parser.h"
#include "ingest/text_parser.h"

namespace osprey::ingest {

enum class ExpositionFormat { kPrometheusText, kOpenMetrics };

// The Accept header a scrape sends: OpenMetrics preferred, the text format accepted, as
// Prometheus sends it.
inline constexpr std::string_view kScrapeAcceptHeader =
    "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
    "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

// text/plain (any parameters) and an empty Content-Type: the text format;
// application/openmetrics-text (any version): OpenMetrics; anything else:
// kInvalidArgument `unsupported Content-Type "text/html"`.
Result<ExpositionFormat> FormatForContentType(std::string_view content_type);

// Thread-compatible; one per thread so the parsers' scratch buffers stay allocated. The text
// parser rejects label values and HELP texts that are not valid UTF-8, as Prometheus's scraper
// does (TextParserOptions::reject_invalid_utf8); OpenMetrics always does.
class ExpositionParser {
 public:
  // Syntax errors are kInvalidArgument with line and column; the visitor may already have
  // seen the samples before the error (the scrape loop discards the whole scrape then).
  Status Parse(ExpositionFormat format, std::string_view body, TextVisitor& visitor);

 private:
  TextParser text_{TextParserOptions{.reject_invalid_utf8 = true}};
  OpenMetricsParser openmetrics_;
};

}  // namespace osprey::ingest
