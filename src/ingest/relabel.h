// Applies relabeling rules (relabel_configs, metric_relabel_configs) to a label set with
// Prometheus 3's semantics (model/relabel/relabel.go):
//
//   Result<Relabeler> r = Relabeler::Create(scrape_config.metric_relabel_configs);
//   std::optional<model::Labels> out = r->Process(series);  // nullopt: drop the series
//
// Each regex is compiled once (RE2, anchored as Go's "^(?s:regex)$"). Names made by
// replace must be non-empty valid UTF-8 (Prometheus 3's default name validation).
// Known difference: lowercase and uppercase map ASCII letters only, where Go's
// strings.ToLower/ToUpper also map other Unicode letters.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "base/status.h"
#include "config/relabel_config.h"
#include "model/labels.h"

namespace osprey::ingest {

// Immutable after Create; Process is thread-safe.
class Relabeler {
 public:
  // Fails on a regex RE2 cannot compile or a hashmod rule with a zero modulus. The rules
  // are otherwise expected to have passed config::DecodeRelabelConfig's validation.
  static Result<Relabeler> Create(std::span<const config::RelabelConfig> configs);

  // No rules: Process returns its input.
  Relabeler();
  Relabeler(Relabeler&&) noexcept;
  Relabeler& operator=(Relabeler&&) noexcept;
  ~Relabeler();

  // Applies the rules in order to `in`. Returns the resulting labels (sorted, no empty
  // values), or nullopt when a keep, drop, keepequal or dropequal rule drops it.
  std::optional<model::Labels> Process(const model::Labels& in) const;

  // True when there are no rules: Process returns its input.
  bool empty() const { return rules_.empty(); }

 private:
  struct Rule;
  explicit Relabeler(std::vector<Rule> rules);

  std::vector<Rule> rules_;
};

}  // namespace osprey::ingest
