// Email over SMTP with libcurl's SMTP support: smtps:// for port 465 (implicit TLS), else
// smtp:// with STARTTLS required when require_tls is set; AUTH (PLAIN, LOGIN, CRAM-MD5, ...:
// libcurl picks from what the server offers) when a username is configured.
#include "alerting/notifiers/email.h"

#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <random>

#include "alerting/notifiers/internal/notify_util.h"
#include "alerting/notifiers/mime.h"
#include "alerting/notifiers/notifiers.h"
#include "alerting/template_data.h"
#include "http/request.h"

namespace osprey::alerting::notifiers {
namespace {

std::string Boundary(uint64_t random) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "osprey-%016llx", static_cast<unsigned long long>(random));
  return buf;
}

bool HasHeader(const std::map<std::string, std::string>& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& kv) { return http::EqualsIgnoreCase(kv.first, name); });
}

}  // namespace

Result<EmailMessage> BuildEmailMessage(const config::EmailConfig& c, const RenderFunc& render,
                                       int64_t now_ms, std::string_view hostname, uint64_t random) {
  return BuildEmailMessage(c, render, render, now_ms, hostname, random);
}

Result<EmailMessage> BuildEmailMessage(const config::EmailConfig& c, const RenderFunc& render,
                                       const RenderFunc& render_html, int64_t now_ms,
                                       std::string_view hostname, uint64_t random) {
  EmailMessage m;
  const std::string from = render(c.from);
  OSPREY_ASSIGN_OR_RETURN(std::vector<std::string> from_addrs, ParseAddressList(from));
  if (from_addrs.size() != 1) {
    return InvalidArgumentError(std::string("email: must be exactly one 'from' address (got: ")
                                    .append(std::to_string(from_addrs.size()))
                                    .append(")"));
  }
  m.envelope_from = from_addrs[0];
  OSPREY_ASSIGN_OR_RETURN(m.recipients, ParseAddressList(render(c.to)));

  std::string& d = m.data;
  std::map<std::string, std::string> headers = c.headers;
  if (!HasHeader(headers, "To")) headers["To"] = c.to;
  if (!HasHeader(headers, "From")) headers["From"] = c.from;
  for (const auto& [name, value] : headers) {
    d += name;
    d += ": ";
    d += EncodeHeaderValue(render(value));
    d += "\r\n";
  }
  if (!HasHeader(headers, "Message-Id")) {
    char id[64];
    std::snprintf(id, sizeof(id), "<%lld.%llu@", static_cast<long long>(now_ms) * 1000000,
                  static_cast<unsigned long long>(random));
    d += "Message-Id: ";
    d += id;
    d += hostname;
    d += ">\r\n";
  }
  const std::string boundary = Boundary(random);
  if (!HasHeader(headers, "Date")) {
    d += "Date: ";
    d += Rfc1123Date(now_ms);
    d += "\r\n";
  }
  d += "Content-Type: multipart/alternative; boundary=";
  d += boundary;
  d += "\r\nMIME-Version: 1.0\r\n\r\n";
  auto part = [&](std::string_view type, const RenderFunc& expand, const std::string& text) {
    d += "--";
    d += boundary;
    d += "\r\nContent-Transfer-Encoding: quoted-printable\r\nContent-Type: ";
    d += type;
    d += "; charset=UTF-8\r\n\r\n";
    d += QuotedPrintable(expand(text));
    d += "\r\n";
  };
  // The preferred alternative goes last (RFC 2046 section 5.1.4): HTML after text.
  if (!c.text.empty()) part("text/plain", render, c.text);
  if (!c.html.empty()) part("text/html", render_html, c.html);
  d += "--";
  d += boundary;
  d += "--\r\n";
  return m;
}

namespace {

struct UploadState {
  std::string_view data;
  size_t offset = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* s = static_cast<UploadState*>(userdata);
  const size_t n = std::min(size * nitems, s->data.size() - s->offset);
  std::memcpy(buffer, s->data.data() + s->offset, n);
  s->offset += n;
  return n;
}

std::string HostName() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof(buf) - 1) != 0 || buf[0] == 0) return "localhost";
  return buf;
}

class EmailNotifier final : public Notifier {
 public:
  EmailNotifier(config::EmailConfig c, const NotifierDeps& deps)
      : config_(std::move(c)),
        deps_(deps),
        hostname_(deps.hostname.empty() ? HostName() : deps.hostname) {}

  NotifyResult Notify(const NotifyContext& ctx, std::span<const model::Alert> alerts) override {
    internal::FieldRenderer render(deps_, integration(),
                                   ToTemplateValue(MakeTemplateData(ctx, alerts)));
    std::random_device rd;
    const uint64_t random = (static_cast<uint64_t>(rd()) << 32) ^ rd();
    // As Alertmanager: the html body with html/template's escaping, every other field plain.
    Result<EmailMessage> m = BuildEmailMessage(
        config_, [&](std::string_view t) { return render(t); },
        [&](std::string_view t) { return render.Html(t); }, ctx.now, hostname_, random);
    if (!m.ok()) return {m.status(), false};
    return SendEmail(config_, *m, deps_.timeout);
  }
  std::string_view integration() const override { return "email"; }
  bool send_resolved() const override { return config_.send_resolved; }

 private:
  const config::EmailConfig config_;
  const NotifierDeps deps_;
  const std::string hostname_;
};

}  // namespace

NotifyResult SendEmail(const config::EmailConfig& c, const EmailMessage& m,
                       std::chrono::milliseconds timeout) {
  Result<std::string> password = internal::ReadSecret(c.auth_password, c.auth_password_file);
  if (!password.ok()) return {password.status().Annotate("email"), true};
  const bool implicit_tls = c.smarthost.ends_with(":465");
  std::string url = implicit_tls ? "smtps://" : "smtp://";
  url += c.smarthost;
  url += '/';
  url += c.hello.empty() ? "localhost" : c.hello;  // the EHLO name

  CURL* curl = curl_easy_init();
  if (curl == nullptr) return {InternalError("email: curl_easy_init failed"), true};
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_slist* rcpts = nullptr;
  for (const std::string& r : m.recipients) {
    rcpts = curl_slist_append(rcpts, std::string("<").append(r).append(">").c_str());
  }
  const std::string mail_from = std::string("<").append(m.envelope_from).append(">");
  UploadState upload{m.data, 0};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpts);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_INFILESIZE, static_cast<long>(m.data.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  if (!implicit_tls) {
    curl_easy_setopt(
        curl, CURLOPT_USE_SSL,
        c.require_tls ? static_cast<long>(CURLUSESSL_ALL) : static_cast<long>(CURLUSESSL_NONE));
  }
  const config::TlsConfig& tls = c.tls_config;
  if (!tls.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, tls.ca_file.c_str());
  if (!tls.cert_file.empty()) curl_easy_setopt(curl, CURLOPT_SSLCERT, tls.cert_file.c_str());
  if (!tls.key_file.empty()) curl_easy_setopt(curl, CURLOPT_SSLKEY, tls.key_file.c_str());
  if (tls.insecure_skip_verify) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!c.auth_username.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, c.auth_username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, password->c_str());
    if (!c.auth_identity.empty()) {
      curl_easy_setopt(curl, CURLOPT_SASL_AUTHZID, c.auth_identity.c_str());
    }
  }
  const CURLcode rc = curl_easy_perform(curl);
  long smtp_code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &smtp_code);
  curl_slist_free_all(rcpts);
  curl_easy_cleanup(curl);
  if (rc == CURLE_OK) return {};
  std::string msg = "email: sending to ";
  msg += c.smarthost;
  msg += " failed: ";
  msg += errbuf[0] != 0 ? errbuf : curl_easy_strerror(rc);
  if (smtp_code != 0) {
    msg += " (last SMTP reply ";
    msg += std::to_string(smtp_code);
    msg += ")";
  }
  // A permanent SMTP rejection (5xx) or a malformed URL will fail again; the rest (network,
  // TLS, 4xx) may pass later.
  const bool retry = rc != CURLE_URL_MALFORMAT && !(smtp_code >= 500 && smtp_code < 600);
  return {UnavailableError(std::move(msg)), retry};
}

std::string LocalHostName() { return HostName(); }

std::unique_ptr<Notifier> NewEmailNotifier(const config::EmailConfig& c, const NotifierDeps& deps) {
  return std::make_unique<EmailNotifier>(c, deps);
}

}  // namespace osprey::alerting::notifiers
