// Token classification and how tokens are named in parse errors.
#include <string>

#include "promql/go_quote.h"
#include "promql/lexer.h"

namespace osprey::promql {
namespace {

// Item types that Prometheus prints by their text (ItemTypeStr): punctuation, operators,
// aggregators, keywords and preprocessors.
bool HasFixedText(TokenKind k) {
  switch (k) {
    case TokenKind::kEof:
    case TokenKind::kError:
    case TokenKind::kComment:
    case TokenKind::kIdentifier:
    case TokenKind::kMetricIdentifier:
    case TokenKind::kNumber:
    case TokenKind::kDuration:
    case TokenKind::kString:
      return false;
    default:
      return true;
  }
}

}  // namespace

bool IsBinaryOperatorToken(TokenKind k) { return k >= TokenKind::kAdd && k <= TokenKind::kAtan2; }
bool IsAggregatorToken(TokenKind k) { return k >= TokenKind::kAvg && k <= TokenKind::kLimitRatio; }
bool IsKeywordToken(TokenKind k) { return k >= TokenKind::kBool && k <= TokenKind::kWithout; }
bool IsPreprocessorToken(TokenKind k) { return k >= TokenKind::kStart && k <= TokenKind::kMinOf; }

std::string DescribeToken(const Token& t) {
  std::string text(t.text);
  if (HasFixedText(t.kind)) {
    // Operators (and @), aggregators and keywords get angle brackets; the rest is quoted.
    if (IsKeywordToken(t.kind)) return "<" + text + ">";
    if (IsBinaryOperatorToken(t.kind) || t.kind == TokenKind::kAt ||
        t.kind == TokenKind::kEqlRegex || t.kind == TokenKind::kNeqRegex) {
      return "<op:" + text + ">";
    }
    if (IsAggregatorToken(t.kind)) return "<aggr:" + text + ">";
    return GoQuote(text);
  }
  switch (t.kind) {
    case TokenKind::kEof:
      return "end of input";
    case TokenKind::kError:
      return "error " + t.error;
    case TokenKind::kComment:
      return "comment " + GoQuote(text);
    case TokenKind::kIdentifier:
      return "identifier " + GoQuote(text);
    case TokenKind::kMetricIdentifier:
      return "metric identifier " + GoQuote(text);
    default:
      break;
  }
  std::string prefix = t.kind == TokenKind::kNumber     ? "number "
                       : t.kind == TokenKind::kDuration ? "duration "
                                                        : "string ";
  // Go's %.10q: at most ten characters (runes), then "...".
  size_t runes = 0, cut = 0;
  while (cut < text.size() && runes < 10) {
    int w = 0;
    DecodeRune(text, cut, &w);
    cut += static_cast<size_t>(w);
    ++runes;
  }
  if (cut < text.size()) return prefix + GoQuote(std::string_view(text).substr(0, cut)) + "...";
  return prefix + GoQuote(text);
}

}  // namespace osprey::promql
