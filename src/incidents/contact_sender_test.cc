// ConfiguredContactSender against a real SMTP server (aiosmtpd) and a local HTTP server that
// records requests (webhook, SMS gateway, chat webhook).
#include "incidents/contact_sender.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cctype>
#include <memory>
#include <string>
#include <vector>

#include "alerting/notifiers/capture_server_test_util.h"
#include "testing/child_process.h"
#include "testing/fake_clock.h"
#include "testing/temp_dir.h"

namespace osprey::incidents {
namespace {

using alerting::notifiers::testing::CaptureServer;

constexpr int64_t kNow = 1'700'000'000'000;  // 2023-11-14T22:13:20Z

Incident TestIncident() {
  Incident i;
  i.id = 12;
  i.title = "Checkout latency high";
  i.severity = Severity::kCritical;
  i.state = State::kTriggered;
  i.services = {"checkout"};
  i.group_labels = model::Labels::FromStrings({"alertname", "HighLatency"});
  i.opened_at_ms = kNow;
  IncidentAlert a;
  a.fingerprint = 1;
  a.labels = model::Labels::FromStrings({"alertname", "HighLatency", "instance", "web-1"});
  a.annotations = {{"summary", "p99 > 1s"}};
  i.alerts = {a};
  return i;
}

ContactMessage Message(const Incident& i, std::string person = "alice") {
  ContactMessage m;
  m.incident = &i;
  m.person = std::move(person);
  m.level = 0;
  m.incident_url = "https://osprey.example.com/incidents/12";
  m.ack_url = "https://osprey.example.com/ack/TOKEN.MAC";
  return m;
}

bool Contains(std::string_view h, std::string_view n) { return h.find(n) != std::string::npos; }

// Quoted-printable decoding (soft breaks and =XX), enough to read the parts of a message.
std::string DecodeQp(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '=' && i + 2 < s.size() && s[i + 1] == '\r' && s[i + 2] == '\n') {
      i += 2;
    } else if (s[i] == '=' && i + 1 < s.size() && s[i + 1] == '\n') {
      i += 1;  // the mailbox stores LF line ends
    } else if (s[i] == '=' && i + 2 < s.size() &&
               std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

TEST(ContactSenderTest, WebhookPostsTheIncidentJson) {
  CaptureServer server;
  osprey::testing::FakeClock clock(kNow);
  config::PersonConfig alice{.name = "alice", .webhook = server.Url("/hook?token=s3cret")};
  ConfiguredContactSender sender(clock, {.people = {alice}});
  Incident i = TestIncident();
  std::vector<ContactResult> r = sender.Send(Message(i));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].method, "webhook");
  EXPECT_EQ(r[0].address, server.Url("/hook"));  // the token is not shown
  ASSERT_TRUE(r[0].status.ok()) << r[0].status.ToString();
  auto reqs = server.Requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].target, "/hook?token=s3cret");
  EXPECT_EQ(reqs[0].Header("Content-Type"), "application/json");
  EXPECT_EQ(reqs[0].body,
            R"({"version":"1","type":"incident","incident":{"id":12,)"
            R"("title":"Checkout latency high","state":"triggered","severity":"critical",)"
            R"("services":["checkout"],"url":"https://osprey.example.com/incidents/12",)"
            R"("group_labels":{"alertname":"HighLatency"},"alerts":[{"labels":)"
            R"({"alertname":"HighLatency","instance":"web-1"},"annotations":)"
            R"({"summary":"p99 \u003e 1s"},"status":"firing"}]},"person":"alice","level":1,)"
            R"("ack_url":"https://osprey.example.com/ack/TOKEN.MAC"})");
}

TEST(ContactSenderTest, WebhookErrorsNameTheAddressWithoutSecrets) {
  CaptureServer server;
  server.Reply(503, "overloaded");
  osprey::testing::FakeClock clock(kNow);
  config::PersonConfig alice{.name = "alice", .webhook = server.Url("/hook?token=s3cret")};
  ConfiguredContactSender sender(clock, {.people = {alice}});
  Incident i = TestIncident();
  std::vector<ContactResult> r = sender.Send(Message(i));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(r[0].status.message(), "webhook to " + server.Url("/hook") +
                                       ": unexpected status code 503 from " + server.Url("/hook") +
                                       ": overloaded");

  // Nothing listens on the port: the network error must not leak the token either.
  const int port = osprey::testing::FreeLocalPort();
  alice.webhook = "http://127.0.0.1:" + std::to_string(port) + "/h?token=s3cret";
  sender.Reconfigure({.people = {alice}});
  r = sender.Send(Message(i));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_FALSE(r[0].status.ok());
  EXPECT_TRUE(Contains(r[0].status.message(), "webhook to http://127.0.0.1:"))
      << r[0].status.message();
  EXPECT_FALSE(Contains(r[0].status.message(), "s3cret")) << r[0].status.message();
}

TEST(ContactSenderTest, SmsThroughTheGatewayAsFormAndJson) {
  CaptureServer server;
  osprey::testing::FakeClock clock(kNow);
  config::PersonConfig alice{.name = "alice", .sms = "+15550100"};
  config::SmsConfig sms;
  sms.url = server.Url("/send?key=k");
  sms.params = {{"to", "{{ .To }}"}, {"text", "{{ .Message }}"}, {"ref", "osprey-{{ .ID }}"}};
  ContactSenderOptions o{.people = {alice}};
  o.notify.sms = sms;
  ConfiguredContactSender sender(clock, o);
  Incident i = TestIncident();
  std::vector<ContactResult> r = sender.Send(Message(i));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].method, "sms");
  EXPECT_EQ(r[0].address, "+15550100");
  ASSERT_TRUE(r[0].status.ok()) << r[0].status.ToString();

  o.notify.sms->content_type = config::SmsConfig::ContentType::kJson;
  sender.Reconfigure(o);
  r = sender.Send(Message(i));
  ASSERT_TRUE(r[0].status.ok()) << r[0].status.ToString();

  auto reqs = server.Requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].target, "/send?key=k");
  EXPECT_EQ(reqs[0].Header("Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(reqs[0].body,
            "ref=osprey-12&text=Osprey+%2312+CRITICAL%3A+Checkout+latency+high.+Ack%3A+"
            "https%3A%2F%2Fosprey.example.com%2Fack%2FTOKEN.MAC&to=%2B15550100");
  EXPECT_EQ(reqs[1].Header("Content-Type"), "application/json");
  EXPECT_EQ(reqs[1].body,
            R"({"ref":"osprey-12","text":"Osprey #12 CRITICAL: Checkout latency high. Ack: )"
            R"(https://osprey.example.com/ack/TOKEN.MAC","to":"+15550100"})");
}

TEST(ContactSenderTest, SmsTextCutsTheTitleButNeverTheLink) {
  Incident i = TestIncident();
  i.title = std::string(300, 'x');
  ContactMessage m = Message(i);
  const std::string text = IncidentSmsText(m, 160);
  EXPECT_EQ(text.size() - 2, 160u);  // "…" is 3 bytes, 1 character
  EXPECT_EQ(text.substr(0, 21), "Osprey #12 CRITICAL: ");
  EXPECT_TRUE(text.ends_with("\xE2\x80\xA6. Ack: https://osprey.example.com/ack/TOKEN.MAC"))
      << text;
  // A short title is left alone; without an ack link the incident link is given.
  i.title = "Disk full";
  m.ack_url.clear();
  EXPECT_EQ(IncidentSmsText(m),
            "Osprey #12 CRITICAL: Disk full. Details: https://osprey.example.com/incidents/12");
}

TEST(ContactSenderTest, ChatPostsChannelAndText) {
  CaptureServer server;
  osprey::testing::FakeClock clock(kNow);
  config::PersonConfig alice{.name = "alice", .chat = "@alice"};
  ContactSenderOptions o{.people = {alice}};
  o.notify.chat_url = server.Url("/services/T000/B000/SECRETX");
  ConfiguredContactSender sender(clock, o);
  Incident i = TestIncident();
  std::vector<ContactResult> r = sender.Send(Message(i));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].method, "chat");
  EXPECT_EQ(r[0].address, "@alice");
  ASSERT_TRUE(r[0].status.ok()) << r[0].status.ToString();
  auto reqs = server.Requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].body,
            R"({"channel":"@alice","text":"[CRITICAL] Incident #12: Checkout latency high\n)"
            R"(State: triggered | Services: checkout | Level 1\n)"
            R"(- [firing] alertname=\"HighLatency\", instance=\"web-1\"\n)"
            R"(Incident: https://osprey.example.com/incidents/12\n)"
            R"(Acknowledge: https://osprey.example.com/ack/TOKEN.MAC"})");

  // The webhook's path is its secret: errors show only the host.
  server.Reply(500, "");
  r = sender.Send(Message(i));
  EXPECT_EQ(r[0].status.message(),
            "chat to @alice: unexpected status code 500 from " + server.Url("/\xE2\x80\xA6"));
}

TEST(ContactSenderTest, MissingGatewaysAndUnknownPeopleAreClear) {
  osprey::testing::FakeClock clock(kNow);
  config::PersonConfig alice{
      .name = "alice", .email = "alice@example.com", .sms = "+15550100", .chat = "@alice"};
  ConfiguredContactSender sender(clock, {.people = {alice}});
  Incident i = TestIncident();
  std::vector<ContactResult> r = sender.Send(Message(i));
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].method, "email");
  EXPECT_EQ(r[0].status.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(r[0].status.message(), "email to alice@example.com: global.smtp_smarthost is not set");
  EXPECT_EQ(r[1].status.message(), "sms to +15550100: incidents.notify.sms is not configured");
  EXPECT_EQ(r[2].status.message(), "chat to @alice: incidents.notify.chat.url is not configured");
  EXPECT_TRUE(sender.Send(Message(i, "mallory")).empty());
}

TEST(ContactSenderTest, EmailEscapesHtml) {
  Incident i = TestIncident();
  i.title = "<script>alert(1)</script> & co";
  i.alerts[0].labels = model::Labels::FromStrings({"alertname", "X", "path", "/a?b=<c>"});
  RenderedEmail e = RenderIncidentEmail(Message(i));
  EXPECT_EQ(e.subject, "[CRITICAL] Incident #12: <script>alert(1)</script> & co");
  EXPECT_FALSE(Contains(e.html, "<script>")) << e.html;
  EXPECT_TRUE(Contains(e.html, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co")) << e.html;
  EXPECT_TRUE(Contains(e.html, "path=&#34;/a?b=&lt;c&gt;&#34;")) << e.html;
  EXPECT_TRUE(Contains(e.html, "<a href=\"https://osprey.example.com/ack/TOKEN.MAC\">")) << e.html;
  EXPECT_TRUE(Contains(e.text, "Acknowledge: https://osprey.example.com/ack/TOKEN.MAC\n"));
  EXPECT_TRUE(Contains(e.text, "- [firing] alertname=\"X\", path=\"/a?b=<c>\"\n")) << e.text;
}

bool HaveAiosmtpd() {
  struct stat st {};
  return stat("/usr/bin/python3", &st) == 0 &&
         stat("/usr/lib/python3/dist-packages/aiosmtpd/smtp.py", &st) == 0;
}

std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] != '.') out.push_back(dir + "/" + e->d_name);
  }
  closedir(d);
  return out;
}

TEST(ContactSenderTest, EmailIsDeliveredOverSmtp) {
  if (!HaveAiosmtpd()) {
    if (osprey::testing::RunningUnderCi()) FAIL() << "python3-aiosmtpd is required under CI";
    GTEST_SKIP() << "python3-aiosmtpd not installed";
  }
  osprey::testing::TempDir dir;
  const std::string maildir = dir.Join("mail");
  for (const char* sub : {"", "/tmp", "/new", "/cur"}) {
    ASSERT_EQ(mkdir((maildir + sub).c_str(), 0755), 0);
  }
  const int port = osprey::testing::FreeLocalPort();
  auto smtp = osprey::testing::ChildProcess::Start(
      {"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + std::to_string(port), "-c",
       "aiosmtpd.handlers.Mailbox", maildir},
      dir.Join("smtp.log"));
  ASSERT_TRUE(smtp.ok()) << smtp.status().ToString();
  ASSERT_TRUE(osprey::testing::WaitForPort(port)) << (*smtp)->Log();

  osprey::testing::FakeClock clock(kNow);
  ContactSenderOptions o;
  o.people = {{.name = "alice", .email = "alice@example.com"}};
  o.global.smtp_smarthost = "127.0.0.1:" + std::to_string(port);
  o.global.smtp_from = "osprey@example.com";
  o.global.smtp_require_tls = false;
  o.hostname = "osprey.test";
  ConfiguredContactSender sender(clock, o);
  Incident i = TestIncident();
  i.title = "<script>x</script>";
  std::vector<ContactResult> r = sender.Send(Message(i));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].method, "email");
  EXPECT_EQ(r[0].address, "alice@example.com");
  ASSERT_TRUE(r[0].status.ok()) << r[0].status.ToString() << "\n" << (*smtp)->Log();

  std::vector<std::string> files = ListDir(maildir + "/new");
  ASSERT_EQ(files.size(), 1u) << (*smtp)->Log();
  const std::string raw = osprey::testing::ReadFileOrEmpty(files[0]);
  EXPECT_TRUE(Contains(raw, "Subject: [CRITICAL] Incident #12: <script>x</script>")) << raw;
  EXPECT_TRUE(Contains(raw, "To: alice@example.com")) << raw;
  EXPECT_TRUE(Contains(raw, "From: osprey@example.com")) << raw;
  EXPECT_TRUE(Contains(raw, "Date: Tue, 14 Nov 2023 22:13:20 +0000")) << raw;
  const size_t html_at = raw.find("Content-Type: text/html");
  ASSERT_NE(html_at, std::string::npos) << raw;
  const std::string text = DecodeQp(raw.substr(0, html_at));
  const std::string html = DecodeQp(raw.substr(html_at));
  EXPECT_TRUE(Contains(text, "Acknowledge: https://osprey.example.com/ack/TOKEN.MAC")) << text;
  EXPECT_TRUE(Contains(text, "Severity:   critical")) << text;
  EXPECT_FALSE(Contains(html, "<script>")) << html;
  EXPECT_TRUE(Contains(html, "&lt;script&gt;x&lt;/script&gt;")) << html;
  EXPECT_TRUE(Contains(html, "href=\"https://osprey.example.com/ack/TOKEN.MAC\"")) << html;
  (*smtp)->Stop();
}

}  // namespace
}  // namespace osprey::incidents
