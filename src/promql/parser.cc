// A hand-written Pratt / recursive-descent parser for PromQL.
//
// The grammar and its precedences follow Prometheus's generated_parser.y:
//   or < and, unless < == != > < >= <= < + - < * / % atan2 < ^ (right-associative);
//   unary +/- bind like *, so -a ^ b is -(a ^ b) and -a * b is (-a) * b;
//   [range], [range:step], offset, @, anchored and smoothed bind tightest, to the
//   preceding primary expression (a + b offset 5m is a + (b offset 5m)).
// Errors are returned at the first problem; since Prometheus reports only its first
// error, stopping there gives the same message. Lexer errors surface when the parser
// reaches the bad token, as they do in Prometheus (tokens are lexed on demand).
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "model/selector.h"
#include "promql/functions.h"
#include "promql/go_quote.h"
#include "promql/internal/parse_error.h"
#include "promql/internal/parser_impl.h"

namespace osprey::promql {
namespace internal {

int Precedence(TokenKind k) {
  switch (k) {
    case TokenKind::kOr:
      return 1;
    case TokenKind::kAnd:
    case TokenKind::kUnless:
      return 2;
    case TokenKind::kEqlc:
    case TokenKind::kNeq:
    case TokenKind::kGtr:
    case TokenKind::kLss:
    case TokenKind::kGte:
    case TokenKind::kLte:
    case TokenKind::kTrimUpper:
    case TokenKind::kTrimLower:
      return 3;
    case TokenKind::kAdd:
    case TokenKind::kSub:
      return 4;
    case TokenKind::kMul:
    case TokenKind::kDiv:
    case TokenKind::kMod:
    case TokenKind::kAtan2:
      return 5;
    case TokenKind::kPow:
      return kPowPrecedence;
    default:
      return 0;
  }
}

namespace {

BinaryOp ToBinaryOp(TokenKind k) {
  switch (k) {
    case TokenKind::kAdd:
      return BinaryOp::kAdd;
    case TokenKind::kSub:
      return BinaryOp::kSub;
    case TokenKind::kMul:
      return BinaryOp::kMul;
    case TokenKind::kDiv:
      return BinaryOp::kDiv;
    case TokenKind::kMod:
      return BinaryOp::kMod;
    case TokenKind::kPow:
      return BinaryOp::kPow;
    case TokenKind::kAtan2:
      return BinaryOp::kAtan2;
    case TokenKind::kEqlc:
      return BinaryOp::kEql;
    case TokenKind::kNeq:
      return BinaryOp::kNeq;
    case TokenKind::kGtr:
      return BinaryOp::kGtr;
    case TokenKind::kLss:
      return BinaryOp::kLss;
    case TokenKind::kGte:
      return BinaryOp::kGte;
    case TokenKind::kLte:
      return BinaryOp::kLte;
    case TokenKind::kAnd:
      return BinaryOp::kAnd;
    case TokenKind::kOr:
      return BinaryOp::kOr;
    case TokenKind::kTrimUpper:
      return BinaryOp::kTrimUpper;
    case TokenKind::kTrimLower:
      return BinaryOp::kTrimLower;
    default:
      return BinaryOp::kUnless;
  }
}

AggregateOp ToAggregateOp(TokenKind k) {
  switch (k) {
    case TokenKind::kAvg:
      return AggregateOp::kAvg;
    case TokenKind::kBottomk:
      return AggregateOp::kBottomk;
    case TokenKind::kCount:
      return AggregateOp::kCount;
    case TokenKind::kCountValues:
      return AggregateOp::kCountValues;
    case TokenKind::kGroup:
      return AggregateOp::kGroup;
    case TokenKind::kMax:
      return AggregateOp::kMax;
    case TokenKind::kMin:
      return AggregateOp::kMin;
    case TokenKind::kQuantile:
      return AggregateOp::kQuantile;
    case TokenKind::kStddev:
      return AggregateOp::kStddev;
    case TokenKind::kStdvar:
      return AggregateOp::kStdvar;
    case TokenKind::kTopk:
      return AggregateOp::kTopk;
    case TokenKind::kLimitk:
      return AggregateOp::kLimitk;
    case TokenKind::kLimitRatio:
      return AggregateOp::kLimitRatio;
    default:
      return AggregateOp::kSum;
  }
}

// Tokens that may name a metric at the start of an expression (metric_identifier).
bool CanBeMetricName(TokenKind k) {
  switch (k) {
    case TokenKind::kIdentifier:
    case TokenKind::kMetricIdentifier:
    case TokenKind::kBy:
    case TokenKind::kWithout:
    case TokenKind::kOffset:
    case TokenKind::kFill:
    case TokenKind::kFillLeft:
    case TokenKind::kFillRight:
    case TokenKind::kAnd:
    case TokenKind::kOr:
    case TokenKind::kUnless:
    case TokenKind::kAnchored:
    case TokenKind::kSmoothed:
      return true;
    default:
      return IsAggregatorToken(k) || IsPreprocessorToken(k);
  }
}

// Tokens accepted as a label name in by()/without()/on()/ignoring()/group_x().
bool CanBeGroupingLabel(TokenKind k) {
  return k == TokenKind::kIdentifier || k == TokenKind::kMetricIdentifier || IsAggregatorToken(k) ||
         IsKeywordToken(k) || IsPreprocessorToken(k) || k == TokenKind::kAnd ||
         k == TokenKind::kOr || k == TokenKind::kUnless || k == TokenKind::kAtan2;
}

// Tokens that can begin an expression.
bool StartsExpression(TokenKind k) {
  switch (k) {
    case TokenKind::kNumber:
    case TokenKind::kDuration:
    case TokenKind::kString:
    case TokenKind::kLeftParen:
    case TokenKind::kLeftBrace:
    case TokenKind::kAdd:
    case TokenKind::kSub:
      return true;
    default:
      return CanBeMetricName(k);
  }
}

bool IsMatchOp(TokenKind k) {
  return k == TokenKind::kAssign || k == TokenKind::kNeq || k == TokenKind::kEqlRegex ||
         k == TokenKind::kNeqRegex;
}

}  // namespace

Result<ExprPtr> Parser::Parse() {
  if (Peek().kind == TokenKind::kEof) {
    if (input_.empty()) {
      return InvalidArgumentError("unknown position: parse error: no expression found in input");
    }
    return Error(0, "no expression found in input");
  }
  OSPREY_ASSIGN_OR_RETURN(ExprPtr expr, ParseBinary(0));
  if (Peek().kind != TokenKind::kEof) return Unexpected("", "");
  OSPREY_RETURN_IF_ERROR(internal::CheckAst(*expr, input_));
  return expr;
}

const Token& Parser::Peek(size_t ahead) {
  while (ahead_.size() <= ahead) {
    Token t = lexer_.Next();
    while (t.kind == TokenKind::kComment) t = lexer_.Next();
    ahead_.push_back(std::move(t));
  }
  return ahead_[ahead];
}

Token Parser::Consume() {
  Peek();
  Token t = std::move(ahead_.front());
  ahead_.erase(ahead_.begin());
  prev_end_ = t.end();
  return t;
}

Status Parser::Error(int pos, std::string_view message) const {
  return internal::ParseErrorAt(input_, pos, message);
}

Status Parser::Unexpected(std::string_view context, std::string_view expected) {
  const Token& t = Peek();
  if (t.kind == TokenKind::kError) return Error(t.pos, t.error);
  if (context.empty() && expected.empty() && aggregation_args_ > 0) context = "aggregation";
  std::string msg = "unexpected " + DescribeToken(t);
  if (!context.empty()) msg += " in " + std::string(context);
  if (!expected.empty()) msg += ", expected " + std::string(expected);
  return Error(t.pos, msg);
}

Status Parser::Expect(TokenKind kind, std::string_view context, std::string_view expected) {
  if (Peek().kind != kind) return Unexpected(context, expected);
  Consume();
  return OkStatus();
}

Result<ExprPtr> Parser::ParseBinary(int min_precedence) {
  if (++depth_ > kMaxDepth) return Error(Peek().pos, "expression nesting too deep");
  OSPREY_ASSIGN_OR_RETURN(ExprPtr lhs, ParseUnary());
  while (true) {
    TokenKind k = Peek().kind;
    int prec = Precedence(k);
    if (prec == 0 || prec < min_precedence) break;
    Consume();
    auto bin = std::make_unique<BinaryExpr>();
    bin->op = ToBinaryOp(k);
    VectorMatching matching;
    OSPREY_RETURN_IF_ERROR(ParseBinaryModifiers(*bin, matching));
    int next = k == TokenKind::kPow ? prec : prec + 1;
    OSPREY_ASSIGN_OR_RETURN(ExprPtr rhs, ParseBinary(next));
    bin->lhs = std::move(lhs);
    bin->rhs = std::move(rhs);
    bool fill = matching.fill_lhs.has_value() || matching.fill_rhs.has_value();
    bin->matching = std::move(matching);
    if (fill && !options_.fill_modifiers) {
      return Error(bin->position().start, "binop fill modifiers are experimental and not enabled");
    }
    lhs = std::move(bin);
  }
  --depth_;
  return lhs;
}

Status Parser::ParseBinaryModifiers(BinaryExpr& bin, VectorMatching& m) {
  if (Peek().kind == TokenKind::kBool) {
    Consume();
    bin.return_bool = true;
  }
  TokenKind k = Peek().kind;
  if (k == TokenKind::kOn || k == TokenKind::kIgnoring) {
    Consume();
    m.on = k == TokenKind::kOn;
    OSPREY_ASSIGN_OR_RETURN(m.matching_labels, ParseGroupingLabels());
    k = Peek().kind;
    if (k == TokenKind::kGroupLeft || k == TokenKind::kGroupRight) {
      Consume();
      m.card = k == TokenKind::kGroupLeft ? Cardinality::kManyToOne : Cardinality::kOneToMany;
      TokenKind next = Peek().kind;
      // The label list is optional, so anything that cannot start the right-hand side
      // is reported as a missing list.
      if (next == TokenKind::kLeftParen || (next != TokenKind::kError && !StartsExpression(next))) {
        OSPREY_ASSIGN_OR_RETURN(m.include, ParseGroupingLabels());
      }
    }
  }
  k = Peek().kind;
  if (k == TokenKind::kFill) {
    Consume();
    OSPREY_ASSIGN_OR_RETURN(double v, ParseFillValue());
    m.fill_lhs = v;
    m.fill_rhs = v;
  } else if (k == TokenKind::kFillLeft || k == TokenKind::kFillRight) {
    Consume();
    OSPREY_ASSIGN_OR_RETURN(double v, ParseFillValue());
    (k == TokenKind::kFillLeft ? m.fill_lhs : m.fill_rhs) = v;
    TokenKind other = k == TokenKind::kFillLeft ? TokenKind::kFillRight : TokenKind::kFillLeft;
    if (Peek().kind == other) {
      Consume();
      OSPREY_ASSIGN_OR_RETURN(double w, ParseFillValue());
      (other == TokenKind::kFillLeft ? m.fill_lhs : m.fill_rhs) = w;
    }
  }
  return OkStatus();
}

Result<double> Parser::ParseFillValue() {
  OSPREY_RETURN_IF_ERROR(Expect(TokenKind::kLeftParen, "", ""));
  double sign = 1;
  if (Peek().kind == TokenKind::kAdd || Peek().kind == TokenKind::kSub) {
    if (Consume().kind == TokenKind::kSub) sign = -1;
  }
  TokenKind k = Peek().kind;
  if (k != TokenKind::kNumber && k != TokenKind::kDuration) return Unexpected("", "");
  OSPREY_ASSIGN_OR_RETURN(auto lit, ParseNumberLiteral());
  OSPREY_RETURN_IF_ERROR(Expect(TokenKind::kRightParen, "", ""));
  return sign * lit->value;
}

Result<std::vector<std::string>> Parser::ParseGroupingLabels() {
  OSPREY_RETURN_IF_ERROR(Expect(TokenKind::kLeftParen, "grouping opts", "\"(\""));
  std::vector<std::string> labels;
  if (Peek().kind == TokenKind::kRightParen) {
    Consume();
    return labels;
  }
  while (true) {
    const Token& t = Peek();
    if (t.kind == TokenKind::kString) {
      Token s = Consume();
      OSPREY_ASSIGN_OR_RETURN(std::string name, Unquote(s));
      if (name.empty() || !IsValidUtf8Label(name)) {
        return Error(s.pos + 1, "invalid label name for grouping: " + GoQuote(name));
      }
      labels.push_back(std::move(name));
    } else if (CanBeGroupingLabel(t.kind)) {
      labels.emplace_back(Consume().text);
    } else {
      return Unexpected("grouping opts", "label");
    }
    if (Peek().kind == TokenKind::kComma) {
      Consume();
      if (Peek().kind == TokenKind::kRightParen) {
        Consume();
        return labels;
      }
      continue;
    }
    if (Peek().kind == TokenKind::kRightParen) {
      Consume();
      return labels;
    }
    return Unexpected("grouping opts", "\",\" or \")\"");
  }
}

bool Parser::IsValidUtf8Label(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    int w = 0;
    int32_t r = DecodeRune(s, i, &w);
    if (r == 0xFFFD && w == 1) return false;
    i += static_cast<size_t>(w);
  }
  return true;
}

Result<ExprPtr> Parser::ParseUnary() {
  const Token& t = Peek();
  if (t.kind == TokenKind::kAdd || t.kind == TokenKind::kSub) {
    Token op = Consume();
    if (++depth_ > kMaxDepth) return Error(op.pos, "expression nesting too deep");
    OSPREY_ASSIGN_OR_RETURN(ExprPtr operand, ParseBinary(kPowPrecedence));
    --depth_;
    if (operand->kind() == ExprKind::kNumberLiteral) {
      auto& lit = operand->As<NumberLiteral>();
      if (op.kind == TokenKind::kSub) lit.value = -lit.value;
      lit.pos.start = op.pos;
      return operand;
    }
    auto unary = std::make_unique<UnaryExpr>();
    unary->op = op.kind == TokenKind::kSub ? UnaryOp::kMinus : UnaryOp::kPlus;
    unary->expr = std::move(operand);
    unary->start_pos = op.pos;
    return ExprPtr(std::move(unary));
  }
  OSPREY_ASSIGN_OR_RETURN(ExprPtr primary, ParsePrimary());
  return ParsePostfix(std::move(primary));
}

Result<ExprPtr> Parser::ParsePrimary() {
  const Token& t = Peek();
  TokenKind k = t.kind;
  switch (k) {
    case TokenKind::kNumber:
    case TokenKind::kDuration: {
      OSPREY_ASSIGN_OR_RETURN(auto lit, ParseNumberLiteral());
      return ExprPtr(std::move(lit));
    }
    case TokenKind::kString: {
      Token s = Consume();
      auto lit = std::make_unique<StringLiteral>();
      OSPREY_ASSIGN_OR_RETURN(lit->value, Unquote(s));
      lit->pos = {s.pos, s.end()};
      return ExprPtr(std::move(lit));
    }
    case TokenKind::kLeftParen: {
      Token open = Consume();
      auto paren = std::make_unique<ParenExpr>();
      OSPREY_ASSIGN_OR_RETURN(paren->expr, ParseBinary(0));
      if (Peek().kind != TokenKind::kRightParen) return Unexpected("", "");
      Token close = Consume();
      paren->pos = {open.pos, close.end()};
      return ExprPtr(std::move(paren));
    }
    case TokenKind::kLeftBrace:
      return ParseVectorSelector(nullptr);
    default:
      break;
  }
  TokenKind next = Peek(1).kind;
  if (IsAggregatorToken(k) &&
      (next == TokenKind::kLeftParen || next == TokenKind::kBy || next == TokenKind::kWithout)) {
    return ParseAggregate();
  }
  if ((k == TokenKind::kIdentifier || IsPreprocessorToken(k)) && next == TokenKind::kLeftParen) {
    return ParseCall();
  }
  if (CanBeMetricName(k)) {
    Token name = Consume();
    return ParseVectorSelector(&name);
  }
  return Unexpected("", "");
}

Result<ExprPtr> Parser::ParseVectorSelector(const Token* name) {
  auto vs = std::make_unique<VectorSelector>();
  if (name != nullptr) {
    vs->name = std::string(name->text);
    vs->pos = {name->pos, name->end()};
  }
  if (Peek().kind == TokenKind::kLeftBrace) {
    Token open = Consume();
    if (name == nullptr) vs->pos.start = open.pos;
    OSPREY_RETURN_IF_ERROR(ParseLabelMatchers(*vs));
    vs->pos.end = prev_end_;
  }
  if (name != nullptr) {
    vs->matchers.push_back(
        model::Matcher::MustCreate(model::MatchType::kEqual, "__name__", vs->name));
  }
  return ExprPtr(std::move(vs));
}

Status Parser::ParseLabelMatchers(VectorSelector& vs) {
  if (Peek().kind == TokenKind::kRightBrace) {
    Consume();
    return OkStatus();
  }
  while (true) {
    OSPREY_RETURN_IF_ERROR(ParseLabelMatcher(vs));
    if (Peek().kind == TokenKind::kComma) {
      Consume();
      if (Peek().kind == TokenKind::kRightBrace) {
        Consume();
        return OkStatus();
      }
      continue;
    }
    if (Peek().kind == TokenKind::kRightBrace) {
      Consume();
      return OkStatus();
    }
    return Unexpected("label matching", "\",\" or \"}\"");
  }
}

Status Parser::ParseLabelMatcher(VectorSelector& vs) {
  TokenKind k = Peek().kind;
  if (k != TokenKind::kIdentifier && k != TokenKind::kString) {
    return Unexpected("label matching", "identifier or \"}\"");
  }
  Token label = Consume();
  std::string name(label.text);
  if (k == TokenKind::kString) {
    OSPREY_ASSIGN_OR_RETURN(name, Unquote(label));
  }
  if (!IsMatchOp(Peek().kind)) {
    if (k == TokenKind::kIdentifier) return Unexpected("label matching", "label matching operator");
    // {"metric.name"}: a quoted metric name.
    vs.matchers.push_back(model::Matcher::MustCreate(model::MatchType::kEqual, "__name__", name));
    return OkStatus();
  }
  Token op = Consume();
  if (Peek().kind != TokenKind::kString) return Unexpected("label matching", "string");
  Token value = Consume();
  OSPREY_ASSIGN_OR_RETURN(std::string v, Unquote(value));
  std::string pattern = v;
  std::string label_name = name;
  model::MatchType type = op.kind == TokenKind::kAssign     ? model::MatchType::kEqual
                          : op.kind == TokenKind::kNeq      ? model::MatchType::kNotEqual
                          : op.kind == TokenKind::kEqlRegex ? model::MatchType::kRegexMatch
                                                            : model::MatchType::kRegexNoMatch;
  Result<model::Matcher> m = model::Matcher::Create(type, std::move(name), std::move(v));
  if (!m.ok()) return Error(label.pos, GoRegexpError(m.status().message(), label_name, pattern));
  vs.matchers.push_back(std::move(m).value());
  return OkStatus();
}

Result<std::vector<ExprPtr>> Parser::ParseCallArgs() {
  std::vector<ExprPtr> args;
  if (Peek().kind == TokenKind::kRightParen) {
    Consume();
    return args;
  }
  while (true) {
    OSPREY_ASSIGN_OR_RETURN(ExprPtr arg, ParseBinary(0));
    args.push_back(std::move(arg));
    if (Peek().kind == TokenKind::kComma) {
      Token comma = Consume();
      TokenKind next = Peek().kind;
      if (next != TokenKind::kError && !StartsExpression(next)) {
        return Error(comma.pos, "trailing commas not allowed in function call args");
      }
      continue;
    }
    if (Peek().kind == TokenKind::kRightParen) {
      Consume();
      return args;
    }
    return Unexpected("", "");
  }
}

Result<ExprPtr> Parser::ParseCall() {
  Token name = Consume();
  Consume();  // "("
  auto call = std::make_unique<Call>();
  OSPREY_ASSIGN_OR_RETURN(call->args, ParseCallArgs());
  call->pos = {name.pos, prev_end_};
  call->func = LookupFunction(name.text);
  if (call->func == nullptr) {
    return Error(name.pos, "unknown function with name " + GoQuote(name.text));
  }
  if (call->func->experimental && !options_.experimental_functions) {
    return Error(name.pos, "function " + GoQuote(name.text) + " is not enabled");
  }
  return ExprPtr(std::move(call));
}

Result<ExprPtr> Parser::ParseAggregate() {
  Token op = Consume();
  auto agg = std::make_unique<AggregateExpr>();
  agg->op = ToAggregateOp(op.kind);
  bool modifier_first = false;
  if (Peek().kind == TokenKind::kBy || Peek().kind == TokenKind::kWithout) {
    agg->without = Consume().kind == TokenKind::kWithout;
    OSPREY_ASSIGN_OR_RETURN(agg->grouping, ParseGroupingLabels());
    modifier_first = true;
  }
  if (Peek().kind != TokenKind::kLeftParen) return Unexpected("aggregation", "");
  Consume();
  ++aggregation_args_;
  OSPREY_ASSIGN_OR_RETURN(std::vector<ExprPtr> args, ParseCallArgs());
  --aggregation_args_;
  if (!modifier_first && (Peek().kind == TokenKind::kBy || Peek().kind == TokenKind::kWithout)) {
    agg->without = Consume().kind == TokenKind::kWithout;
    OSPREY_ASSIGN_OR_RETURN(agg->grouping, ParseGroupingLabels());
  }
  agg->pos = {op.pos, prev_end_};
  if (args.empty()) return Error(op.pos, "no arguments for aggregate expression provided");
  size_t desired = 1;
  if (AggregateOpHasParam(agg->op)) {
    bool experimental = agg->op == AggregateOp::kLimitk || agg->op == AggregateOp::kLimitRatio;
    if (experimental && !options_.experimental_functions) {
      return Error(op.pos, std::string(AggregateOpString(agg->op)) +
                               "() is experimental and must be enabled with "
                               "--enable-feature=promql-experimental-functions");
    }
    desired = 2;
  }
  if (args.size() != desired) {
    return Error(op.pos,
                 "wrong number of arguments for aggregate expression provided, "
                 "expected " +
                     std::to_string(desired) + ", got " + std::to_string(args.size()));
  }
  if (desired == 2) agg->param = std::move(args[0]);
  agg->expr = std::move(args[desired - 1]);
  return ExprPtr(std::move(agg));
}

}  // namespace internal

Result<ExprPtr> ParseExpr(std::string_view input, const ParseOptions& options) {
  return internal::Parser(input, options).Parse();
}

}  // namespace osprey::promql
