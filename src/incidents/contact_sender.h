// Tells one person about an incident through each contact method of their `people:` entry:
//
//   email    multipart text + HTML through global.smtp_* (alerting/notifiers/email's SMTP
//            code); subject "[CRITICAL] Incident #12: <title>"
//   sms      the `notify.sms` gateway; its params are templates over the incident plus .To
//            (the number) and .Message ("Osprey #12 CRITICAL: <title>. Ack: <ack_url>", at
//            most 160 characters, the title cut first and the link never)
//   chat     POST {"channel": "<handle>", "text": "..."} to `notify.chat.url` (Slack-compatible)
//   webhook  POST of Osprey's incident JSON (IncidentWebhookJson) to the person's URL
//
// Every message carries the incident link and, when signed, the one-click ack link. Each
// method yields one ContactResult; errors name the method and the address, never a secret
// (URLs lose user info and query; the chat webhook's path is hidden). Each request gives up
// after `timeout`.
//
//   ConfiguredContactSender sender(clock, {.people = cfg.incidents.people,
//                                          .notify = cfg.incidents.notify,
//                                          .global = cfg.global.alertmanager});
//   std::vector<ContactResult> r = sender.Send(message);
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/thread_annotations.h"
#include "config/alertmanager_config.h"
#include "config/incidents_config.h"
#include "incidents/ports.h"

namespace osprey::incidents {

struct ContactSenderOptions {
  std::vector<config::PersonConfig> people;
  config::IncidentNotifyConfig notify;
  config::AlertmanagerGlobalConfig global;  // smtp_* settings for email
  std::chrono::milliseconds timeout{10000};
  std::string hostname;  // Domain of email Message-Ids; empty: this host's name.
};

// The texts of one message, rendered by the sender (exposed for tests and previews).
struct RenderedEmail {
  std::string subject;
  std::string text;
  std::string html;  // Every incident field HTML-escaped.
};
RenderedEmail RenderIncidentEmail(const ContactMessage& m);
// {"version":"1","type":"incident","incident":{"id":12,"title":...,"state":...,"severity":...,
// "services":[...],"url":...,"group_labels":{...},"alerts":[{"labels":{...},
// "annotations":{...},"status":"firing"}]},"person":"alice","level":1,"ack_url":"..."}
// (level 1-based; Go's JSON escaping).
std::string IncidentWebhookJson(const ContactMessage& m);
// "Osprey #12 CRITICAL: <title>. Ack: <ack_url>" (or "Details: <incident_url>" without an
// ack link), at most `max_chars` code points when the link leaves room: the title is cut.
std::string IncidentSmsText(const ContactMessage& m, size_t max_chars = 160);
std::string IncidentChatText(const ContactMessage& m);

// Thread-safe. Send runs the methods one after another on the caller's thread.
class ConfiguredContactSender final : public ContactSender {
 public:
  ConfiguredContactSender(const Clock& clock, ContactSenderOptions options);
  ~ConfiguredContactSender() override;

  std::vector<ContactResult> Send(const ContactMessage& message) override;

  // Config reload: sends started after this use the new settings.
  void Reconfigure(ContactSenderOptions options) OSPREY_EXCLUDES(mu_);

 private:
  const Clock& clock_;
  mutable Mutex mu_;
  // Immutable once published; shared so that a Send in flight keeps the settings it started
  // with while Reconfigure swaps in new ones.
  std::shared_ptr<const ContactSenderOptions> options_ OSPREY_GUARDED_BY(mu_);
};

}  // namespace osprey::incidents
