#include "alerting/default_templates.h"

namespace osprey::alerting {
namespace {

// Conventions: {{- and -}} keep the defines themselves free of stray newlines; values going
// into HTML (email, Telegram's default HTML parse mode) go through `html` (Go's `template`
// action cannot pipe its output, hence the separate "__subject_html").
constexpr std::string_view kDefaults = R"TMPL(
{{- define "__alertmanager" }}Osprey{{ end }}
{{- define "__alertmanagerURL" }}{{ .ExternalURL }}/alerting?receiver={{ .Receiver | urlquery }}{{ end }}

{{- define "__subject" -}}
[{{ toUpper .Status }}{{ if eq .Status "firing" }}:{{ len .Alerts.Firing }}{{ end }}]
{{- range .GroupLabels.SortedPairs }} {{ .Value }}{{ end }}
{{- with .CommonLabels.Remove .GroupLabels.Names }} ({{ range $i, $v := .Values }}{{ if $i }} {{ end }}{{ $v }}{{ end }}){{ end }}
{{- end }}

{{- define "__subject_html" -}}
[{{ toUpper .Status }}{{ if eq .Status "firing" }}:{{ len .Alerts.Firing }}{{ end }}]
{{- range .GroupLabels.SortedPairs }} {{ .Value | html }}{{ end }}
{{- with .CommonLabels.Remove .GroupLabels.Names }} ({{ range $i, $v := .Values }}{{ if $i }} {{ end }}{{ $v | html }}{{ end }}){{ end }}
{{- end }}

{{- define "__description" }}{{ end }}

{{- define "__text_alert_list" }}{{ range . }}
[{{ .Status }}] {{ .Labels.SortedPairs.Values | join " " }}
Labels:
{{ range .Labels.SortedPairs }}  {{ .Name }}: {{ .Value }}
{{ end }}
{{- if .Annotations }}Annotations:
{{ range .Annotations.SortedPairs }}  {{ .Name }}: {{ .Value }}
{{ end }}{{ end -}}
Started: {{ .StartsAt }}
Source: {{ .GeneratorURL }}
In Osprey: {{ .AlertURL }}
{{ end }}{{ end }}

{{- define "__text_alert_list_markdown" }}{{ range . }}
**{{ .Labels.SortedPairs.Values | join " " }}** ({{ .Status }})

{{ range .Labels.SortedPairs }}- {{ .Name }}: `{{ .Value }}`
{{ end }}
{{- range .Annotations.SortedPairs }}- {{ .Name }}: {{ .Value }}
{{ end }}
[Source]({{ .GeneratorURL }}) · [Open in Osprey]({{ .AlertURL }})
{{ end }}{{ end }}

{{- define "__text_summary" -}}
{{ if .Alerts.Firing }}Firing ({{ len .Alerts.Firing }}):
{{ template "__text_alert_list" .Alerts.Firing }}
{{ end -}}
{{ if .Alerts.Resolved }}Resolved ({{ len .Alerts.Resolved }}):
{{ template "__text_alert_list" .Alerts.Resolved }}
{{ end -}}
All alerts of this group: {{ template "__alertmanagerURL" . }}
{{- end }}

{{- define "slack.default.title" }}{{ template "__subject" . }}{{ end }}
{{- define "slack.default.username" }}{{ template "__alertmanager" . }}{{ end }}
{{- define "slack.default.fallback" }}{{ template "slack.default.title" . }} | {{ template "slack.default.titlelink" . }}{{ end }}
{{- define "slack.default.callbackid" }}{{ end }}
{{- define "slack.default.pretext" }}{{ end }}
{{- define "slack.default.titlelink" }}{{ template "__alertmanagerURL" . }}{{ end }}
{{- define "slack.default.iconemoji" }}{{ end }}
{{- define "slack.default.iconurl" }}{{ end }}
{{- define "slack.default.footer" }}{{ end }}
{{- define "slack.default.text" -}}
{{ range .Alerts }}• *{{ .Status }}* {{ .Labels.SortedPairs.Values | join " " }}
{{- with .Annotations.summary }} — {{ . }}{{ end }} (<{{ .AlertURL }}|Osprey>{{ if .GeneratorURL }}, <{{ .GeneratorURL }}|source>{{ end }})
{{ end }}
{{- end }}

{{- define "msteams.default.title" }}{{ template "__subject" . }}{{ end }}
{{- define "msteams.default.summary" }}{{ template "__subject" . }}{{ end }}
{{- define "msteams.default.text" -}}
{{ if .Alerts.Firing }}## Firing
{{ template "__text_alert_list_markdown" .Alerts.Firing }}{{ end -}}
{{ if .Alerts.Resolved }}## Resolved
{{ template "__text_alert_list_markdown" .Alerts.Resolved }}{{ end -}}
[All alerts of this group]({{ template "__alertmanagerURL" . }})
{{- end }}

{{- define "telegram.default.message" -}}
<b>{{ template "__subject_html" . }}</b>
{{ range .Alerts }}
{{ if eq .Status "firing" }}🔥{{ else }}✅{{ end }} <b>{{ .Labels.SortedPairs.Values | join " " | html }}</b>
{{- with .Annotations.summary }}
{{ . | html }}{{ end }}
<a href="{{ .AlertURL | html }}">Open in Osprey</a>{{ if .GeneratorURL }} · <a href="{{ .GeneratorURL | html }}">Source</a>{{ end }}
{{ end -}}
{{- end }}

{{- define "pagerduty.default.description" }}{{ template "__subject" . }}{{ end }}
{{- define "pagerduty.default.client" }}{{ template "__alertmanager" . }}{{ end }}
{{- define "pagerduty.default.clientURL" }}{{ template "__alertmanagerURL" . }}{{ end }}
{{- define "pagerduty.default.instances" }}{{ template "__text_alert_list" . }}{{ end }}

{{- define "opsgenie.default.message" }}{{ template "__subject" . }}{{ end }}
{{- define "opsgenie.default.description" -}}
{{ range .CommonAnnotations.SortedPairs }}{{ .Value }}
{{ end -}}
{{ template "__text_summary" . }}
{{- end }}
{{- define "opsgenie.default.source" }}{{ template "__alertmanagerURL" . }}{{ end }}

{{- define "sms.default.message" -}}
{{ template "__subject" . }}
{{- range .Alerts.Firing }}{{ with .Annotations.summary }}
{{ . }}{{ end }}{{ end }}
{{ template "__alertmanagerURL" . }}
{{- end }}

{{- define "email.default.subject" }}{{ template "__subject" . }}{{ end }}
{{- define "email.default.text" }}{{ template "__subject" . }}

{{ template "__text_summary" . }}
{{ end }}
{{- define "__email_alert_rows" }}{{ range . }}
<tr><td style="padding:12px 16px;border-top:1px solid #e3e6ea">
<div style="font-weight:600;color:{{ if eq .Status "firing" }}#b42318{{ else }}#067647{{ end }}">{{ .Status | toUpper }}: {{ .Labels.SortedPairs.Values | join " " | html }}</div>
{{ with .Annotations.summary }}<div style="margin:4px 0">{{ . | html }}</div>{{ end }}
{{ with .Annotations.description }}<div style="margin:4px 0;color:#475467">{{ . | html }}</div>{{ end }}
<table style="font-size:13px;color:#344054;margin:6px 0">
{{ range .Labels.SortedPairs }}<tr><td style="padding-right:12px;color:#667085">{{ .Name | html }}</td><td><code>{{ .Value | html }}</code></td></tr>
{{ end }}</table>
<div style="font-size:13px">Started {{ .StartsAt }} · <a href="{{ .AlertURL | html }}">Open in Osprey</a>{{ if .GeneratorURL }} · <a href="{{ .GeneratorURL | html }}">Source</a>{{ end }}</div>
</td></tr>{{ end }}{{ end }}
{{- define "email.default.html" -}}
<!DOCTYPE html>
<html>
<head><meta charset="UTF-8"><meta name="viewport" content="width=device-width"><title>{{ template "__subject_html" . }}</title></head>
<body style="margin:0;padding:16px;background:#f4f5f7;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#101828">
<table width="100%" cellpadding="0" cellspacing="0" style="max-width:680px;margin:0 auto;background:#ffffff;border:1px solid #e3e6ea;border-radius:6px">
<tr><td style="padding:16px;background:{{ if eq .Status "firing" }}#b42318{{ else }}#067647{{ end }};color:#ffffff;border-radius:6px 6px 0 0">
<div style="font-size:18px;font-weight:600">{{ template "__subject_html" . }}</div>
<div style="font-size:13px">{{ len .Alerts.Firing }} firing, {{ len .Alerts.Resolved }} resolved · receiver {{ .Receiver | html }}</div>
</td></tr>
{{ template "__email_alert_rows" .Alerts.Firing }}
{{ template "__email_alert_rows" .Alerts.Resolved }}
<tr><td style="padding:12px 16px;border-top:1px solid #e3e6ea;font-size:13px"><a href="{{ template "__alertmanagerURL" . }}">View this group in Osprey</a></td></tr>
</table>
<div style="max-width:680px;margin:8px auto;font-size:12px;color:#667085">Sent by {{ template "__alertmanager" . }}.</div>
</body>
</html>
{{- end }}
)TMPL";

}  // namespace

std::string_view DefaultNotificationTemplates() { return kDefaults; }

}  // namespace osprey::alerting
