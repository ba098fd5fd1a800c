// Service discovery for scrape pools: static_configs, file_sd_configs and http_sd_configs,
// each a Discoverer that produces the full list of its targets on every refresh.
//
// File SD reads JSON (*.json) or YAML (*.yml, *.yaml) files of Prometheus's format
//   [{"targets": ["host:9100"], "labels": {"env": "prod"}}]
// matching the configured globs, checks their modification times every few seconds (a
// change is picked up within that poll), and re-reads everything every refresh_interval.
// HTTP SD GETs the same JSON format from a URL every refresh_interval. A file or endpoint
// that fails to read or parse keeps its last good targets; the error is returned, and the
// caller logs and counts it.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "config/scrape_config.h"
#include "scrape/target.h"

namespace osprey::scrape {

// Parses a target-group document (JSON, or YAML when `yaml`), adding `extra` labels (e.g.
// __meta_filepath) to each target. Errors name `source` and what is wrong.
Result<std::vector<DiscoveredTarget>> ParseTargetGroups(std::string_view text, bool yaml,
                                                        const model::Labels& extra,
                                                        std::string_view source);

// Single-threaded: one discovery thread calls Refresh.
class Discoverer {
 public:
  virtual ~Discoverer() = default;
  // Re-reads the source when due at `now` (or always when `force`). Returns true when the
  // targets changed. On error the previous targets stay.
  virtual Result<bool> Refresh(std::chrono::steady_clock::time_point now, bool force) = 0;
  // The current targets (the last good read).
  virtual const std::vector<DiscoveredTarget>& targets() const = 0;
  // "static", "file", "http": the mechanism, for metrics.
  virtual std::string_view mechanism() const = 0;
};

// One Discoverer per static/file/http entry of a scrape config, in config order.
std::vector<std::unique_ptr<Discoverer>> MakeDiscoverers(const config::ScrapeConfig& cfg);

}  // namespace osprey::scrape
