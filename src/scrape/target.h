// Scrape targets: turning discovered label sets into targets the way Prometheus's
// scrape/target.go does (PopulateLabels), and the URL each target is scraped at.
//
//   discovered {__address__="host:9100", __meta_filepath="/etc/sd.json", env="prod"}
//   + job, __scheme__, __metrics_path__, __scrape_interval__, __scrape_timeout__, __param_*
//   -> relabel_configs -> drop "__"-prefixed labels, default instance = __address__
//   -> target labels {env="prod", instance="host:9100", job="node"}
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "config/scrape_config.h"
#include "ingest/relabel.h"
#include "model/duration.h"
#include "model/labels.h"

namespace osprey::scrape {

// One target as service discovery reported it: its own labels merged over its group's.
struct DiscoveredTarget {
  model::Labels labels;  // Includes __address__ and any __meta_* labels.
  friend bool operator==(const DiscoveredTarget&, const DiscoveredTarget&) = default;
};

// What relabeling made of a discovered target.
struct TargetSpec {
  model::Labels discovered;  // Before relabeling (shown as discoveredLabels).
  model::Labels labels;      // Final target labels (job, instance, ...); empty when dropped.
  std::string url;           // scheme://address/path?params
  model::Duration interval;
  model::Duration timeout;
  // Stable identity for reloads: the same labels and URL give the same key.
  uint64_t key = 0;
};

// Applies the scrape config's defaults and relabel_configs to one discovered target.
// nullopt: relabeling dropped it. Errors: a target with no __address__ after relabeling,
// an address with a path, a bad __scrape_interval__/__scrape_timeout__ (timeout above
// interval), an invalid label name or value. The message names the target.
Result<std::optional<TargetSpec>> PopulateTarget(const config::ScrapeConfig& cfg,
                                                 const ingest::Relabeler& relabeler,
                                                 const DiscoveredTarget& target);

}  // namespace osprey::scrape
