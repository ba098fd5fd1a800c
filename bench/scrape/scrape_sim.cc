// A fleet of simulated node_exporter-like scrape targets behind one listener, for the scrape
// benchmark (run.sh, README.md). It listens on one port of every interface, so 1,000 distinct
// targets are 127.0.X.Y:<port> (all of 127/8 is loopback); each scrape of /metrics returns
// --series series in the text format. Counters grow between scrapes and gauges move, so the
// scraper stores new values every time; values depend on the Host header, so targets differ.
//
//   scrape_sim --listen=0.0.0.0:0 --series=1000 --threads=2
//   -> prints "listening on port N" on stdout, serves until SIGINT or SIGTERM.
//
// The body is cheap to build: the text of each series is precomputed once, and a scrape only
// appends the values (one std::to_chars each) between the fixed pieces.
#include <signal.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/logger.h"
#include "http/router.h"
#include "http/server.h"
#include "metrics/registry.h"

namespace {

using osprey::http::Request;
using osprey::http::Response;

std::string Cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) out.append(p);
  return out;
}

struct Slot {
  size_t text_end;  // the template text before this value ends here
  bool counter;
  double base;
  double rate;   // counters: growth per second; gauges: amplitude
  double phase;  // gauges
};

// The exposition text with holes for values: Render fills them.
class BodyTemplate {
 public:
  explicit BodyTemplate(int series) {
    // node_exporter-like families first, then generic ones until `series` are defined.
    static const char* kModes[] = {"idle",    "iowait", "irq",    "nice",
                                   "softirq", "steal",  "system", "user"};
    Family("node_cpu_seconds_total", "Seconds the CPUs spent in each mode.", true);
    for (int cpu = 0; cpu < 2 && count_ < series; ++cpu) {
      for (const char* mode : kModes) {
        if (count_ >= series) break;
        Series(
            Cat({"node_cpu_seconds_total{cpu=\"", std::to_string(cpu), "\",mode=\"", mode, "\"}"}),
            true);
      }
    }
    static const char* kMemory[] = {"MemTotal",    "MemFree",    "MemAvailable", "Buffers",
                                    "Cached",      "SwapCached", "Active",       "Inactive",
                                    "Dirty",       "Writeback",  "AnonPages",    "Mapped",
                                    "Shmem",       "Slab",       "SReclaimable", "SUnreclaim",
                                    "KernelStack", "PageTables", "Committed_AS", "VmallocUsed"};
    for (const char* m : kMemory) {
      if (count_ >= series) break;
      std::string name = std::string("node_memory_").append(m).append("_bytes");
      Family(name, "Memory information field.", false);
      Series(name, false);
    }
    static const char* kDevices[] = {"eth0", "eth1", "eth2", "eth3", "lo"};
    for (const char* dir : {"receive", "transmit"}) {
      for (const char* what : {"bytes", "packets", "errs", "drop"}) {
        if (count_ >= series) break;
        std::string name = std::string("node_network_").append(dir).append("_");
        name.append(what).append("_total");
        Family(name, "Network device statistic.", true);
        for (const char* dev : kDevices) {
          if (count_ >= series) break;
          Series(Cat({name, "{device=\"", dev, "\"}"}), true);
        }
      }
    }
    static const char* kFs[][3] = {{"/dev/sda1", "ext4", "/"},
                                   {"/dev/sda2", "ext4", "/home"},
                                   {"/dev/sdb1", "xfs", "/var/lib/data"},
                                   {"tmpfs", "tmpfs", "/run"},
                                   {"tmpfs", "tmpfs", "/dev/shm"}};
    for (const char* what : {"size", "free", "avail"}) {
      if (count_ >= series) break;
      std::string name = std::string("node_filesystem_").append(what).append("_bytes");
      Family(name, "Filesystem space in bytes.", false);
      for (const auto& fs : kFs) {
        if (count_ >= series) break;
        Series(Cat({name, "{device=\"", fs[0], "\",fstype=\"", fs[1], "\",mountpoint=\"", fs[2],
                    "\"}"}),
               false);
      }
    }
    for (int f = 0; count_ < series; ++f) {
      const bool counter = f % 2 == 0;
      std::string name = Cat({"node_sim_metric_", std::to_string(f), counter ? "_total" : ""});
      Family(name, "Simulated metric.", counter);
      for (int i = 0; i < 20 && count_ < series; ++i) {
        Series(Cat({name, "{collector=\"c", std::to_string(f % 7), "\",index=\"", std::to_string(i),
                    "\"}"}),
               counter);
      }
    }
  }

  // The body for one scrape at `t` seconds (since the simulator started) of the target
  // identified by `seed`.
  std::string Render(double t, uint64_t seed) const {
    std::string out;
    out.reserve(text_.size() + slots_.size() * 24);
    const double offset = static_cast<double>(seed % 100000);
    size_t pos = 0;
    char buf[64];
    for (const Slot& s : slots_) {
      out.append(text_, pos, s.text_end - pos);
      pos = s.text_end;
      const double v = s.counter ? s.base + offset + s.rate * t
                                 : s.base + s.rate * std::sin(t / 60.0 + s.phase + offset);
      auto r = std::to_chars(buf, buf + sizeof(buf), v);
      out.append(buf, r.ptr);
    }
    out.append(text_, pos, std::string::npos);
    return out;
  }

  int count() const { return count_; }

 private:
  void Family(const std::string& name, const char* help, bool counter) {
    text_.append("# HELP ").append(name).append(" ").append(help).append("\n");
    text_.append("# TYPE ").append(name).append(counter ? " counter\n" : " gauge\n");
  }
  void Series(const std::string& series, bool counter) {
    // Deterministic, varied parameters per series.
    const double k = static_cast<double>(count_);
    text_.append(series).append(" ");
    slots_.push_back({.text_end = text_.size(),
                      .counter = counter,
                      .base = counter ? std::fmod(k * 7919.0, 1e6) : 1000.0 + k,
                      .rate = counter ? 0.01 + std::fmod(k * 0.37, 50.0) : 10.0 + std::fmod(k, 90),
                      .phase = k});
    text_ += '\n';
    // The '\n' follows the value: the next piece of text starts with it.
    slots_.back().text_end = text_.size() - 1;
    ++count_;
  }

  std::string text_;
  std::vector<Slot> slots_;
  int count_ = 0;
};

std::string_view Flag(int argc, char** argv, std::string_view name, std::string_view def) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a.size() > name.size() + 3 && a.substr(0, 2) == "--" && a.substr(2, name.size()) == name &&
        a[2 + name.size()] == '=') {
      return a.substr(3 + name.size());
    }
  }
  return def;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string listen(Flag(argc, argv, "listen", "0.0.0.0:0"));
  const int series = std::atoi(std::string(Flag(argc, argv, "series", "1000")).c_str());
  const int threads = std::atoi(std::string(Flag(argc, argv, "threads", "2")).c_str());
  const bool gzip = Flag(argc, argv, "gzip", "true") != "false";
  if (series <= 0 || threads <= 0) {
    std::fprintf(stderr,
                 "usage: scrape_sim [--listen=0.0.0.0:0] [--series=1000] [--threads=2] "
                 "[--gzip=true|false]\n");
    return 2;
  }

  // Block the stop signals in every thread (the pool inherits the mask); main waits for them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  const BodyTemplate body(series);
  const auto start = std::chrono::steady_clock::now();
  osprey::http::Router router;
  router.Handle("GET", "/metrics", [&body, start](const Request& req) {
    const double t =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const uint64_t seed = std::hash<std::string_view>()(req.Header("Host").value_or(""));
    return Response::Text(body.Render(t, seed), 200, "text/plain; version=0.0.4; charset=utf-8");
  });
  router.Handle("GET", "/", [](const Request&) {
    return Response::Text("scrape_sim: node_exporter-like targets on /metrics\n");
  });

  osprey::metrics::Registry registry;
  osprey::http::ServerOptions options;
  options.listen_address = listen;
  options.threads = threads;
  options.max_connections = 20000;
  if (!gzip) options.gzip_min_bytes = SIZE_MAX;
  auto server = osprey::http::Server::Start(
      std::move(options), router, registry,
      osprey::Logger::Stderr(osprey::LogLevel::kWarn, osprey::LogFormat::kLogfmt));
  if (!server.ok()) {
    std::fprintf(stderr, "scrape_sim: %s\n", server.status().ToString().c_str());
    return 1;
  }
  std::printf("listening on port %d with %d series per target\n", (*server)->port(), body.count());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&stop, &sig);
  (*server)->Shutdown(std::chrono::seconds(1));
  return 0;
}
