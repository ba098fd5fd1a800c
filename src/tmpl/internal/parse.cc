// Recursive-descent parser over the token vector, after text/template/parse/parse.go.
// Invariants: `vars_` holds the variables visible at the current point (popped at the end of
// each control structure); `depth_` bounds recursion so hostile input cannot exhaust the stack.
#include "tmpl/internal/parse.h"

#include "tmpl/internal/go_fmt.h"
#include "tmpl/internal/lex.h"

namespace osprey::tmpl::internal {
namespace {

constexpr int kMaxParseDepth = 1000;

using TreeMap = std::map<std::string, std::shared_ptr<const Tree>, std::less<>>;

class Parser {
 public:
  Parser(std::string_view name, std::string_view text, const FuncMap& funcs)
      : name_(name), source_(std::make_shared<const std::string>(text)), funcs_(funcs) {}

  Result<TreeMap> Run() {
    tokens_ = Lex(*source_);
    auto main = std::make_shared<Tree>();
    main->name = name_;
    main->source = source_;
    main->parse_name = name_;
    vars_ = {"$"};
    while (Peek().type != Tok::kEOF) {
      if (Peek().type == Tok::kLeftDelim && PeekNonSpaceAfter(1).type == Tok::kDefine) {
        Next();
        NextNonSpace();
        if (!ParseDefinition()) return Status(err_);
        continue;
      }
      std::unique_ptr<Node> n;
      int ctl = 0;
      if (!TextOrAction(&n, &ctl)) return Status(err_);
      if (ctl != 0) {
        Errorf(ctl == 1 ? "unexpected {{end}}" : "unexpected {{else}}");
        return Status(err_);
      }
      if (n) main->root.push_back(std::move(n));
    }
    if (!AddTree(std::move(main))) return Status(err_);
    return std::move(trees_);
  }

 private:
  // --- tokens ---
  const Token& Peek() const { return tokens_[std::min(pos_, tokens_.size() - 1)]; }
  const Token& Next() {
    const Token& t = tokens_[std::min(pos_, tokens_.size() - 1)];
    if (pos_ < tokens_.size()) ++pos_;
    line_ = t.line;
    return t;
  }
  const Token& NextNonSpace() {
    while (Peek().type == Tok::kSpace) Next();
    return Next();
  }
  const Token& PeekNonSpace() {
    while (Peek().type == Tok::kSpace) Next();
    return Peek();
  }
  // The first non-space token at or after pos_ + k, without consuming.
  const Token& PeekNonSpaceAfter(size_t k) const {
    size_t p = pos_ + k;
    while (p < tokens_.size() && tokens_[p].type == Tok::kSpace) ++p;
    return tokens_[std::min(p, tokens_.size() - 1)];
  }
  void Backup(size_t n = 1) { pos_ -= n; }

  bool Errorf(std::string msg) {
    if (err_.ok()) {
      err_ = InvalidArgumentError(std::string("template: ")
                                      .append(name_)
                                      .append(":")
                                      .append(std::to_string(line_))
                                      .append(": ")
                                      .append(msg));
    }
    return false;
  }
  static std::string TokString(const Token& t) {
    switch (t.type) {
      case Tok::kEOF:
        return "EOF";
      case Tok::kError:
        return t.val;
      case Tok::kBlock:
      case Tok::kBreak:
      case Tok::kContinue:
      case Tok::kDefine:
      case Tok::kElse:
      case Tok::kEnd:
      case Tok::kIf:
      case Tok::kRange:
      case Tok::kTemplate:
      case Tok::kWith:
        return std::string("<") + t.val + ">";
      default:
        break;
    }
    if (RuneCount(t.val) > 10) {
      size_t i = 0, runes = 0;
      while (i < t.val.size() && runes < 10) {
        ++i;
        while (i < t.val.size() && (static_cast<unsigned char>(t.val[i]) & 0xC0) == 0x80) ++i;
        ++runes;
      }
      return GoQuote(t.val.substr(0, i)) + "...";
    }
    return GoQuote(t.val);
  }
  bool Unexpected(const Token& t, std::string_view context) {
    line_ = t.line;
    if (t.type == Tok::kError) return Errorf(t.val);
    return Errorf(std::string("unexpected ") + TokString(t) + " in " + std::string(context));
  }

  struct DepthGuard {
    explicit DepthGuard(Parser* p) : parser(p) { ++parser->depth_; }
    ~DepthGuard() { --parser->depth_; }
    bool ok() const { return parser->depth_ <= kMaxParseDepth; }
    Parser* parser;
  };

  // --- trees ---
  bool AddTree(std::shared_ptr<Tree> t) {
    auto it = trees_.find(t->name);
    if (it == trees_.end() || it->second->IsEmpty()) {
      trees_[t->name] = std::move(t);
      return true;
    }
    if (!t->IsEmpty())
      return Errorf(std::string("template: multiple definition of template \"") + t->name + "\"");
    return true;
  }

  bool ParseTemplateName(const Token& t, std::string_view context, std::string* name) {
    if (t.type != Tok::kString && t.type != Tok::kRawString) return Unexpected(t, context);
    if (!Unquote(t.val, name)) return Errorf(std::string("invalid syntax: ") + t.val);
    return true;
  }

  // After {{define: "name" }} list {{end}}
  bool ParseDefinition() {
    std::string name;
    if (!ParseTemplateName(NextNonSpace(), "define clause", &name)) return false;
    const Token& rd = NextNonSpace();
    if (rd.type != Tok::kRightDelim) return Unexpected(rd, "define clause");
    auto t = std::make_shared<Tree>();
    t->name = name;
    t->source = source_;
    t->parse_name = name_;
    std::vector<std::string> saved = std::move(vars_);
    vars_ = {"$"};
    int ctl = 0;
    if (!ItemList(&t->root, &ctl)) return false;
    vars_ = std::move(saved);
    if (ctl != 1) return Errorf("unexpected {{else}} in define clause");
    return AddTree(std::move(t));
  }

  // Parses nodes until {{end}} (*ctl = 1) or {{else}} (*ctl = 2). EOF is an error.
  bool ItemList(NodeList* list, int* ctl) {
    DepthGuard g(this);
    if (!g.ok()) return Errorf("max expression depth exceeded");
    while (PeekNonSpace().type != Tok::kEOF) {
      if (PeekNonSpace().type == Tok::kError) return Unexpected(Peek(), "input");
      std::unique_ptr<Node> n;
      *ctl = 0;
      if (!TextOrAction(&n, ctl)) return false;
      if (*ctl != 0) return true;
      if (n) list->push_back(std::move(n));
    }
    return Errorf("unexpected EOF");
  }

  bool TextOrAction(std::unique_ptr<Node>* out, int* ctl) {
    const Token& t = NextNonSpace();
    switch (t.type) {
      case Tok::kText: {
        auto n = std::make_unique<Node>();
        n->kind = Node::Kind::kText;
        n->pos = t.pos;
        n->text = t.val;
        *out = std::move(n);
        return true;
      }
      case Tok::kLeftDelim:
        return Action(out, ctl);
      case Tok::kComment:
        return true;
      default:
        return Unexpected(t, "input");
    }
  }

  bool Action(std::unique_ptr<Node>* out, int* ctl) {
    const Token& t = NextNonSpace();
    switch (t.type) {
      case Tok::kBlock:
        return BlockControl(out);
      case Tok::kBreak:
      case Tok::kContinue: {
        bool is_break = t.type == Tok::kBreak;
        size_t pos = t.pos;
        const Token& rd = NextNonSpace();
        if (rd.type != Tok::kRightDelim)
          return Unexpected(rd, is_break ? "{{break}}" : "{{continue}}");
        if (range_depth_ == 0) {
          return Errorf(is_break ? "{{break}} outside {{range}}"
                                 : "{{continue}} outside {{range}}");
        }
        auto n = std::make_unique<Node>();
        n->kind = is_break ? Node::Kind::kBreak : Node::Kind::kContinue;
        n->pos = pos;
        *out = std::move(n);
        return true;
      }
      case Tok::kElse: {
        Tok next = PeekNonSpace().type;
        if (next == Tok::kIf || next == Tok::kWith) {
          *ctl = next == Tok::kIf ? 3 : 4;  // "else if" / "else with": keyword left in place
          return true;
        }
        const Token& rd = NextNonSpace();
        if (rd.type != Tok::kRightDelim) return Unexpected(rd, "else");
        *ctl = 2;
        return true;
      }
      case Tok::kEnd: {
        const Token& rd = NextNonSpace();
        if (rd.type != Tok::kRightDelim) return Unexpected(rd, "end");
        *ctl = 1;
        return true;
      }
      case Tok::kIf:
        return Control(Node::Kind::kIf, "if", t.pos, out);
      case Tok::kRange:
        return Control(Node::Kind::kRange, "range", t.pos, out);
      case Tok::kWith:
        return Control(Node::Kind::kWith, "with", t.pos, out);
      case Tok::kTemplate:
        return TemplateControl(out);
      default:
        break;
    }
    Backup();
    auto n = std::make_unique<Node>();
    n->kind = Node::Kind::kAction;
    n->pos = Peek().pos;
    n->pipe = Pipeline("command", Tok::kRightDelim);
    if (!n->pipe) return false;
    *out = std::move(n);
    return true;
  }

  bool Control(Node::Kind kind, std::string_view context, size_t pos, std::unique_ptr<Node>* out) {
    DepthGuard g(this);
    if (!g.ok()) return Errorf("max expression depth exceeded");
    size_t vars_mark = vars_.size();
    auto n = std::make_unique<Node>();
    n->kind = kind;
    n->pos = pos;
    n->pipe = Pipeline(context, Tok::kRightDelim);
    if (!n->pipe) return false;
    if (kind == Node::Kind::kRange) ++range_depth_;
    int ctl = 0;
    bool ok = ItemList(&n->list, &ctl);
    if (kind == Node::Kind::kRange) --range_depth_;
    if (!ok) return false;
    if (ctl == 3 || ctl == 4) {
      bool is_if = ctl == 3;
      if ((is_if && kind != Node::Kind::kIf) || (!is_if && kind != Node::Kind::kWith)) {
        // "else if" inside with/range (or "else with" inside if/range) is a plain else whose
        // list starts with a new control, as Go parses it only for the matching keyword.
        return Errorf(
            std::string("unexpected <").append(is_if ? "if" : "with").append("> in input"));
      }
      const Token& kw = NextNonSpace();
      n->has_else = true;
      std::unique_ptr<Node> inner;
      if (!Control(kind, context, kw.pos, &inner)) return false;
      n->else_list.push_back(std::move(inner));
    } else if (ctl == 2) {
      n->has_else = true;
      if (!ItemList(&n->else_list, &ctl)) return false;
      if (ctl != 1) return Errorf("expected end; found {{else}}");
    }
    vars_.resize(vars_mark);
    *out = std::move(n);
    return true;
  }

  bool TemplateControl(std::unique_ptr<Node>* out) {
    auto n = std::make_unique<Node>();
    n->kind = Node::Kind::kTemplate;
    const Token& t = NextNonSpace();
    n->pos = t.pos;
    if (!ParseTemplateName(t, "template clause", &n->text)) return false;
    if (NextNonSpace().type != Tok::kRightDelim) {
      Backup();
      n->pipe = Pipeline("template clause", Tok::kRightDelim);
      if (!n->pipe) return false;
    }
    *out = std::move(n);
    return true;
  }

  // {{block "name" pipeline}} list {{end}}: defines "name" and calls it.
  bool BlockControl(std::unique_ptr<Node>* out) {
    auto n = std::make_unique<Node>();
    n->kind = Node::Kind::kTemplate;
    const Token& t = NextNonSpace();
    n->pos = t.pos;
    if (!ParseTemplateName(t, "block clause", &n->text)) return false;
    n->pipe = Pipeline("block clause", Tok::kRightDelim);
    if (!n->pipe) return false;
    auto body = std::make_shared<Tree>();
    body->name = n->text;
    body->source = source_;
    body->parse_name = name_;
    std::vector<std::string> saved = std::move(vars_);
    vars_ = {"$"};
    int saved_range = range_depth_;
    range_depth_ = 0;
    int ctl = 0;
    if (!ItemList(&body->root, &ctl)) return false;
    range_depth_ = saved_range;
    vars_ = std::move(saved);
    if (ctl != 1) return Errorf("unexpected {{else}} in block clause");
    if (!AddTree(std::move(body))) return false;
    *out = std::move(n);
    return true;
  }

  bool HasVar(std::string_view name) const {
    for (const auto& v : vars_) {
      if (v == name) return true;
    }
    return false;
  }

  std::unique_ptr<Pipe> Pipeline(std::string_view context, Tok end) {
    DepthGuard g(this);
    if (!g.ok()) {
      Errorf("max expression depth exceeded");
      return nullptr;
    }
    auto pipe = std::make_unique<Pipe>();
    pipe->pos = PeekNonSpace().pos;
    // Declarations: "$x :=", "$x =", "$i, $e :=" (range only).
    while (PeekNonSpace().type == Tok::kVariable) {
      size_t mark = pos_;
      const Token& v = Next();
      const Token& after = PeekNonSpace();
      if (after.type == Tok::kAssign || after.type == Tok::kDeclare) {
        pipe->is_assign = after.type == Tok::kAssign;
        NextNonSpace();
        if (pipe->is_assign && !HasVar(v.val)) {
          Errorf(std::string("undefined variable \"") + v.val + "\"");
          return nullptr;
        }
        pipe->decl.push_back(v.val);
        break;
      }
      if (after.type == Tok::kCharOther && after.val == ",") {
        NextNonSpace();
        pipe->decl.push_back(v.val);
        if (context == "range" && pipe->decl.size() < 2) {
          Tok nt = PeekNonSpace().type;
          if (nt == Tok::kVariable) continue;
          Errorf("range can only initialize variables");
          return nullptr;
        }
        Errorf(std::string("too many declarations in ") + std::string(context));
        return nullptr;
      }
      pos_ = mark;
      break;
    }
    if (!pipe->decl.empty() && !pipe->is_assign) {
      for (const auto& d : pipe->decl) vars_.push_back(d);
    }
    while (true) {
      const Token& t = NextNonSpace();
      if (t.type == end) {
        if (pipe->cmds.empty()) {
          Errorf(std::string("missing value for ") + std::string(context));
          return nullptr;
        }
        for (size_t i = 1; i < pipe->cmds.size(); ++i) {
          Arg::Kind k = pipe->cmds[i].args[0].kind;
          if (k == Arg::Kind::kBool || k == Arg::Kind::kDot || k == Arg::Kind::kNil ||
              k == Arg::Kind::kNumber || k == Arg::Kind::kString) {
            Errorf(std::string("non executable command in pipeline stage ") +
                   std::to_string(i + 1));
            return nullptr;
          }
        }
        return pipe;
      }
      switch (t.type) {
        case Tok::kBool:
        case Tok::kChar:
        case Tok::kDot:
        case Tok::kField:
        case Tok::kIdent:
        case Tok::kNumber:
        case Tok::kNil:
        case Tok::kRawString:
        case Tok::kString:
        case Tok::kVariable:
        case Tok::kLeftParen: {
          Backup();
          Command cmd;
          if (!ParseCommand(&cmd)) return nullptr;
          pipe->cmds.push_back(std::move(cmd));
          break;
        }
        default:
          Unexpected(t, context);
          return nullptr;
      }
    }
  }

  bool ParseCommand(Command* cmd) {
    cmd->pos = PeekNonSpace().pos;
    while (true) {
      PeekNonSpace();
      Arg a;
      bool have = false;
      if (!Operand(&a, &have)) return false;
      if (have) cmd->args.push_back(std::move(a));
      const Token& t = Next();
      if (t.type == Tok::kSpace) continue;
      if (t.type == Tok::kRightDelim || t.type == Tok::kRightParen) {
        Backup();
      } else if (t.type != Tok::kPipe) {
        return Unexpected(t, "operand");
      }
      break;
    }
    if (cmd->args.empty()) return Errorf("empty command");
    return true;
  }

  bool Operand(Arg* a, bool* have) {
    if (!Term(a, have)) return false;
    if (!*have) return true;
    if (Peek().type == Tok::kField) {
      std::string term_text = a->text;
      a->pos = Peek().pos;  // Go positions a field chain at its second element
      std::vector<std::string> more;
      while (Peek().type == Tok::kField) {
        const Token& f = Next();
        std::string_view rest = f.val;
        rest.remove_prefix(1);
        more.emplace_back(rest);
        a->text += f.val;
      }
      switch (a->kind) {
        case Arg::Kind::kField:
        case Arg::Kind::kVariable:
        case Arg::Kind::kPipe:
          for (auto& m : more) a->fields.push_back(std::move(m));
          break;
        case Arg::Kind::kIdent:
          return Errorf(std::string("unexpected . after term \"") + a->name + "\"");
        default:
          return Errorf(std::string("unexpected . after term ") + GoQuote(term_text));
      }
    }
    return true;
  }

  bool Term(Arg* a, bool* have) {
    *have = true;
    const Token& t = NextNonSpace();
    a->pos = t.pos;
    a->text = t.val;
    switch (t.type) {
      case Tok::kIdent:
        if (funcs_.Find(t.val) == nullptr)
          return Errorf(std::string("function \"") + t.val + "\" not defined");
        a->kind = Arg::Kind::kIdent;
        a->name = t.val;
        return true;
      case Tok::kDot:
        a->kind = Arg::Kind::kDot;
        return true;
      case Tok::kNil:
        a->kind = Arg::Kind::kNil;
        return true;
      case Tok::kVariable: {
        std::string_view v = t.val;
        size_t dot = v.find('.');
        std::string name(v.substr(0, dot));
        if (!HasVar(name)) return Errorf(std::string("undefined variable \"") + name + "\"");
        a->kind = Arg::Kind::kVariable;
        a->name = name;
        return true;
      }
      case Tok::kField: {
        a->kind = Arg::Kind::kField;
        std::string_view rest = t.val;
        rest.remove_prefix(1);
        a->fields.emplace_back(rest);
        return true;
      }
      case Tok::kBool:
        a->kind = Arg::Kind::kBool;
        a->constant = Value(t.val == "true");
        return true;
      case Tok::kChar: {
        std::string s;
        int64_t r = Unquote(t.val, &s) ? SingleRune(s) : -1;
        if (r < 0) return Errorf(std::string("malformed character constant: ") + t.val);
        a->kind = Arg::Kind::kNumber;  // a char constant is an int (rune)
        a->constant = Value(r);
        return true;
      }
      case Tok::kNumber: {
        std::string err;
        a->kind = Arg::Kind::kNumber;
        if (!ParseNumber(t.val, &a->constant, &err)) return Errorf(err);
        return true;
      }
      case Tok::kLeftParen: {
        a->kind = Arg::Kind::kPipe;
        a->pipe = Pipeline("parenthesized pipeline", Tok::kRightParen);
        if (!a->pipe) return false;
        a->text = std::string("(") + PipeString(*a->pipe) + ")";
        return true;
      }
      case Tok::kString:
      case Tok::kRawString: {
        std::string s;
        if (!Unquote(t.val, &s)) return Errorf(std::string("invalid syntax: ") + t.val);
        a->kind = Arg::Kind::kString;
        a->constant = Value(std::move(s));
        return true;
      }
      default:
        Backup();
        *have = false;
        return true;
    }
  }

  std::string name_;
  std::shared_ptr<const std::string> source_;
  const FuncMap& funcs_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int line_ = 1;
  int depth_ = 0;
  int range_depth_ = 0;
  std::vector<std::string> vars_;
  TreeMap trees_;
  Status err_;
};

}  // namespace

bool Tree::IsEmpty() const {
  for (const auto& n : root) {
    if (n->kind != Node::Kind::kText) return false;
    for (char c : n->text) {
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
    }
  }
  return true;
}

Result<TreeMap> ParseTrees(std::string_view name, std::string_view text, const FuncMap& funcs) {
  Parser p(name, text, funcs);
  return p.Run();
}

}  // namespace osprey::tmpl::internal
