#include "ingest/exposition.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace osprey::ingest {
namespace {

TEST(FormatForContentTypeTest, MatchesTheMediaTypeCaseInsensitivelyIgnoringParameters) {
  struct Case {
    std::string content_type;
    ExpositionFormat format;
  };
  const std::vector<Case> cases = {
      {"", ExpositionFormat::kPrometheusText},
      {"text/plain", ExpositionFormat::kPrometheusText},
      {"text/plain; version=0.0.4; charset=utf-8", ExpositionFormat::kPrometheusText},
      {"Text/Plain;version=0.0.4", ExpositionFormat::kPrometheusText},
      {"  text/plain  ; charset=utf-8", ExpositionFormat::kPrometheusText},
      {"text/plain; version=1.0.0; escaping=underscores", ExpositionFormat::kPrometheusText},
      {"application/openmetrics-text", ExpositionFormat::kOpenMetrics},
      {"application/openmetrics-text; version=1.0.0; charset=utf-8",
       ExpositionFormat::kOpenMetrics},
      {"application/OpenMetrics-Text;version=0.0.1", ExpositionFormat::kOpenMetrics},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.content_type);
    Result<ExpositionFormat> f = FormatForContentType(c.content_type);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    EXPECT_EQ(*f, c.format);
  }
}

TEST(FormatForContentTypeTest, RejectsOtherMediaTypes) {
  for (const std::string ct :
       {"text/html", "text/html; charset=utf-8", "application/json", "text/plainx",
        "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily"}) {
    SCOPED_TRACE(ct);
    std::string message = "unsupported Content-Type \"";
    message += ct;
    message += '"';
    EXPECT_EQ(FormatForContentType(ct).status().ToString(),
              InvalidArgumentError(message).ToString());
  }
}

class Collect : public TextVisitor {
 public:
  Status OnSample(const TextSample& s) override {
    std::string e(s.metric_name);
    e += s.has_timestamp ? " @" + std::to_string(s.timestamp_ms) : "";
    e += s.exemplar != nullptr ? " exemplar" : "";
    samples.push_back(std::move(e));
    return OkStatus();
  }
  std::vector<std::string> samples;
};

TEST(ExpositionParserTest, DispatchesOnTheFormat) {
  ExpositionParser parser;
  {
    Collect v;
    EXPECT_EQ(parser.Parse(ExpositionFormat::kPrometheusText, "a 1 1500\n", v), OkStatus());
    EXPECT_EQ(v.samples, std::vector<std::string>{"a @1500"});
  }
  {
    Collect v;
    EXPECT_EQ(
        parser.Parse(ExpositionFormat::kOpenMetrics, "a_total 1 1.5 # {t=\"x\"} 1\n# EOF\n", v),
        OkStatus());
    EXPECT_EQ(v.samples, std::vector<std::string>{"a_total @1500 exemplar"});
  }
  {
    // The text body lacks # EOF: not OpenMetrics.
    Collect v;
    EXPECT_EQ(parser.Parse(ExpositionFormat::kOpenMetrics, "a 1\n", v),
              InvalidArgumentError("line 2, column 1: expected # EOF"));
  }
}

TEST(ExpositionParserTest, ScrapesRejectInvalidUtf8InTheTextFormat) {
  // As Prometheus's scraper; the text importer instead rejects only the series.
  ExpositionParser parser;
  Collect v;
  EXPECT_EQ(parser.Parse(ExpositionFormat::kPrometheusText, "a{b=\"\xff\"} 1\n", v),
            InvalidArgumentError("line 1, column 5: invalid UTF-8 in label value"));
}

}  // namespace
}  // namespace osprey::ingest
