#include "alerting/template_data.h"

#include <gtest/gtest.h>

#include "alerting/notifiers/notification_templates.h"
#include "alerting/notifiers/notifiers_test_util.h"

namespace osprey::alerting {
namespace {

using notifiers::NotificationTemplates;
using notifiers::testing::Context;
using notifiers::testing::TwoAlerts;

TEST(TemplateDataTest, BuildsAlertmanagersDataFromANotification) {
  const auto alerts = TwoAlerts();
  TemplateData d = MakeTemplateData(Context(), alerts);
  EXPECT_EQ(d.receiver, "team-a\\.web");  // regexp.QuoteMeta, as Alertmanager does
  EXPECT_EQ(d.status, "firing");
  EXPECT_EQ(d.external_url, "http://osprey.example:9090");
  ASSERT_EQ(d.alerts.size(), 2u);
  EXPECT_EQ(d.alerts[0].status, "firing");
  EXPECT_EQ(d.alerts[0].ends_at, 0) << "a future end is a 'valid until', hidden";
  EXPECT_EQ(d.alerts[1].status, "resolved");
  EXPECT_EQ(d.alerts[1].ends_at, 1700000060500);
  EXPECT_EQ(d.alerts[0].fingerprint, FingerprintText(alerts[0].labels.Hash()));
  EXPECT_EQ(d.alerts[0].alert_url, std::string("http://osprey.example:9090/alerting?fingerprint=")
                                       .append(d.alerts[0].fingerprint));
  EXPECT_EQ(d.common_labels,
            model::Labels::FromStrings({"alertname", "HighLatency", "job", "api"}));
  EXPECT_EQ(d.common_annotations, model::Labels::FromStrings({"summary", "p99 > 1s <b>"}));

  d = MakeTemplateData(Context(), std::span(alerts).subspan(1));
  EXPECT_EQ(d.status, "resolved");
  EXPECT_EQ(FingerprintText(0xabc), "0000000000000abc");
}

class TemplateMethodsTest : public ::testing::Test {
 protected:
  std::string Render(std::string_view text) {
    auto t = NotificationTemplates::FromTexts({});
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    if (!t.ok()) return "";
    const auto alerts = TwoAlerts();
    auto r = (*t)->Render(text, ToTemplateValue(MakeTemplateData(Context(), alerts)));
    EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
    return r.ok() ? *r : "";
  }
};

TEST_F(TemplateMethodsTest, KvMethods) {
  EXPECT_EQ(Render("{{ range .CommonLabels.SortedPairs }}{{ .Name }}={{ .Value }};{{ end }}"),
            "alertname=HighLatency;job=api;");
  EXPECT_EQ(Render(R"({{ .CommonLabels.Names | join "," }})"), "alertname,job");
  EXPECT_EQ(Render(R"({{ .CommonLabels.Values | join "," }})"), "HighLatency,api");
  EXPECT_EQ(Render(R"({{ (.CommonLabels.Remove (stringSlice "job")).Names | join "," }})"),
            "alertname");
  EXPECT_EQ(Render(R"({{ .CommonLabels.SortedPairs.Names | join "," }})"), "alertname,job");
  EXPECT_EQ(Render("{{ .GroupLabels.alertname }} {{ len .CommonLabels }}"), "HighLatency 2");
}

TEST_F(TemplateMethodsTest, AlertsMethodsAndFields) {
  EXPECT_EQ(Render("{{ len .Alerts }} {{ len .Alerts.Firing }} {{ len .Alerts.Resolved }}"),
            "2 1 1");
  EXPECT_EQ(Render("{{ range .Alerts.Resolved }}{{ .Labels.instance }}{{ end }}"), "b:9090");
  EXPECT_EQ(Render(R"({{ (index .Alerts 0).StartsAt.Format "2006-01-02T15:04:05Z07:00" }})"),
            "2023-11-14T22:13:20Z");
  EXPECT_EQ(Render("{{ .Receiver }} {{ .ExternalURL }}"),
            "team-a\\.web http://osprey.example:9090");
}

TEST_F(TemplateMethodsTest, DefaultTemplatesRender) {
  EXPECT_EQ(Render(R"({{ template "__subject" . }})"), "[FIRING:1] HighLatency (api)");
  EXPECT_EQ(Render(R"({{ template "email.default.subject" . }})"), "[FIRING:1] HighLatency (api)");
  for (const char* name :
       {"__text_alert_list_markdown", "slack.default.text", "msteams.default.text",
        "telegram.default.message", "opsgenie.default.description", "email.default.html",
        "email.default.text", "sms.default.message", "slack.default.fallback",
        "pagerduty.default.clientURL", "opsgenie.default.source"}) {
    SCOPED_TRACE(name);
    const std::string arg = std::string_view(name).starts_with("__text") ? ".Alerts" : ".";
    const std::string out =
        Render(std::string("{{ template \"").append(name).append("\" ").append(arg).append(" }}"));
    EXPECT_FALSE(out.empty());
    EXPECT_NE(out.find("http://osprey.example:9090/alerting?"), std::string::npos) << out;
  }
}

}  // namespace
}  // namespace osprey::alerting
