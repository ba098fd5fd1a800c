// Name resolution with a deadline: getaddrinfo cannot be cancelled, so it runs on a detached
// thread whose result is dropped when the caller has given up.
#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "agent/probe_runner.h"

namespace osprey::agent::internal {
namespace {

struct Lookup {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  int rc = 0;
  std::vector<std::string> addresses;
};

void RunLookup(const std::shared_ptr<Lookup>& lookup, const std::string& host, int family) {
  addrinfo hints = {};
  hints.ai_family = family;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &result);
  std::vector<std::string> addresses;
  for (addrinfo* ai = rc == 0 ? result : nullptr; ai != nullptr; ai = ai->ai_next) {
    char text[INET6_ADDRSTRLEN] = {0};
    const void* addr = nullptr;
    if (ai->ai_family == AF_INET) {
      addr = &reinterpret_cast<const sockaddr_in*>(ai->ai_addr)->sin_addr;
    } else if (ai->ai_family == AF_INET6) {
      addr = &reinterpret_cast<const sockaddr_in6*>(ai->ai_addr)->sin6_addr;
    }
    if (addr == nullptr || ::inet_ntop(ai->ai_family, addr, text, sizeof(text)) == nullptr) {
      continue;
    }
    if (std::find(addresses.begin(), addresses.end(), text) == addresses.end()) {
      addresses.emplace_back(text);
    }
  }
  if (result != nullptr) ::freeaddrinfo(result);
  std::lock_guard<std::mutex> lock(lookup->mu);
  lookup->rc = rc;
  lookup->addresses = std::move(addresses);
  lookup->done = true;
  lookup->cv.notify_all();
}

}  // namespace

Result<std::vector<std::string>> ResolveHost(const std::string& host, int family,
                                             std::chrono::milliseconds timeout) {
  auto lookup = std::make_shared<Lookup>();
  std::thread([lookup, host, family] { RunLookup(lookup, host, family); }).detach();
  std::unique_lock<std::mutex> lock(lookup->mu);
  if (!lookup->cv.wait_for(lock, timeout, [&] { return lookup->done; })) {
    return DeadlineExceededError("resolving " + host + ": timeout after " +
                                 std::to_string(timeout.count()) + "ms");
  }
  if (lookup->rc != 0) {
    return UnavailableError("resolving " + host + ": " + ::gai_strerror(lookup->rc));
  }
  if (lookup->addresses.empty()) return UnavailableError("resolving " + host + ": no addresses");
  return lookup->addresses;
}

}  // namespace osprey::agent::internal
