#include "scrape/discovery.h"

#include <glob.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "http/client.h"
#include "http/config_client_options.h"

namespace osprey::scrape {
namespace {

using Clock = std::chrono::steady_clock;

Status AddTarget(std::string_view address, const std::map<std::string, std::string>& labels,
                 const model::Labels& extra, std::string_view source,
                 std::vector<DiscoveredTarget>& out) {
  if (address.empty()) return InvalidArgumentError(std::string(source) + ": empty target");
  model::LabelsBuilder b(extra);
  for (const auto& [name, value] : labels) {
    if (!model::IsValidLabelName(name)) {
      return InvalidArgumentError(std::string(source) + ": invalid label name \"" + name + "\"");
    }
    b.Set(name, value);
  }
  b.Set("__address__", address);
  out.push_back({b.Build()});
  return OkStatus();
}

Result<std::vector<DiscoveredTarget>> ParseJsonGroups(std::string_view text,
                                                      const model::Labels& extra,
                                                      std::string_view source) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return InvalidArgumentError(std::string(source) + ": not valid JSON");
  }
  if (!doc.is_array()) {
    return InvalidArgumentError(std::string(source) + ": expected a list of target groups");
  }
  std::vector<DiscoveredTarget> out;
  for (size_t i = 0; i < doc.size(); ++i) {
    const nlohmann::json& g = doc[i];
    std::string where = std::string(source) + ": group " + std::to_string(i);
    if (!g.is_object()) return InvalidArgumentError(where + ": expected an object");
    std::map<std::string, std::string> labels;
    if (auto it = g.find("labels"); it != g.end() && !it->is_null()) {
      if (!it->is_object()) return InvalidArgumentError(where + ": labels must be an object");
      for (auto& [name, value] : it->items()) {
        if (!value.is_string()) {
          return InvalidArgumentError(where + ": label \"" + name + "\" must be a string");
        }
        labels[name] = value.get<std::string>();
      }
    }
    auto targets = g.find("targets");
    if (targets == g.end() || !targets->is_array()) {
      return InvalidArgumentError(where + ": targets must be a list");
    }
    for (const nlohmann::json& t : *targets) {
      if (!t.is_string()) return InvalidArgumentError(where + ": a target must be a string");
      OSPREY_RETURN_IF_ERROR(AddTarget(t.get<std::string>(), labels, extra, where, out));
    }
  }
  return out;
}

Result<std::vector<DiscoveredTarget>> ParseYamlGroups(std::string_view text,
                                                      const model::Labels& extra,
                                                      std::string_view source) {
  try {
    YAML::Node doc = YAML::Load(std::string(text));
    std::vector<DiscoveredTarget> out;
    if (doc.IsNull()) return out;
    if (!doc.IsSequence()) {
      return InvalidArgumentError(std::string(source) + ": expected a list of target groups");
    }
    for (size_t i = 0; i < doc.size(); ++i) {
      const YAML::Node g = doc[i];
      std::string where = std::string(source) + ":" + std::to_string(g.Mark().line + 1) +
                          ": group " + std::to_string(i);
      if (!g.IsMap()) return InvalidArgumentError(where + ": expected a mapping");
      std::map<std::string, std::string> labels;
      if (const YAML::Node l = g["labels"]; l && !l.IsNull()) {
        if (!l.IsMap()) return InvalidArgumentError(where + ": labels must be a mapping");
        for (const auto& kv : l) {
          if (!kv.second.IsScalar()) {
            return InvalidArgumentError(where + ": label values must be strings");
          }
          labels[kv.first.as<std::string>()] = kv.second.as<std::string>();
        }
      }
      const YAML::Node t = g["targets"];
      if (!t || !t.IsSequence()) return InvalidArgumentError(where + ": targets must be a list");
      for (const auto& target : t) {
        if (!target.IsScalar()) return InvalidArgumentError(where + ": a target must be a string");
        OSPREY_RETURN_IF_ERROR(AddTarget(target.as<std::string>(), labels, extra, where, out));
      }
    }
    return out;
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(std::string(source) + ": " + e.what());
  }
}

class StaticDiscoverer final : public Discoverer {
 public:
  explicit StaticDiscoverer(const config::StaticConfig& c) {
    for (const std::string& t : c.targets) {
      AddTarget(t, c.labels, model::Labels(), "static_configs", targets_).IgnoreError();
    }
  }
  Result<bool> Refresh(Clock::time_point, bool force) override {
    bool first = !reported_;
    reported_ = true;
    return first || force;
  }
  const std::vector<DiscoveredTarget>& targets() const override { return targets_; }
  std::string_view mechanism() const override { return "static"; }

 private:
  std::vector<DiscoveredTarget> targets_;
  bool reported_ = false;
};

class FileDiscoverer final : public Discoverer {
 public:
  explicit FileDiscoverer(config::FileSdConfig c) : config_(std::move(c)) {}

  Result<bool> Refresh(Clock::time_point now, bool force) override {
    // The files matching now, with their modification times.
    std::map<std::string, int64_t> files;
    for (const std::string& pattern : config_.files) {
      glob_t g{};
      if (glob(pattern.c_str(), 0, nullptr, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; ++i) {
          struct stat st {};
          if (stat(g.gl_pathv[i], &st) == 0) {
            files[g.gl_pathv[i]] = st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
          }
        }
      }
      globfree(&g);
    }
    const bool due = now >= next_full_;
    if (!force && !due && files == mtimes_) return false;
    next_full_ = now + std::chrono::milliseconds(config_.refresh_interval.ms);
    // Re-read every file; a file that fails keeps its previous targets.
    Status first_error;
    std::map<std::string, std::vector<DiscoveredTarget>> per_file;
    for (const auto& [path, mtime] : files) {
      Result<std::vector<DiscoveredTarget>> read = ReadFile(path);
      if (read.ok()) {
        per_file[path] = std::move(read).value();
      } else {
        if (first_error.ok()) first_error = read.status();
        if (auto it = per_file_.find(path); it != per_file_.end()) per_file[path] = it->second;
      }
    }
    mtimes_ = std::move(files);
    per_file_ = std::move(per_file);
    std::vector<DiscoveredTarget> all;
    for (const auto& [path, targets] : per_file_)
      all.insert(all.end(), targets.begin(), targets.end());
    const bool changed = all != targets_;
    targets_ = std::move(all);
    if (!first_error.ok()) return first_error;
    return changed;
  }
  const std::vector<DiscoveredTarget>& targets() const override { return targets_; }
  std::string_view mechanism() const override { return "file"; }

 private:
  static Result<std::vector<DiscoveredTarget>> ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return UnavailableError("open " + path + ": cannot read");
    std::stringstream ss;
    ss << in.rdbuf();
    const bool yaml = path.ends_with(".yml") || path.ends_with(".yaml");
    if (!yaml && !path.ends_with(".json")) {
      return InvalidArgumentError(path + ": unknown file extension (want .json, .yml or .yaml)");
    }
    return ParseTargetGroups(ss.str(), yaml, model::Labels::FromStrings({"__meta_filepath", path}),
                             path);
  }

  const config::FileSdConfig config_;
  std::map<std::string, int64_t> mtimes_;
  std::map<std::string, std::vector<DiscoveredTarget>> per_file_;
  std::vector<DiscoveredTarget> targets_;
  Clock::time_point next_full_{};
};

class HttpDiscoverer final : public Discoverer {
 public:
  explicit HttpDiscoverer(config::HttpSdConfig c)
      : config_(std::move(c)), options_(http::ClientOptionsFromConfig(config_.http_client)) {}

  Result<bool> Refresh(Clock::time_point now, bool force) override {
    if (!force && now < next_) return false;
    next_ = now + std::chrono::milliseconds(config_.refresh_interval.ms);
    if (!options_.ok()) return options_.status();
    if (client_ == nullptr) client_ = std::make_unique<http::HttpClient>(*options_);
    http::ClientRequest req{.url = config_.url, .timeout = std::chrono::seconds(30)};
    req.headers.emplace_back("Accept", "application/json");
    req.headers.emplace_back("X-Prometheus-Refresh-Interval-Seconds",
                             std::to_string(config_.refresh_interval.ms / 1000));
    OSPREY_ASSIGN_OR_RETURN(http::ClientResponse resp, client_->Do(req));
    if (resp.status != 200) {
      return UnavailableError(config_.url + ": server returned HTTP status " +
                              std::to_string(resp.status));
    }
    if (!resp.content_type.starts_with("application/json")) {
      return InvalidArgumentError(config_.url + ": unsupported content type \"" +
                                  resp.content_type + "\"");
    }
    OSPREY_ASSIGN_OR_RETURN(
        std::vector<DiscoveredTarget> targets,
        ParseTargetGroups(resp.body, false, model::Labels::FromStrings({"__meta_url", config_.url}),
                          config_.url));
    const bool changed = targets != targets_;
    targets_ = std::move(targets);
    return changed;
  }
  const std::vector<DiscoveredTarget>& targets() const override { return targets_; }
  std::string_view mechanism() const override { return "http"; }

 private:
  const config::HttpSdConfig config_;
  const Result<http::ClientOptions> options_;
  std::unique_ptr<http::HttpClient> client_;
  std::vector<DiscoveredTarget> targets_;
  Clock::time_point next_{};
};

}  // namespace

Result<std::vector<DiscoveredTarget>> ParseTargetGroups(std::string_view text, bool yaml,
                                                        const model::Labels& extra,
                                                        std::string_view source) {
  return yaml ? ParseYamlGroups(text, extra, source) : ParseJsonGroups(text, extra, source);
}

std::vector<std::unique_ptr<Discoverer>> MakeDiscoverers(const config::ScrapeConfig& cfg) {
  std::vector<std::unique_ptr<Discoverer>> out;
  for (const config::StaticConfig& c : cfg.static_configs) {
    out.push_back(std::make_unique<StaticDiscoverer>(c));
  }
  for (const config::FileSdConfig& c : cfg.file_sd_configs) {
    out.push_back(std::make_unique<FileDiscoverer>(c));
  }
  for (const config::HttpSdConfig& c : cfg.http_sd_configs) {
    out.push_back(std::make_unique<HttpDiscoverer>(c));
  }
  return out;
}

}  // namespace osprey::scrape
