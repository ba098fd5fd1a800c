#include "alerting/pipeline.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "alerting/internal/dispatch_fakes.h"
#include "alerting/time_interval.h"
#include "metrics/registry.h"
#include "testing/fake_clock.h"
#include "testing/mem_file_system.h"

namespace osprey::alerting {
namespace {

using internal::FakeMuter;
using internal::FakeNotifier;
using model::Labels;

constexpr int64_t kStart = 1'700'000'000'000;
constexpr int64_t kMinute = 60'000;

model::Alert Firing(std::string_view name, int64_t starts_at = kStart) {
  return model::Alert{.labels = Labels::FromStrings({"alertname", name}),
                      .starts_at = starts_at,
                      .updated_at = starts_at};
}

model::Alert Resolved(std::string_view name, int64_t ends_at) {
  model::Alert a = Firing(name);
  a.ends_at = ends_at;
  a.updated_at = ends_at;
  return a;
}

// Records what the pipeline tells its observer.
class RecordingObserver final : public FlushObserver {
 public:
  struct Flush {
    std::string group_key;
    std::vector<std::string> alertnames;
  };
  struct Notified {
    std::string receiver;
    std::string integration;
    int index;
    int firing;
    int resolved;
    bool ok;
  };
  void OnFlush(const FlushRequest& flush, std::span<const model::Alert> alerts) override
      OSPREY_EXCLUDES(mu_) {
    Flush f{flush.group_key, {}};
    for (const model::Alert& a : alerts) f.alertnames.emplace_back(a.labels.Get("alertname"));
    MutexLock lock(mu_);
    flushes_.push_back(std::move(f));
  }
  void OnNotified(const FlushRequest& flush, std::string_view integration, int index, int firing,
                  int resolved, const Status& status) override OSPREY_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    notified_.push_back(
        Notified{flush.receiver, std::string(integration), index, firing, resolved, status.ok()});
  }
  std::vector<Flush> flushes() const OSPREY_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    return flushes_;
  }
  std::vector<Notified> notified() const OSPREY_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    return notified_;
  }

 private:
  mutable Mutex mu_;
  std::vector<Flush> flushes_ OSPREY_GUARDED_BY(mu_);
  std::vector<Notified> notified_ OSPREY_GUARDED_BY(mu_);
};

class PipelineTest : public ::testing::Test {
 protected:
  PipelineTest()
      : clock_(kStart), nflog_(Nflog::Open({}, fs_, clock_, nullptr)), scheduler_(clock_, {}) {}
  ~PipelineTest() override { scheduler_.Stop(); }

  // Builds the pipeline with one receiver "r" holding `notifiers`.
  void Build(std::vector<std::unique_ptr<Notifier>> notifiers,
             InTimeIntervalFunc intervals = nullptr) {
    std::vector<PipelineReceiver> receivers;
    receivers.push_back(PipelineReceiver{"r", std::move(notifiers)});
    pipeline_ = std::make_unique<Pipeline>(std::move(receivers),
                                           Pipeline::Deps{.nflog = nflog_.get(),
                                                          .inhibitor = &inhibitor_,
                                                          .silencer = &silencer_,
                                                          .in_time_interval = std::move(intervals),
                                                          .metrics = &metrics_,
                                                          .observer = &observer_},
                                           clock_, Pipeline::RetryOptions{.jitter = 0});
  }

  FakeNotifier* AddNotifier(std::vector<std::unique_ptr<Notifier>>& list, std::string kind,
                            bool send_resolved) {
    auto n = std::make_unique<FakeNotifier>(clock_, std::move(kind), send_resolved);
    FakeNotifier* raw = n.get();
    list.push_back(std::move(n));
    return raw;
  }

  FlushRequest Request(std::vector<model::Alert> alerts) {
    return FlushRequest{.receiver = "r",
                        .group_key = "{}:{}",
                        .now = clock_.NowMillis(),
                        .deadline = clock_.NowMillis() + 5 * kMinute,
                        .repeat_interval_ms = 60 * kMinute,
                        .alerts = std::move(alerts)};
  }

  // Runs a flush to completion (advancing through retries is up to the caller) and returns
  // done's argument, or nullopt when done was not called yet.
  std::optional<bool> Run(FlushRequest req) {
    done_.reset();
    pipeline_->Exec(std::move(req), scheduler_, [this](bool ok) { done_ = ok; });
    scheduler_.WaitIdleForTest();
    return done_.load_optional();
  }

  struct Done {
    std::atomic<int> v{-1};
    void reset() { v = -1; }
    Done& operator=(bool ok) {
      v = ok ? 1 : 0;
      return *this;
    }
    std::optional<bool> load_optional() const {
      int x = v.load();
      return x < 0 ? std::nullopt : std::optional<bool>(x == 1);
    }
  };

  osprey::testing::FakeClock clock_;
  testing::MemFileSystem fs_;
  metrics::Registry registry_;
  NotifyMetrics metrics_{registry_};
  std::unique_ptr<Nflog> nflog_;
  FakeMuter inhibitor_;
  FakeMuter silencer_;
  TaskScheduler scheduler_;
  RecordingObserver observer_;
  std::unique_ptr<Pipeline> pipeline_;
  Done done_;
};

TEST_F(PipelineTest, SendsTheGroupAndDedupsUntilSomethingChanges) {
  std::vector<std::unique_ptr<Notifier>> n;
  FakeNotifier* hook = AddNotifier(n, "webhook", true);
  Build(std::move(n));

  EXPECT_EQ(Run(Request({Firing("a"), Firing("b")})), true);
  ASSERT_EQ(hook->call_count(), 1u);
  EXPECT_EQ(hook->calls()[0].ctx.receiver, "r");
  EXPECT_EQ(hook->calls()[0].ctx.group_key, "{}:{}");
  EXPECT_EQ(hook->calls()[0].alerts.size(), 2u);

  // Same firing set: nothing new.
  clock_.Advance(5 * kMinute);
  EXPECT_EQ(Run(Request({Firing("a"), Firing("b")})), true);
  EXPECT_EQ(hook->call_count(), 1u);
  // A subset of what was sent: still nothing.
  EXPECT_EQ(Run(Request({Firing("a")})), true);
  EXPECT_EQ(hook->call_count(), 1u);
  // A new alert.
  EXPECT_EQ(Run(Request({Firing("a"), Firing("c")})), true);
  EXPECT_EQ(hook->call_count(), 2u);
  // Resolved alerts changed and send_resolved is set.
  clock_.Advance(kMinute);
  EXPECT_EQ(Run(Request({Firing("a"), Resolved("c", clock_.NowMillis())})), true);
  ASSERT_EQ(hook->call_count(), 3u);
  EXPECT_EQ(hook->calls()[2].alerts.size(), 2u);
  // Repeat interval (60m) elapsed since the last notification.
  clock_.Advance(59 * kMinute);
  EXPECT_EQ(Run(Request({Firing("a"), Resolved("c", kStart)})), true);
  EXPECT_EQ(hook->call_count(), 3u);
  clock_.Advance(kMinute + 1);
  EXPECT_EQ(Run(Request({Firing("a"), Resolved("c", kStart)})), true);
  EXPECT_EQ(hook->call_count(), 4u);
}

TEST_F(PipelineTest, ResolvedOnlyIntegrationsLogButDoNotSend) {
  std::vector<std::unique_ptr<Notifier>> n;
  FakeNotifier* hook = AddNotifier(n, "webhook", true);
  FakeNotifier* mail = AddNotifier(n, "email", false);
  Build(std::move(n));

  EXPECT_EQ(Run(Request({Firing("a"), Firing("b")})), true);
  EXPECT_EQ(hook->call_count(), 1u);
  EXPECT_EQ(mail->call_count(), 1u);

  // One of two resolves: the webhook hears of it; email has nothing new (the firing set
  // shrank, resolved alerts are not its business).
  clock_.Advance(kMinute);
  EXPECT_EQ(Run(Request({Firing("a"), Resolved("b", clock_.NowMillis())})), true);
  EXPECT_EQ(hook->call_count(), 2u);
  EXPECT_EQ(mail->call_count(), 1u);

  // All resolved: the webhook gets them; email sends nothing but its nflog entry is cleared of
  // the firing alerts, so a new firing "a" later notifies again.
  clock_.Advance(kMinute);
  const int64_t t = clock_.NowMillis();
  EXPECT_EQ(Run(Request({Resolved("a", t), Resolved("b", t)})), true);
  EXPECT_EQ(hook->call_count(), 3u);
  EXPECT_EQ(mail->call_count(), 1u);
  auto mail_entry = nflog_->Query("{}:{}", NflogReceiver{"r", "email", 0});
  ASSERT_TRUE(mail_entry.has_value());
  EXPECT_TRUE(mail_entry->firing_alerts.empty());
  EXPECT_EQ(mail_entry->resolved_alerts.size(), 2u);

  clock_.Advance(kMinute);
  EXPECT_EQ(Run(Request({Firing("a")})), true);
  EXPECT_EQ(mail->call_count(), 2u);
  // Email never sees resolved alerts.
  for (const auto& call : mail->calls()) {
    for (const auto& a : call.alerts) EXPECT_EQ(a.ends_at, 0);
  }
}

TEST_F(PipelineTest, OnlyResolvedAndNeverNotifiedSendsNothing) {
  std::vector<std::unique_ptr<Notifier>> n;
  FakeNotifier* hook = AddNotifier(n, "webhook", true);
  Build(std::move(n));
  EXPECT_EQ(Run(Request({Resolved("a", kStart)})), true);
  EXPECT_EQ(hook->call_count(), 0u);
}

TEST_F(PipelineTest, InhibitedAndSilencedAlertsAreDropped) {
  std::vector<std::unique_ptr<Notifier>> n;
  FakeNotifier* hook = AddNotifier(n, "webhook", true);
  Build(std::move(n));
  inhibitor_.Mute("a");
  silencer_.Mute("b");
  EXPECT_EQ(Run(Request({Firing("a"), Firing("b"), Firing("c")})), true);
  ASSERT_EQ(hook->call_count(), 1u);
  ASSERT_EQ(hook->calls()[0].alerts.size(), 1u);
  EXPECT_EQ(hook->calls()[0].alerts[0].labels.Get("alertname"), "c");
  // Everything muted: nothing is sent and the flush is fine.
  silencer_.Mute("c");
  EXPECT_EQ(Run(Request({Firing("a"), Firing("b"), Firing("c")})), true);
  EXPECT_EQ(hook->call_count(), 1u);
}

TEST_F(PipelineTest, TimeIntervalsMuteTheRoute) {
  std::vector<std::unique_ptr<Notifier>> n;
  FakeNotifier* hook = AddNotifier(n, "webhook", true);
  bool in_business_hours = false;
  bool in_maintenance = false;
  Build(std::move(n), [&](const std::string& name, int64_t t) -> Result<bool> {
    EXPECT_EQ(t, clock_.NowMillis());
    if (name == "business-hours") return in_business_hours;
    if (name == "maintenance") return in_maintenance;
    return NotFoundError(std::string("time interval ").append(name));
  });
  FlushRequest active = Request({Firing("a")});
  active.active_time_intervals = {"business-hours"};
  EXPECT_EQ(Run(active), true);
  EXPECT_EQ(hook->call_count(), 0u);
  in_business_hours = true;
  EXPECT_EQ(Run(active), true);
  EXPECT_EQ(hook->call_count(), 1u);

  FlushRequest muted = Request({Firing("b")});
  muted.mute_time_intervals = {"maintenance"};
  in_maintenance = true;
  EXPECT_EQ(Run(muted), true);
  EXPECT_EQ(hook->call_count(), 1u);
  in_maintenance = false;
  muted.now = clock_.NowMillis();
  EXPECT_EQ(Run(muted), true);
  EXPECT_EQ(hook->call_count(), 2u);

  FlushRequest unknown = Request({Firing("c")});
  unknown.mute_time_intervals = {"nope"};
  EXPECT_EQ(Run(unknown), false);
  EXPECT_EQ(hook->call_count(), 2u);
}

TEST_F(PipelineTest, MuteTimeIntervalFromTheConfig) {
  // kStart is Tuesday 2023-11-14 22:13:20 UTC.
  config::TimeIntervalConfig weekends{
      .name = "weekends",
      .time_intervals = {config::TimeIntervalSpec{.weekdays = {{6, 6}, {0, 0}}}}};
  auto intervals = TimeIntervals::Create(std::span(&weekends, 1));
  ASSERT_TRUE(intervals.ok()) << intervals.status().ToString();
  std::vector<std::unique_ptr<Notifier>> n;
  FakeNotifier* hook = AddNotifier(n, "webhook", true);
  Build(std::move(n),
        [&](const std::string& name, int64_t t) { return intervals->Contains(name, t); });
  FlushRequest req = Request({Firing("a")});
  req.mute_time_intervals = {"weekends"};
  clock_.Advance(4 * 24 * 60 * kMinute);  // Saturday
  req.now = clock_.NowMillis();
  EXPECT_EQ(Run(req), true);
  EXPECT_EQ(hook->call_count(), 0u);
  clock_.Advance(2 * 24 * 60 * kMinute);  // Monday
  req.now = clock_.NowMillis();
  EXPECT_EQ(Run(req), true);
  EXPECT_EQ(hook->call_count(), 1u);
}

TEST_F(PipelineTest, RetriesRetryableErrorsWithBackoff) {
  std::vector<std::unique_ptr<Notifier>> n;
  FakeNotifier* hook = AddNotifier(n, "webhook", true);
  Build(std::move(n));
  hook->PushResult({UnavailableError("503"), true});
  hook->PushResult({UnavailableError("503"), true});
  EXPECT_EQ(Run(Request({Firing("a")})), std::nullopt);
  EXPECT_EQ(hook->call_count(), 1u);
  clock_.Advance(499);
  scheduler_.WaitIdleForTest();
  EXPECT_EQ(hook->call_count(), 1u);
  clock_.Advance(1);
  scheduler_.WaitIdleForTest();
  EXPECT_EQ(hook->call_count(), 2u);
  clock_.Advance(750);  // 500 x 1.5
  scheduler_.WaitIdleForTest();
  ASSERT_EQ(hook->call_count(), 3u);
  EXPECT_EQ(done_.load_optional(), true);
  auto calls = hook->calls();
  EXPECT_EQ(calls[1].at_ms - calls[0].at_ms, 500);
  EXPECT_EQ(calls[2].at_ms - calls[1].at_ms, 750);
  // Logged after the success: the same alerts do not go out again.
  EXPECT_TRUE(nflog_->Query("{}:{}", NflogReceiver{"r", "webhook", 0}).has_value());
  const std::string text = registry_.ExpositionText();
  EXPECT_NE(text.find("alertmanager_notification_requests_total{integration=\"webhook\"} 3"),
            std::string::npos);
  EXPECT_NE(text.find("alertmanager_notification_requests_failed_total{integration=\"webhook\"} 2"),
            std::string::npos);
  EXPECT_NE(text.find("alertmanager_notifications_total{integration=\"webhook\"} 1"),
            std::string::npos);
}

TEST_F(PipelineTest, DoesNotRetryPermanentErrors) {
  std::vector<std::unique_ptr<Notifier>> n;
  FakeNotifier* hook = AddNotifier(n, "webhook", true);
  Build(std::move(n));
  hook->PushResult({InvalidArgumentError("400 bad request"), false});
  EXPECT_EQ(Run(Request({Firing("a")})), false);
  clock_.Advance(10 * kMinute);
  scheduler_.WaitIdleForTest();
  EXPECT_EQ(hook->call_count(), 1u);
  EXPECT_FALSE(nflog_->Query("{}:{}", NflogReceiver{"r", "webhook", 0}).has_value());
  EXPECT_NE(registry_.ExpositionText().find("alertmanager_notifications_failed_total{"
                                            "integration=\"webhook\",reason=\"clientError\"} 1"),
            std::string::npos);
}

TEST_F(PipelineTest, GivesUpAtTheDeadline) {
  std::vector<std::unique_ptr<Notifier>> n;
  FakeNotifier* hook = AddNotifier(n, "webhook", true);
  Build(std::move(n));
  for (int i = 0; i < 100; ++i) hook->PushResult({UnavailableError("down"), true});
  FlushRequest req = Request({Firing("a")});
  req.deadline = clock_.NowMillis() + 2000;
  EXPECT_EQ(Run(req), std::nullopt);
  // Attempts at +0, +500, +1250; the next would be at +2375, past the deadline.
  for (int i = 0; i < 10; ++i) {
    clock_.Advance(250);
    scheduler_.WaitIdleForTest();
  }
  EXPECT_EQ(hook->call_count(), 3u);
  EXPECT_EQ(done_.load_optional(), false);
}

TEST_F(PipelineTest, IntegrationsOfAReceiverAreIndependent) {
  std::vector<std::unique_ptr<Notifier>> n;
  FakeNotifier* slow = AddNotifier(n, "webhook", true);
  FakeNotifier* failing = AddNotifier(n, "webhook", true);
  FakeNotifier* ok = AddNotifier(n, "email", true);
  Build(std::move(n));
  slow->Block();
  failing->PushResult({InvalidArgumentError("401"), false});
  pipeline_->Exec(Request({Firing("a")}), scheduler_, [this](bool r) { done_ = r; });
  slow->WaitEntered(1);
  // The others finish while the first webhook still hangs.
  for (FakeNotifier* f : {failing, ok}) f->WaitEntered(1);
  EXPECT_EQ(done_.load_optional(), std::nullopt);
  slow->Unblock();
  scheduler_.WaitIdleForTest();
  EXPECT_EQ(done_.load_optional(), false);  // one integration failed
  // Each integration has its own nflog entry, by kind and index.
  EXPECT_TRUE(nflog_->Query("{}:{}", NflogReceiver{"r", "webhook", 0}).has_value());
  EXPECT_FALSE(nflog_->Query("{}:{}", NflogReceiver{"r", "webhook", 1}).has_value());
  EXPECT_TRUE(nflog_->Query("{}:{}", NflogReceiver{"r", "email", 0}).has_value());
}

TEST_F(PipelineTest, UnknownReceiverFails) {
  Build({});
  FlushRequest req = Request({Firing("a")});
  req.receiver = "nope";
  EXPECT_EQ(Run(req), false);
}

TEST_F(PipelineTest, ObserverSeesUnmutedAlertsOfEveryFlushAndEachOutcome) {
  std::vector<std::unique_ptr<Notifier>> n;
  AddNotifier(n, "webhook", true);
  FakeNotifier* failing = AddNotifier(n, "webhook", true);
  AddNotifier(n, "email", false);
  Build(std::move(n));
  silencer_.Mute("b");
  failing->PushResult({InvalidArgumentError("401"), false});

  EXPECT_EQ(Run(Request({Firing("a"), Firing("b")})), false);
  ASSERT_EQ(observer_.flushes().size(), 1u);
  EXPECT_EQ(observer_.flushes()[0].group_key, "{}:{}");
  EXPECT_EQ(observer_.flushes()[0].alertnames, std::vector<std::string>{"a"});
  std::vector<RecordingObserver::Notified> got = observer_.notified();
  ASSERT_EQ(got.size(), 3u);
  std::sort(got.begin(), got.end(), [](const auto& x, const auto& y) {
    return std::tie(x.integration, x.index) < std::tie(y.integration, y.index);
  });
  EXPECT_EQ(got[0].integration, "email");
  EXPECT_TRUE(got[0].ok);
  EXPECT_EQ(got[1].integration, "webhook");
  EXPECT_EQ(got[1].index, 0);
  EXPECT_EQ(got[1].firing, 1);
  EXPECT_EQ(got[1].resolved, 0);
  EXPECT_TRUE(got[1].ok);
  EXPECT_EQ(got[2].index, 1);
  EXPECT_FALSE(got[2].ok);
  EXPECT_EQ(got[2].receiver, "r");

  // Dedup: nothing to send for the email and the first webhook; the flush is still observed.
  EXPECT_EQ(Run(Request({Firing("a"), Firing("b")})), true);
  EXPECT_EQ(observer_.flushes().size(), 2u);
  EXPECT_EQ(observer_.notified().size(), 4u);  // only the webhook that failed before

  // Everything muted: observed with no alerts, nothing notified.
  silencer_.Mute("a");
  EXPECT_EQ(Run(Request({Firing("a"), Firing("b")})), true);
  ASSERT_EQ(observer_.flushes().size(), 3u);
  EXPECT_TRUE(observer_.flushes()[2].alertnames.empty());
  EXPECT_EQ(observer_.notified().size(), 4u);
}

TEST_F(PipelineTest, ObserverIsNotToldOfResolvedOnlyIntegrationsThatSendNothing) {
  std::vector<std::unique_ptr<Notifier>> n;
  AddNotifier(n, "email", false);
  Build(std::move(n));
  EXPECT_EQ(Run(Request({Firing("a")})), true);
  EXPECT_EQ(observer_.notified().size(), 1u);
  clock_.Advance(kMinute);
  EXPECT_EQ(Run(Request({Resolved("a", clock_.NowMillis())})), true);
  EXPECT_EQ(observer_.flushes().size(), 2u);
  EXPECT_EQ(observer_.notified().size(), 1u);
}

}  // namespace
}  // namespace osprey::alerting
