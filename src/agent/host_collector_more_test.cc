// Fixture tests for the netclass, sockstat, softnet, timex, arp, conntrack, cpufreq and
// schedstat collectors: exact exposition for src/agent/testdata.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "agent/host_collector.h"
#include "agent/internal/collector_test_util.h"
#include "agent/internal/collectors.h"
#include "agent/internal/exposition_test_util.h"
#include "testing/temp_dir.h"

namespace osprey::agent {
namespace {

const std::string kTestdata = OSPREY_AGENT_TESTDATA;

// The collector's families, without the node_scrape_collector_* trailer.
std::string Families(const std::string& name, std::string procfs = kTestdata + "/procfs",
                     std::string sysfs = kTestdata + "/sysfs", bool* ok = nullptr) {
  return internal::CollectorFamilies(name, std::move(procfs), std::move(sysfs), ok);
}

TEST(MoreCollectorsTest, Netclass) {
  EXPECT_EQ(Families("netclass"),
            R"(# HELP node_network_up Value is 1 if operstate is 'up', 0 otherwise.
# TYPE node_network_up gauge
node_network_up{device="eth0"} 1
node_network_up{device="lo"} 0
node_network_up{device="wlan0"} 0
# HELP node_network_info Non-numeric data from /sys/class/net/<iface>, value is always 1.
# TYPE node_network_info gauge
node_network_info{address="52:54:00:12:34:56",broadcast="ff:ff:ff:ff:ff:ff",device="eth0",duplex="full",ifalias="uplink \"a\"",operstate="up"} 1
node_network_info{address="00:00:00:00:00:00",broadcast="00:00:00:00:00:00",device="lo",duplex="",ifalias="",operstate="unknown"} 1
node_network_info{address="0a:0b:0c:0d:0e:0f",broadcast="",device="wlan0",duplex="",ifalias="",operstate="down"} 1
# HELP node_network_address_assign_type Network device property: address_assign_type
# TYPE node_network_address_assign_type gauge
node_network_address_assign_type{device="eth0"} 0
node_network_address_assign_type{device="lo"} 0
# HELP node_network_carrier Network device property: carrier
# TYPE node_network_carrier gauge
node_network_carrier{device="eth0"} 1
node_network_carrier{device="lo"} 1
# HELP node_network_carrier_changes_total Network device property: carrier_changes_total
# TYPE node_network_carrier_changes_total counter
node_network_carrier_changes_total{device="eth0"} 3
node_network_carrier_changes_total{device="lo"} 0
# HELP node_network_carrier_up_changes_total Network device property: carrier_up_changes_total
# TYPE node_network_carrier_up_changes_total counter
node_network_carrier_up_changes_total{device="eth0"} 2
# HELP node_network_carrier_down_changes_total Network device property: carrier_down_changes_total
# TYPE node_network_carrier_down_changes_total counter
node_network_carrier_down_changes_total{device="eth0"} 1
# HELP node_network_device_id Network device property: device_id
# TYPE node_network_device_id gauge
node_network_device_id{device="eth0"} 0
node_network_device_id{device="lo"} 0
# HELP node_network_dormant Network device property: dormant
# TYPE node_network_dormant gauge
node_network_dormant{device="eth0"} 0
node_network_dormant{device="lo"} 0
# HELP node_network_flags Network device property: flags
# TYPE node_network_flags gauge
node_network_flags{device="eth0"} 4099
node_network_flags{device="lo"} 9
node_network_flags{device="wlan0"} 4098
# HELP node_network_iface_id Network device property: iface_id
# TYPE node_network_iface_id gauge
node_network_iface_id{device="eth0"} 2
node_network_iface_id{device="lo"} 1
# HELP node_network_iface_link Network device property: iface_link
# TYPE node_network_iface_link gauge
node_network_iface_link{device="eth0"} 2
node_network_iface_link{device="lo"} 1
# HELP node_network_iface_link_mode Network device property: iface_link_mode
# TYPE node_network_iface_link_mode gauge
node_network_iface_link_mode{device="eth0"} 0
node_network_iface_link_mode{device="lo"} 0
# HELP node_network_mtu_bytes Network device property: mtu_bytes
# TYPE node_network_mtu_bytes gauge
node_network_mtu_bytes{device="eth0"} 1500
node_network_mtu_bytes{device="lo"} 65536
node_network_mtu_bytes{device="wlan0"} 1500
# HELP node_network_name_assign_type Network device property: name_assign_type
# TYPE node_network_name_assign_type gauge
node_network_name_assign_type{device="eth0"} 4
# HELP node_network_net_dev_group Network device property: net_dev_group
# TYPE node_network_net_dev_group gauge
node_network_net_dev_group{device="eth0"} 0
node_network_net_dev_group{device="lo"} 0
# HELP node_network_speed_bytes Network device property: speed_bytes
# TYPE node_network_speed_bytes gauge
node_network_speed_bytes{device="eth0"} 1.25e+08
node_network_speed_bytes{device="wlan0"} -125000
# HELP node_network_transmit_queue_length Network device property: transmit_queue_length
# TYPE node_network_transmit_queue_length gauge
node_network_transmit_queue_length{device="eth0"} 1000
node_network_transmit_queue_length{device="lo"} 1000
# HELP node_network_protocol_type Network device property: protocol_type
# TYPE node_network_protocol_type gauge
node_network_protocol_type{device="eth0"} 1
node_network_protocol_type{device="lo"} 772
node_network_protocol_type{device="wlan0"} 1
)");
}

TEST(MoreCollectorsTest, Sockstat) {
  EXPECT_EQ(Families("sockstat"),
            R"(# HELP node_sockstat_sockets_used Number of IPv4 sockets in use.
# TYPE node_sockstat_sockets_used gauge
node_sockstat_sockets_used 229
# HELP node_sockstat_TCP_inuse Number of TCP sockets in state inuse.
# TYPE node_sockstat_TCP_inuse gauge
node_sockstat_TCP_inuse 4
# HELP node_sockstat_TCP_orphan Number of TCP sockets in state orphan.
# TYPE node_sockstat_TCP_orphan gauge
node_sockstat_TCP_orphan 0
# HELP node_sockstat_TCP_tw Number of TCP sockets in state tw.
# TYPE node_sockstat_TCP_tw gauge
node_sockstat_TCP_tw 4
# HELP node_sockstat_TCP_alloc Number of TCP sockets in state alloc.
# TYPE node_sockstat_TCP_alloc gauge
node_sockstat_TCP_alloc 17
# HELP node_sockstat_TCP_mem Number of TCP sockets in state mem.
# TYPE node_sockstat_TCP_mem gauge
node_sockstat_TCP_mem 1
# HELP node_sockstat_TCP_mem_bytes Number of TCP sockets in state mem_bytes.
# TYPE node_sockstat_TCP_mem_bytes gauge
node_sockstat_TCP_mem_bytes 4096
# HELP node_sockstat_UDP_inuse Number of UDP sockets in state inuse.
# TYPE node_sockstat_UDP_inuse gauge
node_sockstat_UDP_inuse 2
# HELP node_sockstat_UDP_mem Number of UDP sockets in state mem.
# TYPE node_sockstat_UDP_mem gauge
node_sockstat_UDP_mem 3
# HELP node_sockstat_UDP_mem_bytes Number of UDP sockets in state mem_bytes.
# TYPE node_sockstat_UDP_mem_bytes gauge
node_sockstat_UDP_mem_bytes 12288
# HELP node_sockstat_UDPLITE_inuse Number of UDPLITE sockets in state inuse.
# TYPE node_sockstat_UDPLITE_inuse gauge
node_sockstat_UDPLITE_inuse 0
# HELP node_sockstat_RAW_inuse Number of RAW sockets in state inuse.
# TYPE node_sockstat_RAW_inuse gauge
node_sockstat_RAW_inuse 0
# HELP node_sockstat_FRAG_inuse Number of FRAG sockets in state inuse.
# TYPE node_sockstat_FRAG_inuse gauge
node_sockstat_FRAG_inuse 0
# HELP node_sockstat_FRAG_memory Number of FRAG sockets in state memory.
# TYPE node_sockstat_FRAG_memory gauge
node_sockstat_FRAG_memory 0
# HELP node_sockstat_TCP6_inuse Number of TCP6 sockets in state inuse.
# TYPE node_sockstat_TCP6_inuse gauge
node_sockstat_TCP6_inuse 2
# HELP node_sockstat_UDP6_inuse Number of UDP6 sockets in state inuse.
# TYPE node_sockstat_UDP6_inuse gauge
node_sockstat_UDP6_inuse 1
# HELP node_sockstat_UDPLITE6_inuse Number of UDPLITE6 sockets in state inuse.
# TYPE node_sockstat_UDPLITE6_inuse gauge
node_sockstat_UDPLITE6_inuse 0
# HELP node_sockstat_RAW6_inuse Number of RAW6 sockets in state inuse.
# TYPE node_sockstat_RAW6_inuse gauge
node_sockstat_RAW6_inuse 1
# HELP node_sockstat_FRAG6_inuse Number of FRAG6 sockets in state inuse.
# TYPE node_sockstat_FRAG6_inuse gauge
node_sockstat_FRAG6_inuse 0
# HELP node_sockstat_FRAG6_memory Number of FRAG6 sockets in state memory.
# TYPE node_sockstat_FRAG6_memory gauge
node_sockstat_FRAG6_memory 0
)");
}

TEST(MoreCollectorsTest, Softnet) {
  EXPECT_EQ(Families("softnet"), R"(# HELP node_softnet_processed_total Number of processed packets
# TYPE node_softnet_processed_total counter
node_softnet_processed_total{cpu="0"} 299641
node_softnet_processed_total{cpu="1"} 916354
# HELP node_softnet_dropped_total Number of dropped packets
# TYPE node_softnet_dropped_total counter
node_softnet_dropped_total{cpu="0"} 0
node_softnet_dropped_total{cpu="1"} 2
# HELP node_softnet_times_squeezed_total Number of times processing packets ran out of quota
# TYPE node_softnet_times_squeezed_total counter
node_softnet_times_squeezed_total{cpu="0"} 1
node_softnet_times_squeezed_total{cpu="1"} 10
)");
}

TEST(MoreCollectorsTest, Arp) {
  EXPECT_EQ(Families("arp"), R"(# HELP node_arp_entries ARP entries by device
# TYPE node_arp_entries gauge
node_arp_entries{device="eth0"} 2
node_arp_entries{device="wlan0"} 1
)");
}

TEST(MoreCollectorsTest, Conntrack) {
  EXPECT_EQ(
      Families("conntrack"),
      R"(# HELP node_nf_conntrack_entries Number of currently allocated flow entries for connection tracking.
# TYPE node_nf_conntrack_entries gauge
node_nf_conntrack_entries 123
# HELP node_nf_conntrack_entries_limit Maximum size of connection tracking table.
# TYPE node_nf_conntrack_entries_limit gauge
node_nf_conntrack_entries_limit 65536
# HELP node_nf_conntrack_stat_found Number of searched entries which were successful.
# TYPE node_nf_conntrack_stat_found gauge
node_nf_conntrack_stat_found 2
# HELP node_nf_conntrack_stat_invalid Number of packets seen which can not be tracked.
# TYPE node_nf_conntrack_stat_invalid gauge
node_nf_conntrack_stat_invalid 17
# HELP node_nf_conntrack_stat_ignore Number of packets seen which are already connected to a conntrack entry.
# TYPE node_nf_conntrack_stat_ignore gauge
node_nf_conntrack_stat_ignore 2
# HELP node_nf_conntrack_stat_insert Number of entries inserted into the list.
# TYPE node_nf_conntrack_stat_insert gauge
node_nf_conntrack_stat_insert 3
# HELP node_nf_conntrack_stat_insert_failed Number of entries for which list insertion was attempted but failed.
# TYPE node_nf_conntrack_stat_insert_failed gauge
node_nf_conntrack_stat_insert_failed 1
# HELP node_nf_conntrack_stat_drop Number of packets dropped due to conntrack failure.
# TYPE node_nf_conntrack_stat_drop gauge
node_nf_conntrack_stat_drop 4
# HELP node_nf_conntrack_stat_early_drop Number of dropped conntrack entries to make room for new ones, if maximum table size was reached.
# TYPE node_nf_conntrack_stat_early_drop gauge
node_nf_conntrack_stat_early_drop 5
# HELP node_nf_conntrack_stat_search_restart Number of conntrack table lookups which had to be restarted due to hashtable resizes.
# TYPE node_nf_conntrack_stat_search_restart gauge
node_nf_conntrack_stat_search_restart 11
)");
}

TEST(MoreCollectorsTest, Cpufreq) {
  EXPECT_EQ(Families("cpufreq"),
            R"(# HELP node_cpu_frequency_min_hertz Minimum cpu thread frequency in hertz.
# TYPE node_cpu_frequency_min_hertz gauge
node_cpu_frequency_min_hertz{cpu="0"} 4e+08
# HELP node_cpu_frequency_max_hertz Maximum cpu thread frequency in hertz.
# TYPE node_cpu_frequency_max_hertz gauge
node_cpu_frequency_max_hertz{cpu="0"} 3.5e+09
# HELP node_cpu_scaling_frequency_hertz Current scaled CPU thread frequency in hertz.
# TYPE node_cpu_scaling_frequency_hertz gauge
node_cpu_scaling_frequency_hertz{cpu="0"} 1.8e+09
node_cpu_scaling_frequency_hertz{cpu="1"} 2e+09
# HELP node_cpu_scaling_frequency_min_hertz Minimum scaled CPU thread frequency in hertz.
# TYPE node_cpu_scaling_frequency_min_hertz gauge
node_cpu_scaling_frequency_min_hertz{cpu="0"} 4e+08
# HELP node_cpu_scaling_frequency_max_hertz Maximum scaled CPU thread frequency in hertz.
# TYPE node_cpu_scaling_frequency_max_hertz gauge
node_cpu_scaling_frequency_max_hertz{cpu="0"} 3.5e+09
)");
}

TEST(MoreCollectorsTest, Schedstat) {
  EXPECT_EQ(
      Families("schedstat"),
      R"(# HELP node_schedstat_running_seconds_total Number of seconds CPU spent running a process.
# TYPE node_schedstat_running_seconds_total counter
node_schedstat_running_seconds_total{cpu="0"} 2.5
node_schedstat_running_seconds_total{cpu="1"} 1e-07
# HELP node_schedstat_timeslices_total Number of timeslices executed by CPU.
# TYPE node_schedstat_timeslices_total counter
node_schedstat_timeslices_total{cpu="0"} 1234
node_schedstat_timeslices_total{cpu="1"} 7
# HELP node_schedstat_waiting_seconds_total Number of seconds spent by processing waiting for this CPU.
# TYPE node_schedstat_waiting_seconds_total counter
node_schedstat_waiting_seconds_total{cpu="0"} 1.5
node_schedstat_waiting_seconds_total{cpu="1"} 2e-07
)");
}

TEST(MoreCollectorsTest, TimexConvertsUnits) {
  struct timex tx = {};
  tx.offset = -1500;
  tx.freq = 65536 * 10;  // 10 ppm
  tx.maxerror = 250000;
  tx.esterror = 1000;
  tx.status = STA_PLL | STA_NANO;
  tx.constant = 7;
  tx.tick = 10000;
  tx.ppsfreq = 65536;
  tx.jitter = 2000;
  tx.shift = 4;
  tx.stabil = 0;
  tx.jitcnt = 1;
  tx.calcnt = 2;
  tx.errcnt = 3;
  tx.stbcnt = 4;
  tx.tai = 37;
  std::string out;
  internal::TextWriter w(out);
  internal::WriteTimex(w, tx, TIME_OK);
  EXPECT_EQ(
      out,
      R"(# HELP node_timex_sync_status Is clock synchronized to a reliable server (1 = yes, 0 = no).
# TYPE node_timex_sync_status gauge
node_timex_sync_status 1
# HELP node_timex_offset_seconds Time offset in between local system and reference clock.
# TYPE node_timex_offset_seconds gauge
node_timex_offset_seconds -1.5e-06
# HELP node_timex_frequency_adjustment_ratio Local clock frequency adjustment.
# TYPE node_timex_frequency_adjustment_ratio gauge
node_timex_frequency_adjustment_ratio 1.00001
# HELP node_timex_maxerror_seconds Maximum error in seconds.
# TYPE node_timex_maxerror_seconds gauge
node_timex_maxerror_seconds 0.25
# HELP node_timex_estimated_error_seconds Estimated error in seconds.
# TYPE node_timex_estimated_error_seconds gauge
node_timex_estimated_error_seconds 0.001
# HELP node_timex_status Value of the status array bits.
# TYPE node_timex_status gauge
node_timex_status 8193
# HELP node_timex_loop_time_constant Phase-locked loop time constant.
# TYPE node_timex_loop_time_constant gauge
node_timex_loop_time_constant 7
# HELP node_timex_tick_seconds Seconds between clock ticks.
# TYPE node_timex_tick_seconds gauge
node_timex_tick_seconds 0.01
# HELP node_timex_pps_frequency_hertz Pulse per second frequency.
# TYPE node_timex_pps_frequency_hertz gauge
node_timex_pps_frequency_hertz 1e-06
# HELP node_timex_pps_jitter_seconds Pulse per second jitter.
# TYPE node_timex_pps_jitter_seconds gauge
node_timex_pps_jitter_seconds 2e-06
# HELP node_timex_pps_shift_seconds Pulse per second interval duration.
# TYPE node_timex_pps_shift_seconds gauge
node_timex_pps_shift_seconds 4
# HELP node_timex_pps_stability_hertz Pulse per second stability, average of recent frequency changes.
# TYPE node_timex_pps_stability_hertz gauge
node_timex_pps_stability_hertz 0
# HELP node_timex_pps_jitter_total Pulse per second count of jitter limit exceeded events.
# TYPE node_timex_pps_jitter_total counter
node_timex_pps_jitter_total 1
# HELP node_timex_pps_calibration_total Pulse per second count of calibration intervals.
# TYPE node_timex_pps_calibration_total counter
node_timex_pps_calibration_total 2
# HELP node_timex_pps_error_total Pulse per second count of calibration errors.
# TYPE node_timex_pps_error_total counter
node_timex_pps_error_total 3
# HELP node_timex_pps_stability_exceeded_total Pulse per second count of stability limit exceeded events.
# TYPE node_timex_pps_stability_exceeded_total counter
node_timex_pps_stability_exceeded_total 4
# HELP node_timex_tai_offset_seconds International Atomic Time (TAI) offset.
# TYPE node_timex_tai_offset_seconds gauge
node_timex_tai_offset_seconds 37
)");
  out.clear();
  tx.status = 0;  // microseconds
  internal::WriteTimex(w, tx, TIME_ERROR);
  internal::ParsedExposition p;
  ASSERT_TRUE(internal::ParseExposition(out, p).ok());
  EXPECT_EQ(p.samples.at("node_timex_sync_status"), 0);
  EXPECT_DOUBLE_EQ(p.samples.at("node_timex_offset_seconds"), -0.0015);
}

TEST(MoreCollectorsTest, TimexOnThisHost) {
  bool ok = false;
  std::string body = Families("timex", "/proc", "/sys", &ok);
  EXPECT_TRUE(ok) << body;
  EXPECT_NE(body.find("\nnode_timex_tick_seconds "), std::string::npos) << body;
}

TEST(MoreCollectorsTest, MalformedInputFailsOnlyItsCollector) {
  testing::TempDir dir;
  dir.WriteFile("proc/net/sockstat", "sockets: used 3\nTCP: inuse 1 orphan\n");
  dir.WriteFile("proc/net/softnet_stat", "0000000a 00000000 00000001\n");
  dir.WriteFile("proc/net/arp", "IP address HW type Flags HW address Mask Device\n1.2.3.4 eth0\n");
  dir.WriteFile("proc/sys/net/netfilter/nf_conntrack_count", "many\n");
  dir.WriteFile("proc/sys/net/netfilter/nf_conntrack_max", "10\n");
  dir.WriteFile("proc/schedstat", "version 15\ncpu0 1 2\n");  // short line: skipped
  dir.WriteFile("sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", "fast\n");
  HostCollector collector(
      HostCollectorOptions{.procfs = dir.Join("proc"),
                           .sysfs = dir.Join("sys"),
                           .collectors = {"sockstat", "softnet", "arp", "conntrack", "cpufreq",
                                          "schedstat", "netclass"}});
  std::string body;
  collector.Collect(body);
  internal::ParsedExposition p;
  ASSERT_TRUE(internal::ParseExposition(body, p).ok()) << body;
  for (const char* name : {"sockstat", "softnet", "arp", "conntrack", "cpufreq", "netclass"}) {
    EXPECT_EQ(
        p.samples.at(
            std::string("node_scrape_collector_success{collector=\"").append(name).append("\"}")),
        0)
        << name;
  }
  EXPECT_EQ(p.samples.at(R"(node_scrape_collector_success{collector="schedstat"})"), 1);
  EXPECT_TRUE(p.Family("node_sockstat_sockets_used").empty());
  EXPECT_TRUE(p.Family("node_nf_conntrack_entries_limit").empty());
  std::string errors;
  for (const auto& [key, value] : p.Family("node_scrape_collector_error_info")) errors += key;
  EXPECT_NE(errors.find("odd number of key/value fields in "), std::string::npos) << errors;
  EXPECT_NE(errors.find("3 columns, at least 9 expected"), std::string::npos) << errors;
  EXPECT_NE(errors.find("unexpected ARP table format"), std::string::npos) << errors;
  EXPECT_NE(errors.find("nf_conntrack_count"), std::string::npos) << errors;
  EXPECT_NE(errors.find("scaling_cur_freq"), std::string::npos) << errors;
  EXPECT_NE(errors.find("class/net"), std::string::npos) << errors;
}

TEST(MoreCollectorsTest, SockstatWithoutIpv6File) {
  testing::TempDir dir;
  dir.WriteFile("proc/net/sockstat", "sockets: used 3\nRAW: inuse 1\n");
  bool ok = false;
  std::string body = Families("sockstat", dir.Join("proc"), dir.Join("sys"), &ok);
  EXPECT_TRUE(ok);
  EXPECT_EQ(body, R"(# HELP node_sockstat_sockets_used Number of IPv4 sockets in use.
# TYPE node_sockstat_sockets_used gauge
node_sockstat_sockets_used 3
# HELP node_sockstat_RAW_inuse Number of RAW sockets in state inuse.
# TYPE node_sockstat_RAW_inuse gauge
node_sockstat_RAW_inuse 1
)");
}

TEST(MoreCollectorsTest, ParseGoIntAcceptsGoPrefixes) {
  int64_t v = 0;
  EXPECT_TRUE(internal::ParseGoInt("0x1003", v));
  EXPECT_EQ(v, 0x1003);
  EXPECT_TRUE(internal::ParseGoInt("-1", v));
  EXPECT_EQ(v, -1);
  EXPECT_TRUE(internal::ParseGoInt("017", v));
  EXPECT_EQ(v, 15);
  EXPECT_TRUE(internal::ParseGoInt("0", v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(internal::ParseGoInt("-9223372036854775808", v));
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_FALSE(internal::ParseGoInt("9223372036854775808", v));
  EXPECT_FALSE(internal::ParseGoInt("08", v));
  EXPECT_FALSE(internal::ParseGoInt("0x", v));
  EXPECT_FALSE(internal::ParseGoInt("--1", v));
  EXPECT_FALSE(internal::ParseGoInt("", v));
  EXPECT_FALSE(internal::ParseGoInt("12 ", v));
}

}  // namespace
}  // namespace osprey::agent
