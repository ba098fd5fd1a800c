#include "rules/template_expander.h"

#include <algorithm>
#include <map>
#include <vector>

#include "tmpl/funcs.h"
#include "tmpl/template.h"

namespace osprey::rules {
namespace {

// Prometheus's convenience variables, prepended to every alert template.
constexpr std::string_view kDefs =
    "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}"
    "{{$externalURL := .ExternalURL}}{{$value := .Value}}";

std::string TemplateName(std::string_view rule_name) {
  std::string name = "__alert_";
  name += rule_name;
  return name;
}

tmpl::Value LabelsValue(const model::Labels& labels) {
  tmpl::Value::Map m;
  for (const model::Label& l : labels) m.emplace(l.name, tmpl::Value(l.value));
  return tmpl::Value(std::move(m));
}

// The path of a URL ("http://h:9090/prom" -> "/prom").
std::string UrlPath(std::string_view url) {
  size_t scheme = url.find("://");
  size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
  size_t slash = url.find('/', start);
  if (slash == std::string_view::npos) return "";
  std::string_view path = url.substr(slash);
  if (size_t q = path.find_first_of("?#"); q != std::string_view::npos) path = path.substr(0, q);
  return std::string(path);
}

// Adds the functions of Prometheus's template.NewTemplateExpander that need the rule's
// context (query, URLs) or work on query results.
void AddRuleFuncs(tmpl::FuncMap* funcs, const EvalEnv* env, model::Timestamp ts) {
  funcs->Add("query", [env, ts](std::span<const tmpl::Value> args) -> Result<tmpl::Value> {
    if (args.size() != 1 || args[0].kind() != tmpl::Value::Kind::kString) {
      return InvalidArgumentError("query expects one string argument");
    }
    if (env == nullptr || !env->query) return tmpl::MakeQueryResult({});
    OSPREY_ASSIGN_OR_RETURN(promql::Vector v, env->query(args[0].AsString(), ts));
    std::vector<tmpl::Value> out;
    out.reserve(v.size());
    for (const promql::VectorSample& s : v) {
      std::map<std::string, std::string> labels;
      for (const model::Label& l : s.labels) labels.emplace(l.name, l.value);
      out.push_back(tmpl::MakeQuerySample(labels, s.v));
    }
    return tmpl::MakeQueryResult(std::move(out));
  });
  const std::string url = env != nullptr ? env->external_url : std::string();
  funcs->Add("externalURL", [url](std::span<const tmpl::Value>) -> Result<tmpl::Value> {
    return tmpl::Value(url);
  });
  funcs->Add("pathPrefix", [url](std::span<const tmpl::Value>) -> Result<tmpl::Value> {
    return tmpl::Value(UrlPath(url));
  });
  const auto link = [](std::string_view tab) {
    return [tab](std::span<const tmpl::Value> args) -> Result<tmpl::Value> {
      if (args.size() != 1 || args[0].kind() != tmpl::Value::Kind::kString) {
        return InvalidArgumentError("expects one string argument");
      }
      std::string out = "/graph?g0.expr=";
      out += tmpl::UrlQueryEscape(args[0].AsString());
      out += "&g0.tab=";
      out += tab;
      return tmpl::Value(std::move(out));
    };
  };
  funcs->Add("graphLink", link("0"));
  funcs->Add("tableLink", link("1"));
}

tmpl::FuncMap RuleFuncs(const EvalEnv* env, model::Timestamp ts) {
  tmpl::FuncMap funcs = tmpl::BuiltinFuncs();
  tmpl::AddTextFuncs(&funcs, [ts] { return ts; });
  tmpl::AddQueryResultFuncs(&funcs);
  AddRuleFuncs(&funcs, env, ts);
  return funcs;
}

}  // namespace

std::string ExpandAlertTemplate(std::string_view rule_name, std::string_view text,
                                const model::Labels& labels, double value, const EvalEnv& env,
                                model::Timestamp ts) {
  if (text.find("{{") == std::string_view::npos) return std::string(text);
  const std::string name = TemplateName(rule_name);
  std::string full(kDefs);
  full += text;
  const tmpl::FuncMap funcs = RuleFuncs(&env, ts);
  tmpl::Value::Map data;
  data.emplace("Labels", LabelsValue(labels));
  data.emplace("ExternalLabels", LabelsValue(env.external_labels));
  data.emplace("ExternalURL", tmpl::Value(env.external_url));
  data.emplace("Value", tmpl::Value(value));
  std::string error;
  // Prometheus runs alert templates with missingkey=zero: {{ $labels.absent }} is "".
  Result<tmpl::Template> t =
      tmpl::Template::Parse(name, full, funcs, tmpl::Template::Options{.missing_key_zero = true});
  if (!t.ok()) {
    error = std::string("error parsing template ")
                .append(name)
                .append(": ")
                .append(t.status().message());
  } else {
    Result<std::string> out = t->Execute(tmpl::Value(std::move(data)));
    if (out.ok()) return *std::move(out);
    error = std::string("error executing template ")
                .append(name)
                .append(": ")
                .append(out.status().message());
  }
  if (env.template_failures != nullptr) env.template_failures->Inc();
  return std::string("<error expanding template: ").append(error).append(">");
}

Status CheckRuleTemplate(std::string_view rule_name, std::string_view text) {
  std::string full(kDefs);
  full += text;
  const tmpl::FuncMap funcs = RuleFuncs(nullptr, 0);
  Result<tmpl::Template> t = tmpl::Template::Parse(TemplateName(rule_name), full, funcs);
  return t.ok() ? OkStatus() : t.status();
}

}  // namespace osprey::rules
