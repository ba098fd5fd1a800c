#include "scrape/target.h"

#include <xxhash.h>

#include <string_view>

#include "base/strings.h"

namespace osprey::scrape {
namespace {

constexpr std::string_view kAddress = "__address__";
constexpr std::string_view kScheme = "__scheme__";
constexpr std::string_view kMetricsPath = "__metrics_path__";
constexpr std::string_view kInterval = "__scrape_interval__";
constexpr std::string_view kTimeout = "__scrape_timeout__";
constexpr std::string_view kParamPrefix = "__param_";

std::string TargetUrl(const model::Labels& lset, const config::ScrapeConfig& cfg) {
  std::string url(lset.Get(kScheme));
  url += "://";
  url += lset.Get(kAddress);
  std::string_view path = lset.Get(kMetricsPath);
  if (!path.starts_with('/')) url += '/';
  url += path;
  // Query: the configured params, where a __param_<name> label replaces the first value.
  std::map<std::string, std::vector<std::string>> params = cfg.params;
  for (const model::Label& l : lset) {
    if (l.name.starts_with(kParamPrefix)) {
      std::string name = l.name.substr(kParamPrefix.size());
      auto& values = params[name];
      if (values.empty()) {
        values.push_back(l.value);
      } else {
        values[0] = l.value;
      }
    }
  }
  char sep = path.find('?') == std::string_view::npos ? '?' : '&';
  for (const auto& [name, values] : params) {
    for (const std::string& v : values) {
      url += sep;
      sep = '&';
      AppendQueryEscaped(url, name);
      url += '=';
      AppendQueryEscaped(url, v);
    }
  }
  return url;
}

}  // namespace

Result<std::optional<TargetSpec>> PopulateTarget(const config::ScrapeConfig& cfg,
                                                 const ingest::Relabeler& relabeler,
                                                 const DiscoveredTarget& target) {
  // Defaults first; discovered labels win over them.
  model::LabelsBuilder b;
  b.Set("job", cfg.job_name);
  b.Set(kScheme, cfg.scheme);
  b.Set(kMetricsPath, cfg.metrics_path);
  b.Set(kInterval, model::FormatDuration(cfg.scrape_interval));
  b.Set(kTimeout, model::FormatDuration(cfg.scrape_timeout));
  for (const auto& [name, values] : cfg.params) {
    if (!values.empty()) b.Set(std::string(kParamPrefix) + name, values.front());
  }
  for (const model::Label& l : target.labels) b.Set(l.name, l.value);
  model::Labels pre_relabel = b.Build();

  TargetSpec spec;
  spec.discovered = pre_relabel;
  std::optional<model::Labels> relabeled = relabeler.empty()
                                               ? std::optional<model::Labels>(pre_relabel)
                                               : relabeler.Process(pre_relabel);
  if (!relabeled.has_value()) return std::optional<TargetSpec>();  // dropped
  if (relabeled->Get(kAddress).empty()) {
    return InvalidArgumentError("no address in target " + pre_relabel.ToString());
  }
  const model::Labels& lset = *relabeled;
  std::string_view address = lset.Get(kAddress);
  if (address.find('/') != std::string_view::npos) {
    return InvalidArgumentError("invalid address \"" + std::string(address) + "\" of target " +
                                lset.ToString() + ": it contains a path");
  }
  std::string_view scheme = lset.Get(kScheme);
  if (scheme != "http" && scheme != "https") {
    return InvalidArgumentError("invalid scheme \"" + std::string(scheme) + "\" of target " +
                                lset.ToString());
  }
  auto interval = model::ParseDuration(lset.Get(kInterval));
  if (!interval.ok() || interval->ms <= 0) {
    return InvalidArgumentError("invalid __scrape_interval__ \"" +
                                std::string(lset.Get(kInterval)) + "\" of target " +
                                lset.ToString());
  }
  auto timeout = model::ParseDuration(lset.Get(kTimeout));
  if (!timeout.ok() || timeout->ms <= 0) {
    return InvalidArgumentError("invalid __scrape_timeout__ \"" + std::string(lset.Get(kTimeout)) +
                                "\" of target " + lset.ToString());
  }
  if (timeout->ms > interval->ms) {
    return InvalidArgumentError("__scrape_timeout__ \"" + std::string(lset.Get(kTimeout)) +
                                "\" greater than __scrape_interval__ \"" +
                                std::string(lset.Get(kInterval)) + "\" in target " +
                                lset.ToString());
  }
  spec.interval = *interval;
  spec.timeout = *timeout;
  spec.url = TargetUrl(lset, cfg);

  // Final labels: no "__"-prefixed ones; instance defaults to the address.
  model::LabelsBuilder out;
  for (const model::Label& l : lset) {
    if (!l.name.starts_with("__")) out.Set(l.name, l.value);
  }
  if (!lset.Has("instance")) out.Set("instance", address);
  spec.labels = out.Build();
  for (const model::Label& l : spec.labels) {
    if (!model::IsValidLabelName(l.name)) {
      return InvalidArgumentError("invalid label name \"" + l.name + "\" in target " +
                                  spec.labels.ToString());
    }
    if (!model::IsValidUtf8(l.value)) {
      return InvalidArgumentError("invalid UTF-8 in label \"" + l.name + "\" of target " +
                                  spec.labels.ToString());
    }
  }
  std::string identity = spec.labels.ToString();
  identity += '\n';
  identity += spec.url;
  spec.key = XXH3_64bits(identity.data(), identity.size());
  return std::optional<TargetSpec>(std::move(spec));
}

}  // namespace osprey::scrape
