// process_* metrics of the running process, with the names and HELP texts of the Prometheus
// Go client, read from procfs on every scrape.
#pragma once

#include <string>

#include "metrics/registry.h"

namespace osprey::metrics {

// Registers a collector that, on each exposition, reads <proc_root>/self/stat, self/fd,
// self/limits, self/status and <proc_root>/stat and writes process_cpu_seconds_total,
// process_resident_memory_bytes, process_virtual_memory_bytes,
// process_virtual_memory_max_bytes, process_start_time_seconds, process_open_fds,
// process_max_fds and process_threads. A metric whose source file is missing or malformed is
// left out of that exposition. `proc_root` is injectable so tests can use fixture files.
// Linux only. Cost per scrape: five small file reads and one directory listing.
void AddProcessCollector(Registry& registry, std::string proc_root = "/proc");

}  // namespace osprey::metrics
