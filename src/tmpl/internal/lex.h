// Lexer for Go's text/template: splits a template into text and action tokens, handling
// trim markers ("{{- ", " -}}") and comments. Mirrors text/template/parse/lex.go.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace osprey::tmpl::internal {

enum class Tok {
  kError,  // val is the message
  kEOF,
  kText,
  kComment,
  kLeftDelim,
  kRightDelim,
  kSpace,
  kIdent,
  kField,     // ".Name"
  kVariable,  // "$x" or "$"
  kDot,
  kString,     // quoted, val includes quotes
  kRawString,  // `...`
  kChar,       // 'c'
  kNumber,
  kBool,
  kNil,
  kPipe,
  kLeftParen,
  kRightParen,
  kAssign,
  kDeclare,
  kCharOther,  // any other printable ASCII character, e.g. ','
  // keywords
  kBlock,
  kBreak,
  kContinue,
  kDefine,
  kElse,
  kEnd,
  kIf,
  kRange,
  kTemplate,
  kWith,
};

struct Token {
  Tok type = Tok::kEOF;
  size_t pos = 0;
  int line = 1;  // line where the token starts
  std::string val;
};

// Lexes the whole text. The last token is kEOF or kError.
std::vector<Token> Lex(std::string_view text);

}  // namespace osprey::tmpl::internal
