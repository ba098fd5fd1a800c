#include <benchmark/benchmark.h>

#include <string>

#include "ingest/influx_ingester.h"
#include "ingest/influx_parser.h"
#include "metrics/registry.h"

namespace osprey::ingest {
namespace {

// A Telegraf-like batch: `hosts` hosts x (cpu x 4 cpus, mem, disk x 2, net x 2, system),
// 10 lines and 62 numeric fields per host.
std::string TelegrafBatch(int hosts) {
  std::string b;
  const std::string ts = " 1700000000000000000\n";
  for (int h = 0; h < hosts; ++h) {
    const std::string host = std::to_string(h);
    for (int c = 0; c < 4; ++c) {
      b.append("cpu,cpu=cpu").append(std::to_string(c)).append(",host=web-").append(host);
      b.append(
          " usage_user=1.5,usage_system=0.5,usage_idle=97.25,usage_iowait=0.25,usage_nice=0,"
          "usage_irq=0,usage_softirq=0.5,usage_steal=0");
      b.append(ts);
    }
    b.append("mem,host=web-").append(host);
    b.append(
        " total=8589934592i,available=4294967296i,used=4294967296i,free=1073741824i,"
        "cached=2147483648i,buffers=104857600i,available_percent=50,used_percent=50");
    b.append(ts);
    for (const char* dev : {"sda", "sdb"}) {
      b.append("diskio,host=web-").append(host).append(",name=").append(dev);
      b.append(
          " reads=123456i,writes=654321i,read_bytes=1234567890i,write_bytes=9876543210i,"
          "read_time=1234i,write_time=4321i,io_time=5555i");
      b.append(ts);
    }
    for (const char* dev : {"eth0", "lo"}) {
      b.append("net,host=web-").append(host).append(",interface=").append(dev);
      b.append(
          " bytes_sent=123456789i,bytes_recv=987654321i,packets_sent=12345i,packets_recv=54321i,"
          "err_in=0i,err_out=0i,drop_in=0i,drop_out=0i");
      b.append(ts);
    }
    b.append("system,host=web-").append(host);
    b.append(" load1=0.5,load5=0.25,load15=0.1,n_cpus=4i,n_users=2i,uptime=123456u");
    b.append(",uptime_format=\"1 day, 10:17\"");
    b.append(ts);
  }
  return b;
}

class NullVisitor final : public InfluxVisitor {
 public:
  void OnPoint(const InfluxPoint& p) override { fields += static_cast<int64_t>(p.fields.size()); }
  void OnError(const InfluxLineError&) override { ++errors; }
  int64_t fields = 0;
  int64_t errors = 0;
};

void BM_ParseInflux(benchmark::State& state) {
  const std::string body = TelegrafBatch(static_cast<int>(state.range(0)));
  InfluxParser parser;
  for (auto _ : state) {
    NullVisitor v;
    parser.Parse(body, InfluxPrecision::kNanosecond, v);
    benchmark::DoNotOptimize(v.fields);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_ParseInflux)->Arg(100);

// Storage that honours the hint contract and only counts samples (see
// remote_write_ingester_bench.cc), so this measures the ingester.
class CountingAppendable final : public storage::Appendable {
 public:
  std::unique_ptr<storage::Appender> NewAppender() override {
    return std::make_unique<CountingAppender>(*this);
  }

 private:
  class CountingAppender final : public storage::Appender {
   public:
    explicit CountingAppender(CountingAppendable& parent) : parent_(parent) {}
    Result<storage::SeriesRef> Append(storage::SeriesRef hint, const model::Labels& labels,
                                      const model::Sample&) override {
      if (hint != storage::kNoRef && hint <= parent_.series_.size()) return hint;
      if (labels.empty()) return NotFoundError("unknown ref");
      auto [it, inserted] = parent_.series_.emplace(labels, parent_.series_.size() + 1);
      return it->second;
    }
    Status Commit() override { return OkStatus(); }
    void Rollback() override {}

   private:
    CountingAppendable& parent_;
  };
  std::map<model::Labels, storage::SeriesRef> series_;
};

// Steady state: every series is in the hint cache. Items are samples (numeric fields).
void BM_InfluxIngestSteadyState(benchmark::State& state) {
  const std::string body = TelegrafBatch(static_cast<int>(state.range(0)));
  metrics::Registry registry;
  IngestMetrics metrics(registry);
  CountingAppendable storage;
  InfluxIngester ingester(storage, metrics, registry);
  InfluxWriteResult warm = ingester.Write(body, {});
  if (warm.Classify() != RequestOutcome::kSuccess) state.SkipWithError("warm-up failed");
  for (auto _ : state) {
    InfluxWriteResult r = ingester.Write(body, {});
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * warm.outcome.samples_accepted);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_InfluxIngestSteadyState)->Arg(100);

}  // namespace
}  // namespace osprey::ingest
