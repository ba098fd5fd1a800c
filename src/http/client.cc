#include "http/client.h"

#include <curl/curl.h>
#include <strings.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <thread>

namespace osprey::http {
namespace {

// One transfer's state, owned by whoever drives it; libcurl callbacks write into it.
struct Transfer {
  ClientRequest request;
  ClientResponse response;
  bool too_big = false;
  curl_slist* header_list = nullptr;
  char error[CURL_ERROR_SIZE] = {0};
  AsyncHttpClient::Callback done;

  ~Transfer() { curl_slist_free_all(header_list); }
};

size_t WriteBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t bytes = size * n;
  if (t->request.max_body_bytes > 0 &&
      static_cast<int64_t>(t->response.body.size() + bytes) > t->request.max_body_bytes) {
    t->too_big = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  t->response.body.append(data, bytes);
  return bytes;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

size_t WriteHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {
    t->response.headers.clear();  // a new response (after a redirect or 100-continue)
    return size * n;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * n;
  std::string name(Trim(line.substr(0, colon)));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  t->response.headers.emplace_back(std::move(name), std::string(Trim(line.substr(colon + 1))));
  return size * n;
}

long TlsVersionOption(std::string_view v) {
  if (v == "1.0") return CURL_SSLVERSION_TLSv1_0;
  if (v == "1.1") return CURL_SSLVERSION_TLSv1_1;
  if (v == "1.2") return CURL_SSLVERSION_TLSv1_2;
  if (v == "1.3") return CURL_SSLVERSION_TLSv1_3;
  return CURL_SSLVERSION_DEFAULT;
}

// Sets every option of `easy` for one request. `easy` was freshly created or reset.
void Configure(CURL* easy, const ClientOptions& o, Transfer& t) {
  const ClientRequest& r = t.request;
  curl_easy_setopt(easy, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, o.follow_redirects ? 1L : 0L);
  curl_easy_setopt(easy, CURLOPT_MAXREDIRS, static_cast<long>(o.max_redirects));
  // Environment proxies are not used, as in Prometheus without proxy_from_environment.
  curl_easy_setopt(easy, CURLOPT_PROXY, "");
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout.count()));
  curl_easy_setopt(easy, CURLOPT_USERAGENT, o.user_agent.c_str());
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, r.accept_gzip ? "gzip" : nullptr);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &WriteBody);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &WriteHeader);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, t.error);
  curl_easy_setopt(easy, CURLOPT_PRIVATE, &t);
  if (r.want_cert_info) {
    curl_easy_setopt(easy, CURLOPT_CERTINFO, 1L);
    curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, 1L);
  }

  if (r.method == "GET") {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  } else if (r.method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, r.body.data());
    if (r.method != "POST") curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  }

  if (!o.tls.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, o.tls.ca_file.c_str());
  if (!o.tls.cert_file.empty()) {
    curl_easy_setopt(easy, CURLOPT_SSLCERT, o.tls.cert_file.c_str());
    curl_easy_setopt(easy, CURLOPT_SSLKEY, o.tls.key_file.c_str());
  }
  if (o.tls.insecure_skip_verify) {
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!o.tls.min_version.empty()) {
    curl_easy_setopt(easy, CURLOPT_SSLVERSION, TlsVersionOption(o.tls.min_version));
  }
  if (o.basic_auth) {
    curl_easy_setopt(easy, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    curl_easy_setopt(easy, CURLOPT_USERNAME, o.username.c_str());
    curl_easy_setopt(easy, CURLOPT_PASSWORD, o.password.c_str());
  }
  if (!o.authorization.empty()) {
    t.header_list = curl_slist_append(t.header_list, ("Authorization: " + o.authorization).c_str());
  }
  for (const auto& [name, value] : r.headers) {
    std::string line = name;
    line += ": ";
    line += value;
    t.header_list = curl_slist_append(t.header_list, line.c_str());
  }
  // libcurl adds "Expect: 100-continue" to large POSTs; receivers do not need the round trip.
  if (r.method != "GET" && r.method != "HEAD") {
    t.header_list = curl_slist_append(t.header_list, "Expect:");
  }
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, t.header_list);
}

// OpenSSL's ASN1_TIME_print form, "Dec 21 21:38:52 2026 GMT", as Unix seconds; 0 if not that.
int64_t ParseCertTime(std::string_view s) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() < 20) return 0;
  struct tm tm = {};
  tm.tm_mon = -1;
  for (int i = 0; i < 12; ++i) {
    if (s.substr(0, 3) == kMonths[i]) tm.tm_mon = i;
  }
  if (tm.tm_mon < 0) return 0;
  int day = 0, hour = 0, minute = 0, second = 0, year = 0;
  const std::string text(s.substr(3));
  if (std::sscanf(text.c_str(), "%d %d:%d:%d %d", &day, &hour, &minute, &second, &year) != 5) {
    return 0;
  }
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  tm.tm_year = year - 1900;
  return static_cast<int64_t>(timegm(&tm));
}

// The earliest "Expire date" of the chain libcurl collected, or 0.
int64_t EarliestCertExpiry(CURL* easy) {
  curl_certinfo* info = nullptr;
  if (curl_easy_getinfo(easy, CURLINFO_CERTINFO, &info) != CURLE_OK || info == nullptr) return 0;
  int64_t earliest = 0;
  for (int i = 0; i < info->num_of_certs; ++i) {
    for (curl_slist* item = info->certinfo[i]; item != nullptr; item = item->next) {
      std::string_view line(item->data);
      constexpr std::string_view kKey = "Expire date:";
      if (!line.starts_with(kKey)) continue;
      const int64_t t = ParseCertTime(Trim(line.substr(kKey.size())));
      if (t != 0 && (earliest == 0 || t < earliest)) earliest = t;
    }
  }
  return earliest;
}

void FillTransferInfo(CURL* easy, const ClientRequest& r, ClientResponse& response) {
  curl_off_t resolve = 0, connect = 0, app = 0, pre = 0, start = 0, total = 0;
  curl_easy_getinfo(easy, CURLINFO_NAMELOOKUP_TIME_T, &resolve);
  curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connect);
  curl_easy_getinfo(easy, CURLINFO_APPCONNECT_TIME_T, &app);
  curl_easy_getinfo(easy, CURLINFO_PRETRANSFER_TIME_T, &pre);
  curl_easy_getinfo(easy, CURLINFO_STARTTRANSFER_TIME_T, &start);
  curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &total);
  auto seconds = [](curl_off_t us) { return us > 0 ? static_cast<double>(us) / 1e6 : 0.0; };
  ClientTimings& t = response.timings;
  t.resolve = seconds(resolve);
  t.connect = seconds(connect - resolve);
  t.tls = app > 0 ? seconds(app - connect) : 0;
  t.processing = seconds(start - std::max(pre, std::max(app, connect)));
  t.transfer = seconds(total - start);
  t.total = seconds(total);
  long redirects = 0;
  curl_easy_getinfo(easy, CURLINFO_REDIRECT_COUNT, &redirects);
  response.redirects = static_cast<int>(redirects);
  curl_off_t length = -1;
  curl_easy_getinfo(easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
  response.content_length = static_cast<int64_t>(length);
  char* scheme = nullptr;
  curl_easy_getinfo(easy, CURLINFO_SCHEME, &scheme);
  response.tls = scheme != nullptr && strcasecmp(scheme, "https") == 0;
  if (r.want_cert_info) response.cert_not_after = EarliestCertExpiry(easy);
}

// Turns a finished transfer into its outcome.
Result<ClientResponse> Finish(CURL* easy, CURLcode code, Transfer& t) {
  const std::string& url = t.request.url;
  if (code == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    t.response.status = static_cast<int>(status);
    char* content_type = nullptr;
    curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &content_type);
    if (content_type != nullptr) t.response.content_type = content_type;
    FillTransferInfo(easy, t.request, t.response);
    return std::move(t.response);
  }
  std::string reason = t.error[0] != '\0' ? std::string(t.error) : curl_easy_strerror(code);
  if (t.too_big) {
    return ResourceExhaustedError(url + ": body size limit of " +
                                  std::to_string(t.request.max_body_bytes) + " bytes exceeded");
  }
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return DeadlineExceededError(url + ": timeout after " +
                                   std::to_string(t.request.timeout.count()) + "ms: " + reason);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CIPHER:
    case CURLE_BAD_FUNCTION_ARGUMENT:
      return InvalidArgumentError(url + ": " + reason);
    default:
      return UnavailableError(url + ": " + reason);
  }
}

}  // namespace

std::string_view ClientResponse::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return {};
}

HttpClient::HttpClient(ClientOptions options) : options_(std::move(options)) {}

HttpClient::~HttpClient() {
  if (easy_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(easy_));
}

Result<ClientResponse> HttpClient::Do(const ClientRequest& request) {
  if (easy_ == nullptr) {
    easy_ = curl_easy_init();
    if (easy_ == nullptr) return InternalError("curl_easy_init failed");
  } else {
    curl_easy_reset(static_cast<CURL*>(easy_));  // keeps live connections and caches
  }
  CURL* easy = static_cast<CURL*>(easy_);
  Transfer t;
  t.request = request;
  Configure(easy, options_, t);
  const CURLcode code = curl_easy_perform(easy);
  return Finish(easy, code, t);
}

struct AsyncHttpClient::State {
  struct Job {
    ClientOptions options;
    std::unique_ptr<Transfer> transfer;
  };

  CURLM* multi = nullptr;
  std::mutex mu;
  std::vector<Job> pending;  // guarded by mu
  bool stop = false;         // guarded by mu
  std::atomic<int> in_flight{0};
  std::thread thread;

  // Owned by the thread: transfers added to `multi`, with their options alive.
  std::vector<std::pair<CURL*, Job>> running;
  std::vector<CURL*> idle;  // reset easy handles for reuse

  void Run() {
    for (;;) {
      std::vector<Job> jobs;
      {
        std::lock_guard lock(mu);
        if (stop) break;
        jobs.swap(pending);
      }
      for (Job& job : jobs) {
        CURL* easy = nullptr;
        if (!idle.empty()) {
          easy = idle.back();
          idle.pop_back();
        } else {
          easy = curl_easy_init();
        }
        running.emplace_back(easy, std::move(job));
        Configure(easy, running.back().second.options, *running.back().second.transfer);
        curl_multi_add_handle(multi, easy);
      }
      int still_running = 0;
      curl_multi_perform(multi, &still_running);
      int queued = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
        if (msg->msg != CURLMSG_DONE) continue;
        CURL* easy = msg->easy_handle;
        const CURLcode code = msg->data.result;
        curl_multi_remove_handle(multi, easy);
        auto it = std::find_if(running.begin(), running.end(),
                               [easy](const auto& r) { return r.first == easy; });
        Job job = std::move(it->second);
        running.erase(it);
        Result<ClientResponse> outcome = Finish(easy, code, *job.transfer);
        curl_easy_reset(easy);
        idle.push_back(easy);
        in_flight.fetch_sub(1, std::memory_order_relaxed);
        job.transfer->done(std::move(outcome));
      }
      curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
    }
    // Stopping: cancel what is left.
    for (auto& [easy, job] : running) {
      curl_multi_remove_handle(multi, easy);
      curl_easy_cleanup(easy);
      job.transfer->done(CancelledError(job.transfer->request.url + ": client shut down"));
    }
    running.clear();
    std::vector<Job> jobs;
    {
      std::lock_guard lock(mu);
      jobs.swap(pending);
    }
    for (Job& job : jobs) {
      job.transfer->done(CancelledError(job.transfer->request.url + ": client shut down"));
    }
    for (CURL* easy : idle) curl_easy_cleanup(easy);
    idle.clear();
  }
};

AsyncHttpClient::AsyncHttpClient() : state_(std::make_unique<State>()) {
  state_->multi = curl_multi_init();
  state_->thread = std::thread([s = state_.get()] { s->Run(); });
}

AsyncHttpClient::~AsyncHttpClient() {
  {
    std::lock_guard lock(state_->mu);
    state_->stop = true;
  }
  curl_multi_wakeup(state_->multi);
  state_->thread.join();
  curl_multi_cleanup(state_->multi);
}

void AsyncHttpClient::Start(const ClientOptions& options, ClientRequest request, Callback done) {
  auto transfer = std::make_unique<Transfer>();
  transfer->request = std::move(request);
  transfer->done = std::move(done);
  state_->in_flight.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard lock(state_->mu);
    if (!state_->stop) {
      state_->pending.push_back(State::Job{options, std::move(transfer)});
      transfer = nullptr;
    }
  }
  if (transfer != nullptr) {
    state_->in_flight.fetch_sub(1, std::memory_order_relaxed);
    transfer->done(CancelledError(transfer->request.url + ": client shut down"));
    return;
  }
  curl_multi_wakeup(state_->multi);
}

int AsyncHttpClient::InFlight() const { return state_->in_flight.load(std::memory_order_relaxed); }

}  // namespace osprey::http
