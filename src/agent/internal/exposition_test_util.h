// Test helper: parses a text exposition body (with ingest::TextParser) into maps keyed by a
// canonical series key, name{a="1",b="2"} with labels sorted, so two bodies can be compared.
#pragma once

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ingest/text_parser.h"

namespace osprey::agent::internal {

struct ParsedExposition {
  std::map<std::string, double> samples;
  std::map<std::string, ingest::MetricType> types;
  std::map<std::string, std::string> help;

  // Canonical keys of the series of `metric`, each with its value.
  std::map<std::string, double> Family(std::string_view metric) const {
    std::map<std::string, double> out;
    for (const auto& [key, value] : samples) {
      if (key.size() >= metric.size() && key.compare(0, metric.size(), metric) == 0 &&
          (key.size() == metric.size() || key[metric.size()] == '{')) {
        out.emplace(key, value);
      }
    }
    return out;
  }
};

class ExpositionCollector : public ingest::TextVisitor {
 public:
  explicit ExpositionCollector(ParsedExposition& out) : out_(out) {}
  Status OnSample(const ingest::TextSample& s) override {
    std::vector<std::pair<std::string, std::string>> labels;
    for (const auto& l : s.labels) labels.emplace_back(l.name, l.value);
    std::sort(labels.begin(), labels.end());
    std::string key(s.metric_name);
    if (!labels.empty()) {
      key += '{';
      for (size_t i = 0; i < labels.size(); ++i) {
        if (i > 0) key += ',';
        key.append(labels[i].first).append("=\"").append(labels[i].second).append("\"");
      }
      key += '}';
    }
    if (!out_.samples.emplace(key, s.value).second) {
      return InvalidArgumentError(std::string("duplicate series ").append(key));
    }
    return OkStatus();
  }
  Status OnHelp(std::string_view name, std::string_view help) override {
    out_.help[std::string(name)] = std::string(help);
    return OkStatus();
  }
  Status OnType(std::string_view name, ingest::MetricType type) override {
    if (!out_.types.emplace(std::string(name), type).second) {
      return InvalidArgumentError(std::string("second TYPE line for ").append(name));
    }
    return OkStatus();
  }

 private:
  ParsedExposition& out_;
};

inline Status ParseExposition(std::string_view body, ParsedExposition& out) {
  ingest::TextParser parser(ingest::TextParserOptions{.reject_invalid_utf8 = true});
  ExpositionCollector visitor(out);
  return parser.Parse(body, visitor);
}

}  // namespace osprey::agent::internal
