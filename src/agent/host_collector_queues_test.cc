// Fixture tests for the udp_queues, tcpstat (sock_diag parsing), interrupts and processes
// collectors and netdev's receive_nohandler: exact exposition for src/agent/testdata.
#include <gtest/gtest.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/tcp.h>

#include <cstring>
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

// The collector's families on `procfs` and the sysfs fixture; `ok` gets success.
std::string CollectorFamilies(const std::string& name, std::string procfs = kTestdata + "/procfs",
                              bool* ok = nullptr) {
  return internal::CollectorFamilies(name, std::move(procfs), kTestdata + "/sysfs", ok);
}

TEST(QueueCollectorsTest, UdpQueuesSumsBothTables) {
  EXPECT_EQ(
      CollectorFamilies("udp_queues"),
      R"(# HELP node_udp_queues Number of allocated memory in the kernel for UDP datagrams in bytes.
# TYPE node_udp_queues gauge
node_udp_queues{ip="v4",queue="rx"} 2560
node_udp_queues{ip="v4",queue="tx"} 1024
node_udp_queues{ip="v6",queue="rx"} 256
node_udp_queues{ip="v6",queue="tx"} 0
)");
}

TEST(QueueCollectorsTest, UdpQueuesFailsOnAMalformedLineAndWithoutTables) {
  testing::TempDir dir;
  dir.WriteFile("net/udp", "header\n  1: 0100007F:0035 00000000:0000 07 zz:00 00:0 0 0 0 1 2\n");
  bool ok = true;
  EXPECT_EQ(CollectorFamilies("udp_queues", dir.path(), &ok), "");
  EXPECT_FALSE(ok);
  testing::TempDir empty;
  EXPECT_EQ(CollectorFamilies("udp_queues", empty.path(), &ok), "");
  EXPECT_FALSE(ok);
}

// One recv() worth of a sock_diag dump.
class DiagDump {
 public:
  void Socket(uint8_t state, uint32_t rqueue, uint32_t wqueue) {
    inet_diag_msg m{};
    m.idiag_family = AF_INET;
    m.idiag_state = state;
    m.idiag_rqueue = rqueue;
    m.idiag_wqueue = wqueue;
    Message(SOCK_DIAG_BY_FAMILY, &m, sizeof m);
  }
  void Done() {
    int zero = 0;
    Message(NLMSG_DONE, &zero, sizeof zero);
  }
  void Error(int err) {
    nlmsgerr e{};
    e.error = -err;
    Message(NLMSG_ERROR, &e, sizeof e);
  }
  std::string bytes;

 private:
  void Message(uint16_t type, const void* payload, size_t size) {
    nlmsghdr h{};
    h.nlmsg_len = static_cast<uint32_t>(NLMSG_LENGTH(size));
    h.nlmsg_type = type;
    h.nlmsg_flags = NLM_F_MULTI;
    std::string m(NLMSG_SPACE(size), '\0');
    std::memcpy(m.data(), &h, sizeof h);
    std::memcpy(m.data() + NLMSG_HDRLEN, payload, size);
    bytes += m;
  }
};

TEST(QueueCollectorsTest, TcpstatCountsStatesAndSumsQueues) {
  DiagDump first, second;
  first.Socket(TCP_LISTEN, 0, 4096);
  first.Socket(TCP_ESTABLISHED, 10, 20);
  second.Socket(TCP_ESTABLISHED, 1, 2);
  second.Socket(TCP_TIME_WAIT, 0, 0);
  second.Done();
  internal::TcpStats stats;
  auto done = internal::ParseInetDiagDump(first.bytes, stats);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_FALSE(*done);
  done = internal::ParseInetDiagDump(second.bytes, stats);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_TRUE(*done);
  std::string out;
  internal::TextWriter w(out);
  internal::WriteTcpStats(w, stats);
  EXPECT_EQ(out, R"(# HELP node_tcp_connection_states Number of connection states.
# TYPE node_tcp_connection_states gauge
node_tcp_connection_states{state="established"} 2
node_tcp_connection_states{state="time_wait"} 1
node_tcp_connection_states{state="listen"} 1
node_tcp_connection_states{state="rx_queued_bytes"} 11
node_tcp_connection_states{state="tx_queued_bytes"} 4118
)");
}

TEST(QueueCollectorsTest, TcpstatRejectsErrorsAndTruncatedMessages) {
  internal::TcpStats stats;
  DiagDump error;
  error.Error(EPERM);
  auto r = internal::ParseInetDiagDump(error.bytes, stats);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("sock_diag dump"), std::string::npos);
  DiagDump one;
  one.Socket(TCP_ESTABLISHED, 0, 0);
  r = internal::ParseInetDiagDump(std::string_view(one.bytes).substr(0, one.bytes.size() - 8),
                                  stats);
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
}

TEST(QueueCollectorsTest, TcpstatReadsThisHostOverSockDiag) {
  bool ok = false;
  std::string families = CollectorFamilies("tcpstat", "/proc", &ok);
  EXPECT_TRUE(ok);
  // Whatever runs here: the queue sums are always written once a socket exists.
  if (!families.empty()) {
    EXPECT_NE(families.find("node_tcp_connection_states{state=\"tx_queued_bytes\"}"),
              std::string::npos);
  }
}

TEST(QueueCollectorsTest, Interrupts) {
  EXPECT_EQ(CollectorFamilies("interrupts"), R"(# HELP node_interrupts_total Interrupt details.
# TYPE node_interrupts_total counter
node_interrupts_total{cpu="0",devices="2-edge timer",info="IO-APIC",type="0"} 22
node_interrupts_total{cpu="1",devices="2-edge timer",info="IO-APIC",type="0"} 0
node_interrupts_total{cpu="0",devices="5-edge ACPI:Ged again",info="IO-APIC",type="24"} 5
node_interrupts_total{cpu="1",devices="5-edge ACPI:Ged again",info="IO-APIC",type="24"} 6
node_interrupts_total{cpu="0",devices="",info="Non-maskable interrupts",type="NMI"} 3
node_interrupts_total{cpu="1",devices="",info="Non-maskable interrupts",type="NMI"} 4
node_interrupts_total{cpu="0",devices="",info="Local timer interrupts",type="LOC"} 33185812
node_interrupts_total{cpu="1",devices="",info="Local timer interrupts",type="LOC"} 31874063
)");
  testing::TempDir dir;
  dir.WriteFile("interrupts", "   CPU0\n  1:  x  IO-APIC  1-edge  i8042\n");
  bool ok = true;
  EXPECT_EQ(CollectorFamilies("interrupts", dir.path(), &ok), "");
  EXPECT_FALSE(ok);
}

TEST(QueueCollectorsTest, Processes) {
  EXPECT_EQ(CollectorFamilies("processes"),
            R"(# HELP node_processes_threads Allocated threads in system
# TYPE node_processes_threads gauge
node_processes_threads 6
# HELP node_processes_max_threads Limit of threads in the system
# TYPE node_processes_max_threads gauge
node_processes_max_threads 63704
# HELP node_processes_state Number of processes in each state.
# TYPE node_processes_state gauge
node_processes_state{state="R"} 1
node_processes_state{state="S"} 3
# HELP node_processes_threads_state Number of threads in each state.
# TYPE node_processes_threads_state gauge
node_processes_threads_state{thread_state="D"} 1
node_processes_threads_state{thread_state="R"} 1
node_processes_threads_state{thread_state="S"} 2
# HELP node_processes_pids Number of PIDs
# TYPE node_processes_pids gauge
node_processes_pids 4
# HELP node_processes_max_processes Number of max PIDs limit
# TYPE node_processes_max_processes gauge
node_processes_max_processes 4194304
)");
  testing::TempDir dir;
  dir.WriteFile("sys/kernel/pid_max", "10\n");
  dir.WriteFile("sys/kernel/threads-max", "10\n");
  dir.WriteFile("7/stat", "7 (x) S 1\n");
  bool ok = true;
  EXPECT_EQ(CollectorFamilies("processes", dir.path(), &ok), "");
  EXPECT_FALSE(ok);
}

// Fans, voltages, limits and labels when /sys has them (the dev VM has no hwmon at all).
TEST(QueueCollectorsTest, HwmonFansVoltagesLimitsAndLabels) {
  EXPECT_EQ(CollectorFamilies("hwmon"),
            R"(# HELP node_hwmon_chip_names Annotation metric for human-readable chip names
# TYPE node_hwmon_chip_names gauge
node_hwmon_chip_names{chip="coretemp",chip_name="coretemp"} 1
# HELP node_hwmon_sensor_label Label for given chip and sensor
# TYPE node_hwmon_sensor_label gauge
node_hwmon_sensor_label{chip="coretemp",label="Package id 0",sensor="temp1"} 1
# HELP node_hwmon_fan_min_rpm Hardware monitor for fan revolutions per minute (min)
# TYPE node_hwmon_fan_min_rpm gauge
node_hwmon_fan_min_rpm{chip="coretemp",sensor="fan1"} 300
# HELP node_hwmon_fan_rpm Hardware monitor for fan revolutions per minute (input)
# TYPE node_hwmon_fan_rpm gauge
node_hwmon_fan_rpm{chip="coretemp",sensor="fan1"} 12
# HELP node_hwmon_in_alarm Hardware sensor alarm status (in)
# TYPE node_hwmon_in_alarm gauge
node_hwmon_in_alarm{chip="coretemp",sensor="in0"} 0
# HELP node_hwmon_in_volts Hardware monitor for voltage (input)
# TYPE node_hwmon_in_volts gauge
node_hwmon_in_volts{chip="coretemp",sensor="in0"} 1.184
# HELP node_hwmon_temp_celsius Hardware monitor for temperature (input)
# TYPE node_hwmon_temp_celsius gauge
node_hwmon_temp_celsius{chip="coretemp",sensor="temp1"} 45
node_hwmon_temp_celsius{chip="coretemp",sensor="temp2"} 51.5
# HELP node_hwmon_temp_crit_alarm_celsius Hardware monitor for temperature (crit_alarm)
# TYPE node_hwmon_temp_crit_alarm_celsius gauge
node_hwmon_temp_crit_alarm_celsius{chip="coretemp",sensor="temp1"} 0
# HELP node_hwmon_temp_crit_celsius Hardware monitor for temperature (crit)
# TYPE node_hwmon_temp_crit_celsius gauge
node_hwmon_temp_crit_celsius{chip="coretemp",sensor="temp1"} 100
# HELP node_hwmon_temp_max_celsius Hardware monitor for temperature (max)
# TYPE node_hwmon_temp_max_celsius gauge
node_hwmon_temp_max_celsius{chip="coretemp",sensor="temp1"} 80
)");
}

}  // namespace
}  // namespace osprey::agent
