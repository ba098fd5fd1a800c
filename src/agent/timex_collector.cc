// timex: the kernel clock discipline from adjtimex(2) (modes 0: read only) as node_timex_*,
// with node_exporter 1.5's names, HELP texts and units: offset and PPS jitter in seconds (ns
// or us per STA_NANO), frequencies as ratios of 2^-16 ppm, sync_status 0 when adjtimex returns
// TIME_ERROR.
#include <sys/timex.h>

#include <cerrno>

#include "agent/internal/collectors.h"

namespace osprey::agent::internal {

void WriteTimex(TextWriter& w, const struct timex& tx, int state) {
  const double divisor = (tx.status & STA_NANO) != 0 ? 1e9 : 1e6;
  constexpr double kPpm16 = 1000000.0 * 65536.0;
  struct Family {
    std::string_view name, help;
    bool counter;
    double value;
  };
  const Family families[] = {
      {"node_timex_sync_status", "Is clock synchronized to a reliable server (1 = yes, 0 = no).",
       false, state == TIME_ERROR ? 0.0 : 1.0},
      {"node_timex_offset_seconds", "Time offset in between local system and reference clock.",
       false, static_cast<double>(tx.offset) / divisor},
      {"node_timex_frequency_adjustment_ratio", "Local clock frequency adjustment.", false,
       1 + static_cast<double>(tx.freq) / kPpm16},
      {"node_timex_maxerror_seconds", "Maximum error in seconds.", false,
       static_cast<double>(tx.maxerror) / 1e6},
      {"node_timex_estimated_error_seconds", "Estimated error in seconds.", false,
       static_cast<double>(tx.esterror) / 1e6},
      {"node_timex_status", "Value of the status array bits.", false,
       static_cast<double>(tx.status)},
      {"node_timex_loop_time_constant", "Phase-locked loop time constant.", false,
       static_cast<double>(tx.constant)},
      {"node_timex_tick_seconds", "Seconds between clock ticks.", false,
       static_cast<double>(tx.tick) / 1e6},
      {"node_timex_pps_frequency_hertz", "Pulse per second frequency.", false,
       static_cast<double>(tx.ppsfreq) / kPpm16},
      {"node_timex_pps_jitter_seconds", "Pulse per second jitter.", false,
       static_cast<double>(tx.jitter) / divisor},
      {"node_timex_pps_shift_seconds", "Pulse per second interval duration.", false,
       static_cast<double>(tx.shift)},
      {"node_timex_pps_stability_hertz",
       "Pulse per second stability, average of recent frequency changes.", false,
       static_cast<double>(tx.stabil) / kPpm16},
      {"node_timex_pps_jitter_total", "Pulse per second count of jitter limit exceeded events.",
       true, static_cast<double>(tx.jitcnt)},
      {"node_timex_pps_calibration_total", "Pulse per second count of calibration intervals.", true,
       static_cast<double>(tx.calcnt)},
      {"node_timex_pps_error_total", "Pulse per second count of calibration errors.", true,
       static_cast<double>(tx.errcnt)},
      {"node_timex_pps_stability_exceeded_total",
       "Pulse per second count of stability limit exceeded events.", true,
       static_cast<double>(tx.stbcnt)},
      {"node_timex_tai_offset_seconds", "International Atomic Time (TAI) offset.", false,
       static_cast<double>(tx.tai)},
  };
  for (const Family& f : families) {
    w.Family(f.name, f.help, f.counter ? "counter" : "gauge");
    w.Sample(f.name, f.value);
  }
}

Status Collectors::CollectTimex(TextWriter& w) {
  struct timex tx = {};
  int state = ::adjtimex(&tx);
  if (state < 0) return ErrnoError("adjtimex", errno);
  WriteTimex(w, tx, state);
  return OkStatus();
}

}  // namespace osprey::agent::internal
