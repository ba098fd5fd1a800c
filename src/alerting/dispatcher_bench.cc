// Cost of feeding alerts to the Dispatcher: 10,000 alerts spread over 1,000 groups, and of
// one flush of every group (route match, group insert, copy, dedup against the nflog).
#include <benchmark/benchmark.h>

#include <cstdio>

#include "alerting/dispatcher.h"
#include "base/file_system.h"
#include "testing/fake_clock.h"

namespace osprey::alerting {
namespace {

class NullNotifier final : public Notifier {
 public:
  NotifyResult Notify(const NotifyContext&, std::span<const model::Alert>) override { return {}; }
  std::string_view integration() const override { return "webhook"; }
  bool send_resolved() const override { return true; }
};

std::string Name(const char* prefix, int i) {
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%s%d", prefix, i);
  return buf;
}

std::vector<model::Alert> MakeAlerts(int groups, int per_group, int64_t now) {
  std::vector<model::Alert> alerts;
  for (int g = 0; g < groups; ++g) {
    for (int i = 0; i < per_group; ++i) {
      alerts.push_back(model::Alert{.labels = model::Labels::FromStrings(
                                        {"alertname", Name("Alert", g), "instance",
                                         Name("host-", i), "job", "node", "severity", "warning"}),
                                    .starts_at = now,
                                    .updated_at = now});
    }
  }
  return alerts;
}

void BM_DispatcherAddAndFlush(benchmark::State& state) {
  const int groups = static_cast<int>(state.range(0));
  const int per_group = static_cast<int>(state.range(1));
  osprey::testing::FakeClock clock(1'700'000'000'000);
  PosixFileSystem fs;
  const std::vector<model::Alert> alerts = MakeAlerts(groups, per_group, clock.NowMillis());
  const config::RouteConfig route{.receiver = "receiver", .group_by = {"alertname"}};
  for (auto _ : state) {
    auto nflog = Nflog::Open({}, fs, clock, nullptr);
    std::vector<PipelineReceiver> receivers;
    receivers.push_back(PipelineReceiver{.name = route.receiver});
    receivers[0].integrations.push_back(std::make_unique<NullNotifier>());
    Dispatcher d(Route::Build(route),
                 std::make_unique<Pipeline>(std::move(receivers),
                                            Pipeline::Deps{.nflog = nflog.get()}, clock),
                 clock, nullptr, nullptr, {.workers = 2});
    for (const model::Alert& a : alerts) d.Add(a);
    clock.Advance(30'000);
    d.WaitIdleForTest();
    d.Stop();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(alerts.size()));
}
BENCHMARK(BM_DispatcherAddAndFlush)
    ->Args({1000, 10})
    ->Args({10, 1000})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace osprey::alerting
