// The parse tree of Go's text/template (text/template/parse): lexer and recursive-descent
// parser. One Parse() call yields a tree per template: the main one and each {{define}}.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "tmpl/template.h"

namespace osprey::tmpl::internal {

struct Pipe;
struct Node;
using NodeList = std::vector<std::unique_ptr<Node>>;

// An operand of a command.
struct Arg {
  enum class Kind {
    kField,     // .A.B           (fields)
    kVariable,  // $x.A.B         (name, fields)
    kDot,       // .
    kNil,       // nil
    kBool,      // true, false    (constant)
    kNumber,    // 1, 0x10, 1.5   (constant)
    kString,    // "s", `s`, 'c'  (constant; a char is an int)
    kIdent,     // function name  (name)
    kPipe,      // ( pipeline )   (pipe, fields for (...).A.B)
  };
  Kind kind = Kind::kNil;
  size_t pos = 0;  // byte offset in the template text
  std::string name;
  std::vector<std::string> fields;
  Value constant;
  std::string text;  // source form, for error contexts
  std::unique_ptr<Pipe> pipe;
};

struct Command {
  size_t pos = 0;
  std::vector<Arg> args;
};

struct Pipe {
  size_t pos = 0;
  bool is_assign = false;  // `=` rather than `:=`
  std::vector<std::string> decl;
  std::vector<Command> cmds;
};

struct Node {
  enum class Kind { kText, kAction, kIf, kRange, kWith, kTemplate, kBreak, kContinue };
  Kind kind = Kind::kText;
  size_t pos = 0;
  std::string text;            // kText; kTemplate: the called name
  std::unique_ptr<Pipe> pipe;  // kAction, kIf, kRange, kWith; kTemplate (may be null)
  NodeList list;
  NodeList else_list;
  bool has_else = false;
};

// One parsed template. `source` is shared by all trees of one Parse() call, for positions.
struct Tree {
  std::string name;
  std::shared_ptr<const std::string> source;
  std::string parse_name;  // name of the top-level template it was parsed from
  NodeList root;
  bool IsEmpty() const;
};

// Parses `text` (named `name`) into trees, keyed by template name; the main template is under
// `name`. `funcs` is consulted to reject calls of undefined functions, as Go does.
// Error: "template: NAME:LINE: message".
Result<std::map<std::string, std::shared_ptr<const Tree>, std::less<>>> ParseTrees(
    std::string_view name, std::string_view text, const FuncMap& funcs);

// Literal decoding (parse_literals.cc). Unquote: strconv.Unquote of "...", `...` or '.'
// (a char's UTF-8 in *out); SingleRune: the rune if s is exactly one UTF-8 rune, else -1;
// ParseNumber: Go number literal to an int64 or float64 Value, or *err.
bool Unquote(std::string_view quoted, std::string* out);
int64_t SingleRune(std::string_view s);
bool ParseNumber(std::string_view text, Value* out, std::string* err);

// Source forms, for "executing ... at <...>" contexts.
std::string ArgString(const Arg& a);
std::string CommandString(const Command& c);
std::string PipeString(const Pipe& p);

}  // namespace osprey::tmpl::internal
