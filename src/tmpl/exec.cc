// Template execution, after text/template/exec.go. Invariants:
// - `vars_` is a stack; each control structure and each range iteration pops back to the mark
//   it took, and a {{template}} call runs with a fresh stack holding only "$".
// - A nil result of a pipeline prints "<no value>" (Go turns a nil interface into an invalid
//   reflect.Value there; under Escaping::kHtml it prints nothing); a nil reached *inside* a
//   field chain (.a.b with .a nil) is an error, while a missing map key yields nil quietly (or
//   an error with missing_key_error).
// - depth_ (template calls), steps_ and the output size are bounded by Template::Options.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

#include "tmpl/go_time.h"
#include "tmpl/internal/go_fmt.h"
#include "tmpl/internal/html_context.h"
#include "tmpl/internal/parse.h"
#include "tmpl/internal/time_methods.h"
#include "tmpl/template.h"

namespace osprey::tmpl {

using internal::Arg;
using internal::Command;
using internal::Node;
using internal::NodeList;
using internal::Pipe;
using internal::Tree;

struct Template::Set {
  std::map<std::string, std::shared_ptr<const Tree>, std::less<>> trees;
  std::string main;
  FuncMap funcs;
  Options options;
};

namespace {

enum class Flow { kNormal, kBreak, kContinue };

class State {
 public:
  using TreeMap = std::map<std::string, std::shared_ptr<const Tree>, std::less<>>;
  State(const TreeMap& trees, const FuncMap& funcs, const Template::Options& options,
        Template::Escaping escaping, std::string* out)
      : trees_(trees), funcs_(funcs), options_(options), escaping_(escaping), out_(out) {}

  Status Run(const Tree& tree, const Value& dot) {
    char base = 0;
    stack_base_ = reinterpret_cast<uintptr_t>(&base);
    tree_ = &tree;
    vars_.clear();
    vars_.emplace_back("$", dot);
    Flow flow = Flow::kNormal;
    return Walk(dot, tree.root, &flow);
  }

 private:
  struct At {
    size_t pos = 0;
    const Arg* arg = nullptr;
    const Command* cmd = nullptr;
    const Pipe* pipe = nullptr;
    const Node* tmpl = nullptr;  // a {{template}} node
  };

  void AtArg(const Arg& a) { at_ = At{a.pos, &a, nullptr, nullptr}; }
  void AtCmd(const Command& c) { at_ = At{c.pos, nullptr, &c, nullptr}; }
  void AtPipe(const Pipe& p) { at_ = At{p.pos, nullptr, nullptr, &p}; }
  void AtNode(const Node& n) {
    at_ = At{n.pos, nullptr, nullptr, n.pipe.get(), n.kind == Node::Kind::kTemplate ? &n : nullptr};
  }

  // "NAME:LINE:COL" of the current position.
  std::string Location() const {
    const std::string& src = *tree_->source;
    size_t pos = std::min(at_.pos, src.size());
    std::string_view before(src.data(), pos);
    size_t nl = before.rfind('\n');
    size_t col = nl == std::string_view::npos ? pos : pos - (nl + 1);
    size_t line = 1 + static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
    return std::string(tree_->parse_name)
        .append(":")
        .append(std::to_string(line))
        .append(":")
        .append(std::to_string(col));
  }

  Status Error(std::string_view msg) const {
    std::string ctx;
    if (at_.tmpl != nullptr) {
      ctx = std::string("{{template ") + internal::GoQuote(at_.tmpl->text);
      if (at_.tmpl->pipe) ctx += std::string(" ") + internal::PipeString(*at_.tmpl->pipe);
      ctx += "}}";
    } else if (at_.arg != nullptr) {
      ctx = internal::ArgString(*at_.arg);
    } else if (at_.cmd != nullptr) {
      ctx = internal::CommandString(*at_.cmd);
    } else if (at_.pipe != nullptr) {
      ctx = internal::PipeString(*at_.pipe);
    }
    if (ctx.size() > 20) ctx = ctx.substr(0, 20) + "...";
    std::string m = "template: ";
    m.append(Location())
        .append(": executing \"")
        .append(tree_->name)
        .append("\" at <")
        .append(ctx)
        .append(">: ")
        .append(msg);
    return InvalidArgumentError(std::move(m));
  }

  // Bounds recursion by the stack actually used, so that nesting inside deep {{template}}
  // chains cannot overflow the thread's stack whatever the frame sizes of this build.
  Status CheckStack() {
    char here = 0;
    uintptr_t now = reinterpret_cast<uintptr_t>(&here);
    uintptr_t used = now < stack_base_ ? stack_base_ - now : now - stack_base_;
    if (used > options_.max_stack_bytes) {
      return Error(std::string("exceeded maximum template depth (stack limit of ") +
                   std::to_string(options_.max_stack_bytes) + " bytes at depth " +
                   std::to_string(depth_) + ")");
    }
    return OkStatus();
  }

  Status Step() {
    OSPREY_RETURN_IF_ERROR(CheckStack());
    if (++steps_ > options_.max_exec_steps) {
      return Error(std::string("template execution exceeded the step limit (") +
                   std::to_string(options_.max_exec_steps) + ")");
    }
    return OkStatus();
  }

  Status Write(std::string_view s) {
    out_->append(s);
    if (out_->size() > options_.max_output_bytes) {
      return Error(std::string("template output exceeded the size limit (") +
                   std::to_string(options_.max_output_bytes) + " bytes)");
    }
    return OkStatus();
  }

  Status Walk(const Value& dot, const NodeList& list, Flow* flow) {
    for (const auto& n : list) {
      OSPREY_RETURN_IF_ERROR(WalkNode(dot, *n, flow));
      if (*flow != Flow::kNormal) return OkStatus();
    }
    return OkStatus();
  }

  Status WalkNode(const Value& dot, const Node& n, Flow* flow) {
    OSPREY_RETURN_IF_ERROR(Step());
    AtNode(n);
    switch (n.kind) {
      case Node::Kind::kText:
        return Write(n.text);
      case Node::Kind::kAction: {
        const bool html = escaping_ == Template::Escaping::kHtml && n.pipe->decl.empty();
        if (std::string_view esc = html ? internal::MisplacedEscaper(*n.pipe) : ""; !esc.empty()) {
          return InvalidArgumentError(std::string("html/template:")
                                          .append(Location())
                                          .append(": predefined escaper \"")
                                          .append(esc)
                                          .append("\" disallowed in template"));
        }
        OSPREY_ASSIGN_OR_RETURN(Value v, EvalPipeline(dot, *n.pipe));
        if (!n.pipe->decl.empty()) return OkStatus();
        if (html) return Write(internal::HtmlActionOutput(v, *n.pipe, *out_));
        return Write(v.IsNil() ? "<no value>" : v.ToString());
      }
      case Node::Kind::kIf:
      case Node::Kind::kWith: {
        size_t mark = vars_.size();
        OSPREY_ASSIGN_OR_RETURN(Value v, EvalPipeline(dot, *n.pipe));
        Status st;
        if (v.Truthy()) {
          st = Walk(n.kind == Node::Kind::kWith ? v : dot, n.list, flow);
        } else if (n.has_else) {
          st = Walk(dot, n.else_list, flow);
        }
        vars_.resize(mark);
        return st;
      }
      case Node::Kind::kRange:
        return WalkRange(dot, n, flow);
      case Node::Kind::kTemplate:
        return WalkTemplate(dot, n);
      case Node::Kind::kBreak:
        *flow = Flow::kBreak;
        return OkStatus();
      case Node::Kind::kContinue:
        *flow = Flow::kContinue;
        return OkStatus();
    }
    return OkStatus();
  }

  Status WalkRange(const Value& dot, const Node& n, Flow* flow) {
    size_t outer = vars_.size();
    OSPREY_ASSIGN_OR_RETURN(Value v, EvalPipeline(dot, *n.pipe));
    const Pipe& p = *n.pipe;
    size_t mark = vars_.size();
    auto set_top = [&](size_t k, const Value& x) { vars_[vars_.size() - k].second = x; };
    auto one = [&](const Value& index, const Value& elem, bool* stop) -> Status {
      if (!p.decl.empty()) {
        if (p.is_assign) {
          OSPREY_RETURN_IF_ERROR(SetVar(p.decl[0], p.decl.size() > 1 ? index : elem));
        } else {
          set_top(1, elem);
        }
      }
      if (p.decl.size() > 1) {
        if (p.is_assign) {
          OSPREY_RETURN_IF_ERROR(SetVar(p.decl[1], elem));
        } else {
          set_top(2, index);
        }
      }
      Flow f = Flow::kNormal;
      Status st = Walk(elem, n.list, &f);
      vars_.resize(mark);
      *stop = f == Flow::kBreak;
      return st;
    };
    bool stop = false;
    bool any = false;
    Status st;
    switch (v.kind()) {
      case Value::Kind::kList: {
        const auto& list = v.AsList();
        for (size_t i = 0; i < list.size() && !stop && st.ok(); ++i) {
          any = true;
          st = one(Value(static_cast<int64_t>(i)), list[i], &stop);
        }
        break;
      }
      case Value::Kind::kMap:
        for (auto it = v.AsMap().begin(); it != v.AsMap().end() && !stop && st.ok(); ++it) {
          any = true;
          st = one(Value(it->first), it->second, &stop);
        }
        break;
      case Value::Kind::kInt:
        if (p.decl.size() > 1) {
          st = Error(std::string("can't use ") + v.ToString() +
                     " to iterate over more than one variable");
          break;
        }
        for (int64_t i = 0; i < v.AsInt() && !stop && st.ok(); ++i) {
          any = true;
          st = Step();
          if (st.ok()) st = one(Value(i), Value(i), &stop);
        }
        break;
      case Value::Kind::kNil:
        break;
      default:
        st = Error(std::string("range can't iterate over ") + v.ToString());
        break;
    }
    if (st.ok() && !any && n.has_else) st = Walk(dot, n.else_list, flow);
    vars_.resize(outer);
    return st;
  }

  Status WalkTemplate(const Value& dot, const Node& n) {
    auto it = trees_.find(n.text);
    if (it == trees_.end()) return Error(std::string("template \"") + n.text + "\" not defined");
    if (depth_ >= options_.max_exec_depth) {
      return Error(std::string("exceeded maximum template depth (") +
                   std::to_string(options_.max_exec_depth) + ")");
    }
    Value new_dot;
    if (n.pipe) {
      OSPREY_ASSIGN_OR_RETURN(new_dot, EvalPipeline(dot, *n.pipe));
    }
    const Tree* saved_tree = tree_;
    std::vector<std::pair<std::string, Value>> saved_vars = std::move(vars_);
    vars_.clear();
    vars_.emplace_back("$", new_dot);
    tree_ = it->second.get();
    ++depth_;
    Flow flow = Flow::kNormal;
    Status st = Walk(new_dot, tree_->root, &flow);
    --depth_;
    tree_ = saved_tree;
    vars_ = std::move(saved_vars);
    return st;
  }

  Status SetVar(const std::string& name, const Value& v) {
    for (auto it = vars_.rbegin(); it != vars_.rend(); ++it) {
      if (it->first == name) {
        it->second = v;
        return OkStatus();
      }
    }
    return Error(std::string("undefined variable: ") + name);
  }

  Result<Value> VarValue(const std::string& name) {
    for (auto it = vars_.rbegin(); it != vars_.rend(); ++it) {
      if (it->first == name) return it->second;
    }
    return Error(std::string("undefined variable: ") + name);
  }

  Result<Value> EvalPipeline(const Value& dot, const Pipe& pipe) {
    AtPipe(pipe);
    std::optional<Value> value;
    for (const Command& cmd : pipe.cmds) {
      OSPREY_ASSIGN_OR_RETURN(Value v, EvalCommand(dot, cmd, value));
      value = std::move(v);
    }
    Value result = value.value_or(Value());
    for (const std::string& d : pipe.decl) {
      if (pipe.is_assign) {
        OSPREY_RETURN_IF_ERROR(SetVar(d, result));
      } else {
        vars_.emplace_back(d, result);
      }
    }
    return result;
  }

  Status NotAFunction(const Command& cmd, const std::optional<Value>& final) {
    if (cmd.args.size() > 1 || final.has_value()) {
      return Error(std::string("can't give argument to non-function ") +
                   internal::ArgString(cmd.args[0]));
    }
    return OkStatus();
  }

  Result<Value> EvalCommand(const Value& dot, const Command& cmd,
                            const std::optional<Value>& final) {
    OSPREY_RETURN_IF_ERROR(Step());
    const Arg& first = cmd.args[0];
    std::span<const Arg> args(cmd.args);
    switch (first.kind) {
      case Arg::Kind::kField:
        AtArg(first);
        return EvalFieldChain(dot, dot, false, first, first.fields, args, final);
      case Arg::Kind::kVariable: {
        AtArg(first);
        OSPREY_ASSIGN_OR_RETURN(Value v, VarValue(first.name));
        if (first.fields.empty()) {
          OSPREY_RETURN_IF_ERROR(NotAFunction(cmd, final));
          return v;
        }
        return EvalFieldChain(dot, v, false, first, first.fields, args, final);
      }
      case Arg::Kind::kPipe: {
        if (first.fields.empty()) {
          OSPREY_RETURN_IF_ERROR(NotAFunction(cmd, final));
          return EvalPipeline(dot, *first.pipe);
        }
        OSPREY_ASSIGN_OR_RETURN(Value v, EvalPipeline(dot, *first.pipe));
        AtArg(first);
        return EvalFieldChain(dot, v, false, first, first.fields, args, final);
      }
      case Arg::Kind::kIdent:
        return EvalFunction(dot, first, cmd, args.subspan(1), final);
      default:
        break;
    }
    AtArg(first);
    OSPREY_RETURN_IF_ERROR(NotAFunction(cmd, final));
    switch (first.kind) {
      case Arg::Kind::kDot:
        return dot;
      case Arg::Kind::kNil:
        return Error("nil is not a command");
      default:
        return first.constant;
    }
  }

  Result<std::vector<Value>> EvalArgs(const Value& dot, std::span<const Arg> args,
                                      const std::optional<Value>& final) {
    std::vector<Value> out;
    out.reserve(args.size() + 1);
    for (const Arg& a : args) {
      OSPREY_ASSIGN_OR_RETURN(Value v, EvalArg(dot, a));
      out.push_back(std::move(v));
    }
    if (final.has_value()) out.push_back(*final);
    return out;
  }

  Result<Value> EvalArg(const Value& dot, const Arg& a) {
    AtArg(a);
    switch (a.kind) {
      case Arg::Kind::kDot:
        return dot;
      case Arg::Kind::kNil:
        return Value();
      case Arg::Kind::kField:
        return EvalFieldChain(dot, dot, false, a, a.fields, std::span<const Arg>(&a, 1),
                              std::nullopt);
      case Arg::Kind::kVariable: {
        OSPREY_ASSIGN_OR_RETURN(Value v, VarValue(a.name));
        if (a.fields.empty()) return v;
        return EvalFieldChain(dot, v, false, a, a.fields, std::span<const Arg>(&a, 1),
                              std::nullopt);
      }
      case Arg::Kind::kPipe: {
        OSPREY_ASSIGN_OR_RETURN(Value v, EvalPipeline(dot, *a.pipe));
        if (a.fields.empty()) return v;
        AtArg(a);
        return EvalFieldChain(dot, v, false, a, a.fields, std::span<const Arg>(&a, 1),
                              std::nullopt);
      }
      case Arg::Kind::kIdent: {
        Command c;  // a function named as an argument is called without arguments
        return EvalFunction(dot, a, c, {}, std::nullopt);
      }
      default:
        return a.constant;
    }
  }

  Result<Value> EvalFunction(const Value& dot, const Arg& ident, const Command& cmd,
                             std::span<const Arg> args, const std::optional<Value>& final) {
    AtArg(ident);
    const std::string& name = ident.name;
    const Function* fn = funcs_.Find(name);
    if (fn == nullptr) return Error(std::string("\"") + name + "\" is not a defined function");
    if (name == "and" || name == "or") {
      // Go 1.18+: evaluate lazily, stop at the first false (and) / true (or) argument.
      size_t n = args.size() + (final.has_value() ? 1 : 0);
      if (n == 0) {
        return Error(std::string("wrong number of args for ") + name + ": want at least 1 got 0");
      }
      Value v;
      for (size_t i = 0; i < n; ++i) {
        if (i < args.size()) {
          OSPREY_ASSIGN_OR_RETURN(v, EvalArg(dot, args[i]));
        } else {
          v = *final;
        }
        if (v.Truthy() == (name == "or")) return v;
      }
      return v;
    }
    OSPREY_ASSIGN_OR_RETURN(std::vector<Value> vals, EvalArgs(dot, args, final));
    Result<Value> r = (*fn)(vals);
    if (!r.ok()) {
      if (!cmd.args.empty()) {
        AtCmd(cmd);
      } else {
        AtArg(ident);
      }
      return Error(std::string("error calling ") + name + ": " + r.status().message());
    }
    return r;
  }

  // Evaluates receiver.f1.f2...fn; `args` is the command's operands (args[0] is the field
  // node itself), passed to the last element when it is a method.
  Result<Value> EvalFieldChain(const Value& dot, Value receiver, bool from_field, const Arg& node,
                               const std::vector<std::string>& fields, std::span<const Arg> args,
                               const std::optional<Value>& final) {
    bool missing = false;
    for (size_t i = 0; i < fields.size(); ++i) {
      bool last = i + 1 == fields.size();
      std::span<const Arg> a = last ? args : std::span<const Arg>();
      std::optional<Value> f = last ? final : std::nullopt;
      OSPREY_ASSIGN_OR_RETURN(
          receiver, EvalField(dot, fields[i], node, a, f, receiver, from_field, &missing));
      from_field = !missing;
    }
    return receiver;
  }

  Result<Value> EvalField(const Value& dot, const std::string& name, const Arg& node,
                          std::span<const Arg> args, const std::optional<Value>& final,
                          const Value& receiver, bool receiver_from_field, bool* missing) {
    AtArg(node);
    bool has_args = args.size() > 1 || final.has_value();
    *missing = false;
    if (receiver.IsNil()) {
      if (receiver_from_field)
        return Error(std::string("nil pointer evaluating interface {}.") + name);
      if (options_.missing_key_error) {
        return Error(std::string("nil data; no entry for key \"") + name + "\"");
      }
      *missing = true;
      return Value();
    }
    if (receiver.kind() == Value::Kind::kMap) {
      const auto& m = receiver.AsMap();
      auto it = m.find(name);
      if (it != m.end()) {
        if (has_args) return Error(name + " is not a method but has arguments");
        return it->second;
      }
    }
    std::string type = receiver.type_name();
    if (type.empty() && receiver.kind() == Value::Kind::kTime) type = "time.Time";
    const Method* method = type.empty() ? nullptr : funcs_.FindMethod(type, name);
    bool builtin_method = receiver.kind() == Value::Kind::kTime || type == "time.Duration";
    if (method != nullptr || builtin_method) {
      OSPREY_ASSIGN_OR_RETURN(std::vector<Value> vals,
                              EvalArgs(dot, args.empty() ? args : args.subspan(1), final));
      std::optional<Result<Value>> r;
      if (method != nullptr) {
        r = (*method)(receiver, vals);
      } else if (receiver.kind() == Value::Kind::kTime) {
        r = internal::TimeMethod(receiver, name, vals);
      } else {
        r = internal::DurationMethod(receiver, name, vals);
      }
      if (r.has_value()) {
        if (!r->ok()) {
          AtArg(node);
          return Error(std::string("error calling ") + name + ": " + r->status().message());
        }
        return std::move(*r);
      }
    }
    if (receiver.kind() == Value::Kind::kMap) {
      if (options_.missing_key_error) {
        return Error(std::string("map has no entry for key \"") + name + "\"");
      }
      if (has_args) return Error(name + " is not a method but has arguments");
      if (options_.missing_key_zero) return Value(std::string());
      *missing = true;
      return Value();
    }
    return Error(std::string("can't evaluate field ") + name + " in type " +
                 internal::GoTypeName(receiver));
  }

  const TreeMap& trees_;
  const FuncMap& funcs_;
  const Template::Options& options_;
  const Template::Escaping escaping_;
  std::string* out_;
  const Tree* tree_ = nullptr;
  std::vector<std::pair<std::string, Value>> vars_;
  At at_;
  int depth_ = 0;
  int64_t steps_ = 0;
  uintptr_t stack_base_ = 0;
};

}  // namespace

Result<Template> Template::Parse(std::string_view name, std::string_view text,
                                 const FuncMap& funcs) {
  return Parse(name, text, funcs, Options{});
}

Result<Template> Template::Parse(std::string_view name, std::string_view text, const FuncMap& funcs,
                                 const Options& options) {
  Template t;
  t.set_ = std::make_shared<Set>();
  t.set_->main = std::string(name);
  t.set_->funcs = funcs;
  t.set_->options = options;
  OSPREY_RETURN_IF_ERROR(t.Add(name, text));
  return t;
}

Status Template::Add(std::string_view name, std::string_view text) {
  if (!set_) return FailedPreconditionError("template: Add on an unparsed template");
  OSPREY_ASSIGN_OR_RETURN(auto trees, internal::ParseTrees(name, text, set_->funcs));
  auto next = std::make_shared<Set>(*set_);  // copy-on-write: copies of *this stay unchanged
  for (auto& [tname, tree] : trees) {
    auto it = next->trees.find(tname);
    if (it != next->trees.end() && tree->IsEmpty() && !it->second->IsEmpty()) continue;
    next->trees[tname] = tree;
  }
  set_ = std::move(next);
  return OkStatus();
}

Result<std::string> Template::Execute(const Value& dot, Escaping escaping) const {
  if (!set_) return FailedPreconditionError("template: Execute on an unparsed template");
  return ExecuteTemplate(set_->main, dot, escaping);
}

Result<std::string> Template::ExecuteTemplate(std::string_view name, const Value& dot,
                                              Escaping escaping) const {
  if (!set_) return FailedPreconditionError("template: Execute on an unparsed template");
  auto it = set_->trees.find(name);
  if (it == set_->trees.end()) {
    return InvalidArgumentError(std::string("template: no template \"")
                                    .append(name)
                                    .append("\" associated with template \"")
                                    .append(set_->main)
                                    .append("\""));
  }
  std::string out;
  State state(set_->trees, set_->funcs, set_->options, escaping, &out);
  OSPREY_RETURN_IF_ERROR(state.Run(*it->second, dot));
  return out;
}

bool Template::Has(std::string_view name) const {
  return set_ && set_->trees.find(name) != set_->trees.end();
}

std::vector<std::string> Template::Names() const {
  std::vector<std::string> names;
  if (!set_) return names;
  for (const auto& [n, t] : set_->trees) names.push_back(n);
  return names;
}

}  // namespace osprey::tmpl
