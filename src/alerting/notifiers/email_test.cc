// The email notifier against a real SMTP server (Python's aiosmtpd, driven by a small script
// that stores each message and its envelope), in plain, STARTTLS and AUTH setups.
#include "alerting/notifiers/email.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "alerting/notifiers/internal/notify_util.h"
#include "alerting/notifiers/notifiers.h"
#include "alerting/notifiers/notifiers_test_util.h"
#include "alerting/template_data.h"
#include "testing/child_process.h"
#include "testing/temp_dir.h"

namespace osprey::alerting::notifiers {
namespace {

using testing::Context;
using testing::Deps;
using testing::TwoAlerts;

constexpr std::string_view kSmtpServer = R"PY(
import asyncio, os, ssl, sys
from aiosmtpd.smtp import SMTP, AuthResult

port, out = int(sys.argv[1]), sys.argv[2]
opts = sys.argv[3:]
kwargs = {}
if "--tls" in opts:
    i = opts.index("--tls")
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(opts[i + 1], opts[i + 2])
    kwargs.update(tls_context=ctx, require_starttls=True)
if "--auth" in opts:
    i = opts.index("--auth")
    user, password = opts[i + 1].encode(), opts[i + 2].encode()
    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == user and auth_data.password == password
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)
    kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=False)

class Handler:
    count = 0
    async def handle_DATA(self, server, session, envelope):
        Handler.count += 1
        base = os.path.join(out, str(Handler.count))
        login = session.login_data.decode() if session.login_data else "-"
        with open(base + ".env", "w") as f:
            f.write("\n".join([envelope.mail_from, ",".join(envelope.rcpt_tos),
                               "tls" if session.ssl is not None else "plain", login]) + "\n")
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content)
        return "250 OK"

loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
handler = Handler()
server = loop.run_until_complete(
    loop.create_server(lambda: SMTP(handler, loop=loop, **kwargs), "127.0.0.1", port))
loop.run_forever()
)PY";

bool HaveAiosmtpd() {
  struct stat st {};
  return !osprey::testing::FindExecutable({"/usr/bin/python3"}).empty() &&
         stat("/usr/lib/python3/dist-packages/aiosmtpd/smtp.py", &st) == 0;
}

// Skips the test (fails it under CI) when aiosmtpd is missing.
#define OSPREY_REQUIRE_AIOSMTPD()                                                               \
  do {                                                                                          \
    if (!HaveAiosmtpd()) {                                                                      \
      if (osprey::testing::RunningUnderCi()) FAIL() << "python3-aiosmtpd is required under CI"; \
      GTEST_SKIP() << "python3-aiosmtpd not installed";                                         \
    }                                                                                           \
  } while (0)

// aiosmtpd on an ephemeral port; stopped by PID when destroyed.
class SmtpServer {
 public:
  // nullptr (after a test failure) when it cannot run. Requires: HaveAiosmtpd().
  static std::unique_ptr<SmtpServer> Start(const osprey::testing::TempDir& dir,
                                           std::vector<std::string> extra = {}) {
    const std::string python = "/usr/bin/python3";
    auto s = std::unique_ptr<SmtpServer>(new SmtpServer());
    s->port = osprey::testing::FreeLocalPort();
    s->out = dir.Join("mail");
    mkdir(s->out.c_str(), 0755);
    std::vector<std::string> argv = {python, dir.WriteFile("smtp_server.py", kSmtpServer),
                                     std::to_string(s->port), s->out};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto child = osprey::testing::ChildProcess::Start(argv, dir.Join("smtp.log"));
    if (!child.ok()) {
      ADD_FAILURE() << child.status().ToString();
      return nullptr;
    }
    s->process = std::move(child).value();
    if (!osprey::testing::WaitForPort(s->port)) {
      ADD_FAILURE() << "SMTP server did not start: " << s->process->Log();
      return nullptr;
    }
    return s;
  }
  std::string Message(int n) const {
    return osprey::testing::ReadFileOrEmpty(out + "/" + std::to_string(n) + ".eml");
  }
  std::string Envelope(int n) const {
    return osprey::testing::ReadFileOrEmpty(out + "/" + std::to_string(n) + ".env");
  }

  int port = 0;
  std::string out;
  std::unique_ptr<osprey::testing::ChildProcess> process;
};

config::EmailConfig BaseConfig(int port) {
  config::EmailConfig c;
  c.to = "oncall@example.org, \"Second\" <second@example.org>";
  c.from = "osprey@example.org";
  c.smarthost = std::string("127.0.0.1:").append(std::to_string(port));
  c.hello = "osprey.test";
  c.require_tls = false;
  c.headers = {{"Subject", R"({{ template "email.default.subject" . }})"},
               {"X-Team", "{{ .CommonLabels.job }}"}};
  c.text = R"({{ template "email.default.text" . }})";
  return c;
}

bool Contains(std::string_view h, std::string_view n) { return h.find(n) != std::string::npos; }

TEST(EmailTest, DeliversAMultipartMessageWithRenderedHeaders) {
  OSPREY_REQUIRE_AIOSMTPD();
  osprey::testing::TempDir dir;
  auto smtp = SmtpServer::Start(dir);
  if (smtp == nullptr) return;
  Deps deps;
  auto n = NewEmailNotifier(BaseConfig(smtp->port), deps.deps);
  NotifyResult r = n->Notify(Context(), TwoAlerts());
  ASSERT_TRUE(r.status.ok()) << r.status.ToString() << "\n" << smtp->process->Log();
  EXPECT_EQ(smtp->Envelope(1),
            "osprey@example.org\noncall@example.org,second@example.org\nplain\n-\n");
  const std::string m = smtp->Message(1);
  EXPECT_TRUE(Contains(m, "Subject: [FIRING:1] HighLatency (api)\r\n")) << m;
  EXPECT_TRUE(Contains(m, "To: oncall@example.org, \"Second\" <second@example.org>\r\n")) << m;
  EXPECT_TRUE(Contains(m, "From: osprey@example.org\r\n")) << m;
  EXPECT_TRUE(Contains(m, "X-Team: api\r\n")) << m;
  EXPECT_TRUE(Contains(m, "Date: Tue, 14 Nov 2023 22:15:00 +0000\r\n")) << m;
  EXPECT_TRUE(Contains(m, "@osprey.test>\r\n")) << m;
  EXPECT_TRUE(Contains(m, "Message-Id: <")) << m;
  EXPECT_TRUE(Contains(m, "MIME-Version: 1.0\r\n")) << m;
  EXPECT_TRUE(Contains(m, "Content-Type: multipart/alternative; boundary=osprey-")) << m;
  const size_t text = m.find("Content-Type: text/plain; charset=UTF-8");
  const size_t html = m.find("Content-Type: text/html; charset=UTF-8");
  ASSERT_NE(text, std::string::npos) << m;
  ASSERT_NE(html, std::string::npos) << m;
  EXPECT_LT(text, html) << "HTML, the preferred alternative, comes last";
  // Quoted-printable: "=" is =3D; the link back to Osprey is in both parts.
  EXPECT_TRUE(Contains(m.substr(text, html - text), "alerting?fingerprint=3D")) << m;
  EXPECT_TRUE(Contains(m.substr(html), "<!DOCTYPE html>")) << m;
  EXPECT_TRUE(Contains(m.substr(html), "Open in Osprey")) << m;
  EXPECT_TRUE(Contains(m.substr(html), "p99 &gt; 1s &lt;b&gt;")) << m;
}

TEST(EmailTest, StartTlsWhenRequired) {
  OSPREY_REQUIRE_AIOSMTPD();
  osprey::testing::TempDir dir;
  const std::string cert = dir.Join("cert.pem");
  const std::string key = dir.Join("key.pem");
  const std::string cmd = std::string("openssl req -x509 -newkey rsa:2048 -nodes -days 2 ")
                              .append("-subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 ")
                              .append("-keyout ")
                              .append(key)
                              .append(" -out ")
                              .append(cert)
                              .append(" >/dev/null 2>&1");
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  auto smtp = SmtpServer::Start(dir, {"--tls", cert, key});
  if (smtp == nullptr) return;
  Deps deps;
  config::EmailConfig c = BaseConfig(smtp->port);
  c.require_tls = true;
  c.tls_config.ca_file = cert;
  NotifyResult r = NewEmailNotifier(c, deps.deps)->Notify(Context(), TwoAlerts());
  ASSERT_TRUE(r.status.ok()) << r.status.ToString() << "\n" << smtp->process->Log();
  EXPECT_TRUE(Contains(smtp->Envelope(1), "\ntls\n")) << smtp->Envelope(1);

  // Without the CA the server's certificate is not trusted: a retryable failure.
  c.tls_config.ca_file.clear();
  r = NewEmailNotifier(c, deps.deps)->Notify(Context(), TwoAlerts());
  EXPECT_FALSE(r.status.ok());
  EXPECT_TRUE(r.retry);
}

TEST(EmailTest, RequireTlsFailsAgainstAServerWithoutStartTls) {
  OSPREY_REQUIRE_AIOSMTPD();
  osprey::testing::TempDir dir;
  auto smtp = SmtpServer::Start(dir);
  if (smtp == nullptr) return;
  Deps deps;
  config::EmailConfig c = BaseConfig(smtp->port);
  c.require_tls = true;
  NotifyResult r = NewEmailNotifier(c, deps.deps)->Notify(Context(), TwoAlerts());
  EXPECT_FALSE(r.status.ok());
  EXPECT_TRUE(Contains(r.status.message(), "127.0.0.1:")) << r.status.message();
  EXPECT_TRUE(smtp->Message(1).empty());
}

TEST(EmailTest, AuthenticatesWithUsernameAndPassword) {
  OSPREY_REQUIRE_AIOSMTPD();
  osprey::testing::TempDir dir;
  auto smtp = SmtpServer::Start(dir, {"--auth", "alice", "s3cret"});
  if (smtp == nullptr) return;
  Deps deps;
  config::EmailConfig c = BaseConfig(smtp->port);
  c.auth_username = "alice";
  c.auth_password_file = dir.WriteFile("pw", "s3cret\n");
  NotifyResult r = NewEmailNotifier(c, deps.deps)->Notify(Context(), TwoAlerts());
  ASSERT_TRUE(r.status.ok()) << r.status.ToString() << "\n" << smtp->process->Log();
  EXPECT_TRUE(Contains(smtp->Envelope(1), "\nalice\n")) << smtp->Envelope(1);

  c.auth_password_file.clear();
  c.auth_password = "wrong";
  r = NewEmailNotifier(c, deps.deps)->Notify(Context(), TwoAlerts());
  EXPECT_FALSE(r.status.ok());
  EXPECT_TRUE(smtp->Message(2).empty());
}

TEST(EmailMessageTest, RejectsBadAddressesWithoutRetry) {
  Deps deps;
  config::EmailConfig c = BaseConfig(1);
  c.from = "a@x.org, b@y.org";
  NotifyResult r = NewEmailNotifier(c, deps.deps)->Notify(Context(), TwoAlerts());
  EXPECT_FALSE(r.status.ok());
  EXPECT_FALSE(r.retry);
  EXPECT_TRUE(Contains(r.status.message(), "exactly one 'from' address (got: 2)"))
      << r.status.message();
}

TEST(EmailMessageTest, UserHeadersOverrideAndNonAsciiIsEncoded) {
  config::EmailConfig c = BaseConfig(1);
  c.headers["Subject"] = "Caf\xC3\xA9 down";
  c.headers["Message-Id"] = "<fixed@x>";
  c.html.clear();
  auto m = BuildEmailMessage(
      c, [](std::string_view t) { return std::string(t); }, 0, "h", 7);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_TRUE(Contains(m->data, "Subject: =?utf-8?b?Q2Fmw6kgZG93bg==?=\r\n")) << m->data;
  EXPECT_TRUE(Contains(m->data, "Message-Id: <fixed@x>\r\n")) << m->data;
  EXPECT_EQ(m->data.find("Message-Id: <0."), std::string::npos);
  EXPECT_EQ(m->data.find("text/html"), std::string::npos);
}

// Reverses quoted-printable (soft line breaks and =XX), to read the html part.
std::string DecodeQuotedPrintable(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '=' && i + 2 < s.size() && s[i + 1] == '\r' && s[i + 2] == '\n') {
      i += 2;
    } else if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
      out += '\n';  // a hard line break: CRLF for the template's LF
      ++i;
    } else if (s[i] == '=' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The html part of a message built the way the notifier builds it: plain fields, html body
// with html/template's escaping.
std::string HtmlPart(const config::EmailConfig& c, Deps& deps,
                     const std::vector<model::Alert>& alerts = TwoAlerts()) {
  internal::FieldRenderer render(deps.deps, "email",
                                 ToTemplateValue(MakeTemplateData(Context(), alerts)));
  auto m = BuildEmailMessage(
      c, [&](std::string_view t) { return render(t); },
      [&](std::string_view t) { return render.Html(t); }, testing::kNow, "h", 7);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  if (!m.ok()) return "";
  EXPECT_EQ(render.errors(), 0);
  const size_t start = m->data.find("\r\n\r\n", m->data.find("Content-Type: text/html"));
  const size_t end = m->data.find("\r\n--osprey-", start);
  if (start == std::string::npos || end == std::string::npos) return "";
  return DecodeQuotedPrintable(std::string_view(m->data).substr(start + 4, end - start - 4));
}

TEST(EmailHtmlTest, UserHtmlTemplatesAreEscapedLikeHtmlTemplate) {
  Deps deps(std::vector<std::pair<std::string, std::string>>{
      {"user.tmpl", R"({{ define "mine" }}<p>{{ .CommonAnnotations.summary }}</p>{{ end }})"}});
  config::EmailConfig c = BaseConfig(1);
  c.html = R"({{ .CommonLabels.job }} {{ .CommonAnnotations.summary }}|)"
           R"({{ .CommonAnnotations.summary | safeHtml }}|{{ .CommonAnnotations.summary | html }}|)"
           R"({{ template "mine" . }}|<a href="{{ .CommonLabels.link }}">x</a>)";
  std::vector<model::Alert> alerts = TwoAlerts();
  for (auto& a : alerts) {
    a.annotations = model::Labels::FromStrings({"summary", "<script>alert(1)</script>"});
    a.labels =
        model::Labels::FromStrings({"alertname", "X", "job", "a&b", "link", "javascript:alert(1)",
                                    "instance", std::string(a.labels.Get("instance"))});
  }
  EXPECT_EQ(HtmlPart(c, deps, alerts),
            "a&amp;b &lt;script&gt;alert(1)&lt;/script&gt;|<script>alert(1)</script>|"
            "&lt;script&gt;alert(1)&lt;/script&gt;|<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>|"
            "<a href=\"#ZgotmplZ\">x</a>");
}

TEST(EmailHtmlTest, OnlyTheHtmlBodyIsEscaped) {
  Deps deps;
  config::EmailConfig c = BaseConfig(1);
  c.headers["Subject"] = "{{ .CommonAnnotations.summary }}";
  c.text = "{{ .CommonAnnotations.summary }}";
  c.html.clear();
  internal::FieldRenderer render(deps.deps, "email",
                                 ToTemplateValue(MakeTemplateData(Context(), TwoAlerts())));
  auto m = BuildEmailMessage(
      c, [&](std::string_view t) { return render(t); },
      [&](std::string_view t) { return render.Html(t); }, testing::kNow, "h", 7);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_TRUE(Contains(m->data, "Subject: p99 > 1s <b>\r\n")) << m->data;
  EXPECT_TRUE(Contains(m->data, "\r\n\r\np99 > 1s <b>\r\n")) << m->data;
}

TEST(EmailHtmlTest, DefaultHtmlIsUnchangedByEscaping) {
  // Osprey's default html escapes by hand with `| html`, which html/template does not escape
  // twice: its output is the same with and without escaping.
  Deps deps;
  config::EmailConfig c = BaseConfig(1);
  ASSERT_EQ(c.html, R"({{ template "email.default.html" . }})");
  const std::string escaped = HtmlPart(c, deps);
  auto plain = deps.deps.templates->Render(
      c.html, ToTemplateValue(MakeTemplateData(Context(), TwoAlerts())));
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(escaped, *plain);
  EXPECT_TRUE(Contains(escaped, "<div style=\"margin:4px 0\">p99 &gt; 1s &lt;b&gt;</div>"))
      << escaped;
  EXPECT_TRUE(Contains(escaped, "Started 2023-11-14 22:13:20.123 +0000 UTC")) << escaped;
  EXPECT_TRUE(Contains(escaped, R"(<a href="http://osprey:9090/graph?g0.expr=x&amp;g0.tab=1">)"))
      << escaped;
  if (const char* path = std::getenv("OSPREY_EMAIL_HTML_OUT")) {  // to compare across changes
    FILE* f = std::fopen(path, "w");
    if (f != nullptr) {
      std::fwrite(escaped.data(), 1, escaped.size(), f);
      std::fclose(f);
    }
  }
}

}  // namespace
}  // namespace osprey::alerting::notifiers
