// Alert label and annotation templates (Prometheus's template.NewTemplateExpander for
// rules), on the Go text/template engine of src/tmpl.
//
// The text runs with `.` = {Labels, ExternalLabels, ExternalURL, Value} and the variables
// $labels, $externalLabels, $externalURL and $value. Functions: tmpl's builtins and text
// functions, plus query (runs an instant query at the evaluation time and returns a list of
// {Labels, Value} samples), first, label, value, strvalue, sortByLabel, pathPrefix,
// externalURL, graphLink and tableLink.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "model/labels.h"
#include "model/sample.h"
#include "rules/rule.h"

namespace osprey::rules {

// Expands `text` for one alert with labels `labels` and value `value`, evaluated at `ts`.
// A failure renders as "<error expanding template: ...>" (as Prometheus does) and is
// counted in env.template_failures. Text without "{{" is returned as is.
std::string ExpandAlertTemplate(std::string_view rule_name, std::string_view text,
                                const model::Labels& labels, double value, const EvalEnv& env,
                                model::Timestamp ts);

// Whether `text` parses as an alert template of rule `rule_name` (promtool's check).
// The error reads like Go's: `template: __alert_Name:1:12: function "x" not defined`.
Status CheckRuleTemplate(std::string_view rule_name, std::string_view text);

}  // namespace osprey::rules
