// Checks in the order of upstream's evalCmd.compareResult, checkExpectedFailure and
// checkAnnotations (promql/promqltest/test.go), with messages in the same spirit.
#include "promql/promqltest/compare.h"

#include <re2/re2.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "model/sample.h"
#include "promql/promqltest/str_cat.h"

namespace osprey::promql::promqltest {
namespace {

using Kind = SequenceValue::Kind;

std::map<model::Labels, const ExpectedSeries*> ExpectedByLabels(const EvalCmd& cmd) {
  std::map<model::Labels, const ExpectedSeries*> out;
  for (const ExpectedSeries& s : cmd.expected) out[s.labels] = &s;
  return out;
}

std::string FormatPoints(const std::vector<FPoint>& points) {
  std::string out = "[";
  for (size_t i = 0; i < points.size(); ++i) {
    if (i > 0) out += " ";
    out += Cat(FormatValue(points[i].v), "@", std::to_string(points[i].t));
  }
  return out + "]";
}

bool Matches(const Expectation& e, std::string_view text) {
  if (e.message) return *e.message == text;
  if (e.regex) {
    RE2 re(*e.regex);
    return re.ok() && RE2::PartialMatch(text, re);
  }
  return true;
}

std::string ExpectationText(const Expectation& e) {
  if (e.message) return Cat("message \"", *e.message, "\"");
  if (e.regex) return Cat("pattern \"", *e.regex, "\"");
  return "anything";
}

std::string Join(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += Cat("\"", items[i], "\"");
  }
  return out + "]";
}

Mismatch CheckAnnotationsOfKind(const std::vector<const Expectation*>& expected,
                                const std::vector<std::string>& actual, std::string_view kind) {
  if (expected.empty()) return std::nullopt;
  if (actual.empty()) return Cat("expected ", kind, " annotations but none were found");
  for (const Expectation* e : expected) {
    bool found = std::any_of(actual.begin(), actual.end(),
                             [&](const std::string& a) { return Matches(*e, a); });
    if (!found) {
      return Cat("expected ", kind, " annotation matching ", ExpectationText(*e), " but found ",
                 Join(actual));
    }
  }
  for (const std::string& a : actual) {
    bool found = std::any_of(expected.begin(), expected.end(),
                             [&](const Expectation* e) { return Matches(*e, a); });
    if (!found) return Cat("unexpected ", kind, " annotation \"", a, "\"");
  }
  return std::nullopt;
}

}  // namespace

bool AlmostEqual(double expected, double actual, double epsilon) {
  if (model::IsStaleNaN(expected) || model::IsStaleNaN(actual)) {
    return model::IsStaleNaN(expected) && model::IsStaleNaN(actual);
  }
  if (std::isnan(expected) && std::isnan(actual)) return true;
  if (expected == actual) return true;
  constexpr double kMinNormal = std::numeric_limits<double>::min();
  double abs_sum = std::abs(expected) + std::abs(actual);
  double diff = std::abs(expected - actual);
  if (expected == 0 || actual == 0 || abs_sum < kMinNormal) return diff < epsilon * kMinNormal;
  return diff / std::min(abs_sum, std::numeric_limits<double>::max()) < epsilon;
}

std::string FormatValue(double v) {
  if (model::IsStaleNaN(v)) return "stale";
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, ec == std::errc() ? end : buf);
}

Mismatch CompareVector(const EvalCmd& cmd, const Vector& got) {
  if (cmd.expect_scalar) return std::string("expected a scalar result, but got a vector");
  auto expected = ExpectedByLabels(cmd);
  std::set<model::Labels> seen;
  for (size_t pos = 0; pos < got.size(); ++pos) {
    const VectorSample& s = got[pos];
    auto it = expected.find(s.labels);
    if (it == expected.end()) {
      return Cat("unexpected metric ", s.labels.ToString(), " in result, has value ",
                 FormatValue(s.v));
    }
    const ExpectedSeries& e = *it->second;
    if (cmd.IsOrdered() && e.position != static_cast<int>(pos + 1)) {
      return Cat("expected metric ", s.labels.ToString(), " at position ",
                 std::to_string(e.position), " but it was at ", std::to_string(pos + 1));
    }
    if (e.values.empty()) return Cat("no expected value for ", s.labels.ToString());
    const SequenceValue& v = e.values[0];
    if (v.kind == Kind::kHistogram) {
      return Cat("expected histogram ", v.histogram, " for ", s.labels.ToString(),
                 " but got float value ", FormatValue(s.v));
    }
    if (v.kind == Kind::kOmitted || !AlmostEqual(v.value, s.v)) {
      return Cat("expected ", v.kind == Kind::kOmitted ? "_" : FormatValue(v.value), " for ",
                 s.labels.ToString(), " but got ", FormatValue(s.v));
    }
    seen.insert(s.labels);
  }
  for (const ExpectedSeries& e : cmd.expected) {
    if (!seen.contains(e.labels)) {
      return Cat("expected metric ", e.labels.ToString(), " not found");
    }
  }
  return std::nullopt;
}

Mismatch CompareScalar(const EvalCmd& cmd, double got) {
  if (!cmd.expect_scalar) {
    return Cat("expected a vector or matrix result, but got scalar ", FormatValue(got));
  }
  const SequenceValue& v = cmd.expected.at(0).values.at(0);
  if (!AlmostEqual(v.value, got)) {
    return Cat("expected scalar ", FormatValue(v.value), " but got ", FormatValue(got));
  }
  return std::nullopt;
}

Mismatch CompareMatrix(const EvalCmd& cmd, const Matrix& got) {
  if (cmd.IsOrdered()) return std::string("expected an ordered result, but got a matrix");
  if (cmd.expect_scalar) return std::string("expected a scalar result, but got a matrix");
  for (size_t i = 1; i < got.size(); ++i) {
    if (got[i].labels < got[i - 1].labels) {
      return Cat("matrix is not sorted by labels: ", got[i].labels.ToString(), " comes after ",
                 got[i - 1].labels.ToString());
    }
  }
  auto expected = ExpectedByLabels(cmd);
  std::set<model::Labels> seen;
  for (const SeriesPoints& s : got) {
    auto it = expected.find(s.labels);
    if (it == expected.end()) {
      return Cat("unexpected metric ", s.labels.ToString(), " in result, has ",
                 FormatPoints(s.points));
    }
    seen.insert(s.labels);
    std::vector<FPoint> want;
    size_t histograms = 0;
    const std::vector<SequenceValue>& values = it->second->values;
    for (size_t i = 0; i < values.size(); ++i) {
      int64_t t = cmd.start_ms + static_cast<int64_t>(i) * cmd.step_ms;
      if (t > cmd.end_ms) {
        return Cat("expected ", std::to_string(values.size()), " points for ", s.labels.ToString(),
                   ", but the time range cannot hold that many");
      }
      if (values[i].kind == Kind::kHistogram) ++histograms;
      if (values[i].kind == Kind::kFloat) want.push_back({t, values[i].value});
    }
    if (histograms > 0 || want.size() != s.points.size()) {
      return Cat("expected ", std::to_string(want.size()), " float points and ",
                 std::to_string(histograms), " histogram points for ", s.labels.ToString(),
                 ", but got ", FormatPoints(s.points));
    }
    for (size_t i = 0; i < want.size(); ++i) {
      if (want[i].t != s.points[i].t || !AlmostEqual(want[i].v, s.points[i].v)) {
        return Cat("expected ", FormatValue(want[i].v), "@", std::to_string(want[i].t), " for ",
                   s.labels.ToString(), " at index ", std::to_string(i), ", but got ",
                   FormatPoints(s.points));
      }
    }
  }
  for (const ExpectedSeries& e : cmd.expected) {
    if (!seen.contains(e.labels)) return Cat("expected metric ", e.labels.ToString(), " not found");
  }
  return std::nullopt;
}

Mismatch CompareString(const EvalCmd& cmd, std::string_view got) {
  std::string_view want = cmd.expected_string ? std::string_view(*cmd.expected_string) : "";
  if (want != got) return Cat("expected string \"", want, "\" but got \"", got, "\"");
  return std::nullopt;
}

Mismatch CompareResult(const EvalCmd& cmd, const QueryResult& result) {
  switch (result.type) {
    case ValueType::kVector:
      return CompareVector(cmd, result.vector);
    case ValueType::kScalar:
      return CompareScalar(cmd, result.scalar);
    case ValueType::kMatrix:
      return CompareMatrix(cmd, result.matrix);
    case ValueType::kString:
      return CompareString(cmd, result.string);
    case ValueType::kNone:
      break;
  }
  return std::string("query returned no value");
}

Mismatch CheckExpectedFailure(const EvalCmd& cmd, std::string_view error) {
  if (cmd.fail_message && *cmd.fail_message != error) {
    return Cat("expected error \"", *cmd.fail_message, "\" but got \"", error, "\"");
  }
  if (cmd.fail_regex) {
    RE2 re(*cmd.fail_regex);
    if (!re.ok() || !RE2::PartialMatch(error, re)) {
      return Cat("expected error matching \"", *cmd.fail_regex, "\" but got \"", error, "\"");
    }
  }
  for (const Expectation& e : cmd.expects) {
    if (e.kind == Expectation::Kind::kFail && !Matches(e, error)) {
      return Cat("expected error matching ", ExpectationText(e), " but got \"", error, "\"");
    }
  }
  return std::nullopt;
}

Mismatch CheckAnnotations(const EvalCmd& cmd, const std::vector<std::string>& warnings,
                          const std::vector<std::string>& infos) {
  if (cmd.warn && warnings.empty()) return std::string("expected warnings but got none");
  if (cmd.info && infos.empty()) return std::string("expected info annotations but got none");
  std::vector<const Expectation*> warn, info;
  bool no_warn = false, no_info = false;
  for (const Expectation& e : cmd.expects) {
    switch (e.kind) {
      case Expectation::Kind::kWarn:
        warn.push_back(&e);
        break;
      case Expectation::Kind::kInfo:
        info.push_back(&e);
        break;
      case Expectation::Kind::kNoWarn:
        no_warn = true;
        break;
      case Expectation::Kind::kNoInfo:
        no_info = true;
        break;
      default:
        break;
    }
  }
  if (Mismatch m = CheckAnnotationsOfKind(warn, warnings, "warn")) return m;
  if (Mismatch m = CheckAnnotationsOfKind(info, infos, "info")) return m;
  if (no_warn && !warnings.empty()) return Cat("unexpected warnings: ", Join(warnings));
  if (no_info && !infos.empty()) return Cat("unexpected info annotations: ", Join(infos));
  return std::nullopt;
}

std::string DescribeExpected(const EvalCmd& cmd, size_t max_lines) {
  if (cmd.IsFail()) return "an error";
  if (cmd.expected_string) return Cat("string \"", *cmd.expected_string, "\"");
  if (cmd.expect_scalar) return Cat("scalar ", FormatValue(cmd.expected[0].values[0].value));
  if (cmd.expected.empty()) return "(empty result)";
  std::string out;
  for (size_t i = 0; i < cmd.expected.size() && i < max_lines; ++i) {
    const ExpectedSeries& s = cmd.expected[i];
    out += Cat("\n    ", s.labels.ToString());
    for (const SequenceValue& v : s.values) {
      if (v.kind == Kind::kOmitted) out += " _";
      if (v.kind == Kind::kFloat) out += Cat(" ", FormatValue(v.value));
      if (v.kind == Kind::kHistogram) out += Cat(" ", v.histogram);
    }
  }
  if (cmd.expected.size() > max_lines) {
    out += Cat("\n    ... ", std::to_string(cmd.expected.size() - max_lines), " more");
  }
  return out;
}

std::string DescribeResult(const QueryResult& result, size_t max_lines) {
  std::string out;
  size_t n = 0;
  switch (result.type) {
    case ValueType::kScalar:
      return Cat("scalar ", FormatValue(result.scalar));
    case ValueType::kString:
      return Cat("string \"", result.string, "\"");
    case ValueType::kVector:
      n = result.vector.size();
      for (size_t i = 0; i < n && i < max_lines; ++i) {
        out +=
            Cat("\n    ", result.vector[i].labels.ToString(), " ", FormatValue(result.vector[i].v));
      }
      break;
    case ValueType::kMatrix:
      n = result.matrix.size();
      for (size_t i = 0; i < n && i < max_lines; ++i) {
        out += Cat("\n    ", result.matrix[i].labels.ToString(), " ",
                   FormatPoints(result.matrix[i].points));
      }
      break;
    case ValueType::kNone:
      return "no value";
  }
  if (n == 0) return "(empty result)";
  if (n > max_lines) out += Cat("\n    ... ", std::to_string(n - max_lines), " more");
  return out;
}

}  // namespace osprey::promql::promqltest
