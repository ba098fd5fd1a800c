// Go's text/template language, for the templates Prometheus and Alertmanager users write:
// rule annotations (`{{ $labels.instance }} is down, {{ $value | humanize }}`) and
// notification templates (`{{ define "slack.title" }}{{ .CommonLabels.alertname }}{{ end }}`).
//
//   tmpl::FuncMap funcs = tmpl::BuiltinFuncs();     // and, or, len, index, printf, eq, ...
//   tmpl::AddTextFuncs(&funcs);                     // toUpper, title, reReplaceAll, humanize, ...
//   OSPREY_ASSIGN_OR_RETURN(tmpl::Template t, tmpl::Template::Parse("summary", text, funcs));
//   OSPREY_ASSIGN_OR_RETURN(std::string out, t.Execute(dot));
//
// Values are dynamic (tmpl::Value): nil, bool, int, float, string, time, list, map. A map or
// list may carry a type name so that methods can be attached to it, as Go types have methods:
// `.CommonLabels.SortedPairs`, `.Alerts.Firing`, `.StartsAt.Format "15:04"`.
//
// Errors follow Go's wording and positions:
//   template: summary:1: function "humanise" not defined            (parse: line only)
//   template: summary:1:10: executing "summary" at <.Labels.x>: map has no entry for key "x"
// (the latter only with Options::missing_key_error; by default a missing map key prints
// "<no value>" like Go's).
// Thread-safety: a parsed Template and a FuncMap are immutable and may be shared.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace osprey::tmpl {

class Value {
 public:
  enum class Kind { kNil, kBool, kInt, kFloat, kString, kTime, kList, kMap };
  using List = std::vector<Value>;
  using Map = std::map<std::string, Value, std::less<>>;

  Value() = default;                                // nil
  Value(bool b);                                    // NOLINT: implicit, like Go's untyped constants
  Value(int v) : Value(static_cast<int64_t>(v)) {}  // NOLINT
  Value(int64_t v);                                 // NOLINT
  Value(long long v) : Value(static_cast<int64_t>(v)) {}           // NOLINT
  Value(unsigned v) : Value(static_cast<int64_t>(v)) {}            // NOLINT
  Value(unsigned long v) : Value(static_cast<int64_t>(v)) {}       // NOLINT: wraps > 2^63
  Value(unsigned long long v) : Value(static_cast<int64_t>(v)) {}  // NOLINT: wraps > 2^63
  Value(double v);                                                 // NOLINT
  Value(std::string s);                                            // NOLINT
  Value(std::string_view s);                                       // NOLINT
  Value(const char* s);                                            // NOLINT
  Value(List l);                                                   // NOLINT
  Value(Map m);                                                    // NOLINT
  // A point in time: milliseconds since the epoch, in UTC (Go time.Time). Built-in methods:
  // .Format LAYOUT, .Unix, .UnixMilli, .UnixNano, .UTC, .String, .Add DURATION, .Year, .Month,
  // .Day, .Hour, .Minute, .Second, .YearDay. Prints as "2020-01-01 00:00:00 +0000 UTC".
  static Value Time(int64_t unix_ms);
  // A time shown in a zone: offset east of UTC and abbreviation ("CEST", "UTC", "+0200").
  static Value TimeIn(int64_t unix_ms, int32_t utc_offset_s, std::string zone);
  // A Go time.Duration: an int (nanoseconds) of type "time.Duration", printed as "1h2m3s";
  // methods .String, .Seconds, .Minutes, .Hours, .Milliseconds.
  static Value Duration(int64_t ns);

  // A string that html/template would print as is: `safeHtml` returns kHtml (Go's
  // template.HTML), Alertmanager's `safeUrl` kUrl (template.URL). Only Escaping::kHtml reads
  // the mark (see Template::ExecuteTemplate); elsewhere these are plain strings. The mark lives
  // on this value only: any function given it returns a new, unmarked value (`safeHtml .x |
  // printf "%s"` is escaped again), while variables, `with` and {{template}} calls keep it.
  enum class Trust { kNone, kHtml, kUrl };
  static Value Trusted(std::string s, Trust trust);
  Trust trust() const;

  // The same value with a type name that selects methods (see FuncMap::AddMethod). For a
  // map, `.Name` looks up the key "Name" first and falls back to a method "Name".
  Value WithType(std::string type_name) &&;
  const std::string& type_name() const;

  Kind kind() const;
  bool IsNil() const { return kind() == Kind::kNil; }
  // Accessors; requires the matching kind.
  bool AsBool() const;
  int64_t AsInt() const;
  double AsFloat() const;  // also for kInt
  const std::string& AsString() const;
  int64_t AsTimeMs() const;
  int32_t TimeOffsetSeconds() const;    // requires kTime
  const std::string& TimeZone() const;  // requires kTime; "UTC" unless set by TimeIn
  const List& AsList() const;
  const Map& AsMap() const;
  // Go's truth: false, 0, "", nil, empty list or map are false.
  bool Truthy() const;
  // Go's %v / print form: 3.5, "text", [a b], map[a:1 b:2], <nil>.
  std::string ToString() const;

 private:
  struct Rep;
  std::shared_ptr<const Rep> rep_;  // null: nil. Cheap to copy.
};

// A function callable from templates: `{{ humanize $value }}`, `{{ $value | printf "%.2f" }}`.
// Piped values come last in args, as in Go. An error aborts execution with
// `error calling <name>: <message>`.
using Function = std::function<Result<Value>(std::span<const Value> args)>;
// A method of a typed value: `{{ .CommonLabels.Remove (stringSlice "a") }}`.
using Method = std::function<Result<Value>(const Value& receiver, std::span<const Value> args)>;

class FuncMap {
 public:
  void Add(std::string name, Function f);
  void AddMethod(std::string type_name, std::string method, Method m);
  const Function* Find(std::string_view name) const;
  const Method* FindMethod(std::string_view type_name, std::string_view method) const;

 private:
  std::map<std::string, Function, std::less<>> funcs_;
  std::map<std::string, Method, std::less<>> methods_;  // key "type.method"
};

// Go's predefined functions: and, or, not, len, index, slice, print, printf, println,
// eq, ne, lt, le, gt, ge, html, js, urlquery, call is not supported.
FuncMap BuiltinFuncs();

// A parsed template set: the main template plus every {{ define "name" }} in it and in
// texts added with Add(). Immutable once built.
class Template {
 public:
  struct Options {
    // Go's Option("missingkey=error"): a missing map key is an execution error.
    bool missing_key_error = false;
    // Go's Option("missingkey=zero") on map[string]string data, as Prometheus and
    // Alertmanager run their templates: a missing map key is "" rather than <no value>.
    bool missing_key_zero = false;
    // Limits that keep hostile templates from exhausting the stack, CPU or memory; each
    // ends execution with an error. Runaway {{template}} recursion usually meets the stack
    // limit first (about 7,000 levels in a release build, fewer under ASan); the error reads
    // "exceeded maximum template depth" either way. Requires: the executing thread has
    // max_stack_bytes of stack to spare (std::thread's default stack is 8 MiB).
    int max_exec_depth = 10000;           // nested {{template}} calls (Go's maxExecDepth)
    int64_t max_exec_steps = 50'000'000;  // evaluated nodes and commands per Execute
    size_t max_output_bytes = 64 << 20;   // bytes written per Execute
    size_t max_stack_bytes = 4 << 20;     // stack used by the executor's recursion
  };
  static Result<Template> Parse(std::string_view name, std::string_view text, const FuncMap& funcs);
  static Result<Template> Parse(std::string_view name, std::string_view text, const FuncMap& funcs,
                                const Options& options);
  // Parses more text into the same set (Alertmanager's template files); later defines of
  // the same name replace earlier ones, except that an empty define does not replace a
  // non-empty one (Go's rule). Copy-on-write: copies of this Template made earlier keep the
  // old set. Within one text, two non-empty defines of one name are a parse error.
  Status Add(std::string_view name, std::string_view text);

  // How printed values are escaped. kNone: text/template (nothing is). kHtml: as Go's
  // html/template in element text and quoted attribute values (Alertmanager's email `html`
  // field): each action that prints a value is HTML-escaped (base/html.h) unless its pipeline
  // ends in `html` (escaped once, as html/template elides the redundant escaper) or the value
  // is Trust::kHtml; a nil prints nothing; `html`/`urlquery` before the end of a pipeline is
  // an error ("predefined escaper ... disallowed"). An action that starts a quoted URL
  // attribute (`href="{{ .X }}"`, also src, action, formaction, cite, poster, background)
  // prints "#ZgotmplZ" for a scheme other than http, https or mailto unless the value is
  // Trust::kUrl. Template text and {{template}} output are not escaped again (the called
  // template's own actions were). Not modelled: script/style/unquoted-attribute contexts,
  // html/template's `+` -> "&#43;", URL normalisation, stripping HTML comments.
  enum class Escaping { kNone, kHtml };

  // Runs the main template with `.` = dot. Errors (Go's wording, with position):
  // `template: NAME:LINE:COL: executing "NAME" at <.a.b>: nil pointer evaluating ...`.
  Result<std::string> Execute(const Value& dot, Escaping escaping = Escaping::kNone) const;
  // Runs one named template of the set.
  Result<std::string> ExecuteTemplate(std::string_view name, const Value& dot,
                                      Escaping escaping = Escaping::kNone) const;
  bool Has(std::string_view name) const;
  // Names of all templates in the set, sorted (the main one included).
  std::vector<std::string> Names() const;

 private:
  struct Set;
  std::shared_ptr<Set> set_;
};

}  // namespace osprey::tmpl
