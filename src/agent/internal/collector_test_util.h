// Test helper: one host collector's output on a fixture tree, for exact-exposition tests.
// Test targets define OSPREY_AGENT_TESTDATA (src/agent/testdata).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "agent/host_collector.h"
#include "agent/internal/exposition_test_util.h"

namespace osprey::agent::internal {

inline const std::string kAgentTestdata = OSPREY_AGENT_TESTDATA;

// The families collector `name` writes, without the node_scrape_collector_* trailer, reading
// `procfs` and `sysfs`; `ok`, when given, gets node_scrape_collector_success == 1.
inline std::string CollectorFamilies(const std::string& name,
                                     std::string procfs = kAgentTestdata + "/procfs",
                                     std::string sysfs = kAgentTestdata + "/sysfs",
                                     bool* ok = nullptr) {
  HostCollector collector(HostCollectorOptions{
      .procfs = std::move(procfs), .sysfs = std::move(sysfs), .collectors = {name}});
  std::string body;
  collector.Collect(body);
  ParsedExposition parsed;
  Status status = ParseExposition(body, parsed);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << body;
  if (ok != nullptr) {
    *ok =
        parsed.samples.at(
            std::string("node_scrape_collector_success{collector=\"").append(name).append("\"}")) ==
        1;
  }
  return body.substr(0, body.find("# HELP node_scrape_collector_duration_seconds"));
}

}  // namespace osprey::agent::internal
