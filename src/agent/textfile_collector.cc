// textfile: node_exporter 1.5's textfile collector. Every `*.prom` file in
// options.textfile_directory (a directory, or a glob of directories) is parsed with the
// ingest module's text-format parser and its families are written out after the built-in
// collectors', sorted by name, followed by node_textfile_mtime_seconds{file} for each file read
// and node_textfile_scrape_error (1 when anything was rejected).
//
// Rules (node_exporter's, from expfmt's parser and client_golang's registry):
// - A file with a syntax error, a client-side timestamp, a duplicate series, a second HELP or
//   TYPE line for a name, or a TYPE line after samples of that name contributes nothing.
// - A family without HELP gets "Metric read from <file>[, <file>...]". Series of a family
//   get every label name used in the family; missing ones are written with value "".
// - A family whose name (or a histogram/summary sample name) a built-in collector wrote in
//   this collection, or that node_exporter itself writes (node_scrape_collector_*,
//   node_textfile_*), is rejected; so is a family that another file declared with another
//   type or HELP text, and a series another file already wrote. node_exporter drops those
//   at gathering time with an error in its log; Osprey also sets node_textfile_scrape_error.
// Every rejection is logged at error with the file (and line when there is one).
//
// Bounded: a file above kMaxFileBytes, or with more than kMaxSeriesPerFile series, is
// rejected; at most kMaxFiles files per directory are read.
#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <map>
#include <set>
#include <utility>

#include "agent/internal/collectors.h"
#include "ingest/text_parser.h"

namespace osprey::agent::internal {
namespace {

constexpr size_t kMaxFileBytes = 16 << 20;
constexpr size_t kMaxSeriesPerFile = 100'000;
constexpr size_t kMaxFiles = 10'000;

using Labels = std::vector<std::pair<std::string, std::string>>;

struct TextfileSeries {
  std::string name;  // the family name, or it plus _bucket/_sum/_count
  Labels labels;     // sorted by name
  double value = 0;
};

struct TextfileFamily {
  std::string name;
  std::string help;
  bool has_help = false;
  ingest::MetricType type = ingest::MetricType::kUntyped;
  bool typed = false;
  std::vector<TextfileSeries> series;
  std::vector<std::string> files;  // that contributed to it, in order
};

bool IsLegacyName(std::string_view s, bool metric) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (metric && c == ':') || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string_view TypeName(ingest::MetricType t) {
  switch (t) {
    case ingest::MetricType::kCounter:
      return "counter";
    case ingest::MetricType::kGauge:
      return "gauge";
    case ingest::MetricType::kHistogram:
      return "histogram";
    case ingest::MetricType::kSummary:
      return "summary";
    default:
      return "untyped";
  }
}

std::string SeriesKey(const TextfileSeries& s) {
  std::string key = s.name;
  for (const auto& [name, value] : s.labels) {
    key.append("\xff").append(name).append("\xfe").append(value);
  }
  return key;
}

// Collects one file's families with expfmt's checks; errors name the line.
class FileVisitor : public ingest::TextVisitor {
 public:
  std::vector<TextfileFamily> families;

  Status OnHelp(std::string_view name, std::string_view help) override {
    OSPREY_ASSIGN_OR_RETURN(TextfileFamily * f, Get(name));
    if (f->has_help) {
      return InvalidArgumentError(std::string("second HELP line for metric name ").append(name));
    }
    f->help.assign(help);
    f->has_help = true;
    return OkStatus();
  }
  Status OnType(std::string_view name, ingest::MetricType type) override {
    OSPREY_ASSIGN_OR_RETURN(TextfileFamily * f, Get(name));
    if (f->typed) {
      return InvalidArgumentError(std::string("second TYPE line for metric name ").append(name));
    }
    if (!f->series.empty()) {
      return InvalidArgumentError(
          std::string("TYPE line for metric name ").append(name).append(" after its samples"));
    }
    if (type != ingest::MetricType::kCounter && type != ingest::MetricType::kGauge &&
        type != ingest::MetricType::kHistogram && type != ingest::MetricType::kSummary &&
        type != ingest::MetricType::kUntyped) {
      return InvalidArgumentError(std::string("unsupported TYPE for ").append(name));
    }
    f->type = type;
    f->typed = true;
    return OkStatus();
  }
  Status OnSample(const ingest::TextSample& s) override {
    auto at = [&](std::string_view what) {
      return InvalidArgumentError(
          std::string("line ").append(std::to_string(s.line)).append(": ").append(what));
    };
    if (s.has_timestamp) {
      return at("client-side timestamps are not supported; skipping the entire file");
    }
    if (++samples_ > kMaxSeriesPerFile) return at("more than 100000 series");
    if (!IsLegacyName(s.metric_name, true)) return at("metric name is not valid in text 0.0.4");
    TextfileFamily* family = nullptr;
    // A histogram's or summary's _bucket/_sum/_count samples belong to its family.
    for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
      if (!s.metric_name.ends_with(suffix)) continue;
      auto it = index_.find(s.metric_name.substr(0, s.metric_name.size() - suffix.size()));
      if (it == index_.end()) continue;
      TextfileFamily& f = families[it->second];
      if (f.type == ingest::MetricType::kHistogram ||
          (f.type == ingest::MetricType::kSummary && suffix != "_bucket")) {
        family = &f;
      }
    }
    if (family == nullptr) {
      OSPREY_ASSIGN_OR_RETURN(family, Get(s.metric_name));
      // Only a summary's quantile samples carry the bare family name.
      if (family->type == ingest::MetricType::kHistogram) {
        return at("histogram sample without _bucket, _sum or _count");
      }
    }
    TextfileSeries series{.name = std::string(s.metric_name), .labels = {}, .value = s.value};
    for (const auto& l : s.labels) {
      if (!IsLegacyName(l.name, false)) return at("label name is not valid in text 0.0.4");
      if (l.value.empty()) continue;  // an empty label is no label (filled in on output)
      series.labels.emplace_back(std::string(l.name), std::string(l.value));
    }
    std::sort(series.labels.begin(), series.labels.end());
    for (size_t i = 1; i < series.labels.size(); ++i) {
      if (series.labels[i].first == series.labels[i - 1].first) {
        return at(std::string("duplicate label name ").append(series.labels[i].first));
      }
    }
    if (!keys_.insert(SeriesKey(series)).second) return at("duplicate series");
    family->series.push_back(std::move(series));
    return OkStatus();
  }

 private:
  Result<TextfileFamily*> Get(std::string_view name) {
    if (!IsLegacyName(name, true)) {
      return InvalidArgumentError(
          std::string("metric name ").append(name).append(" is not valid in text 0.0.4"));
    }
    auto it = index_.find(name);
    if (it != index_.end()) return &families[it->second];
    index_.emplace(std::string(name), families.size());
    families.push_back(TextfileFamily{.name = std::string(name)});
    return &families.back();
  }

  std::map<std::string, size_t, std::less<>> index_;
  std::set<std::string> keys_;
  size_t samples_ = 0;
};

// Family names written since `start` ("# TYPE name ..." lines).
std::set<std::string, std::less<>> WrittenFamilies(std::string_view out) {
  std::set<std::string, std::less<>> names = {
      "node_scrape_collector_duration_seconds", "node_scrape_collector_success",
      "node_scrape_collector_error_info", "node_textfile_mtime_seconds",
      "node_textfile_scrape_error"};
  std::string_view rest = out, line;
  while (NextLine(rest, line)) {
    if (!line.starts_with("# TYPE ")) continue;
    line.remove_prefix(7);
    names.emplace(line.substr(0, line.find(' ')));
  }
  return names;
}

void WriteSeries(std::string& out, const TextfileSeries& s, const std::set<std::string>& names,
                 std::string_view special) {
  out += s.name;
  bool first = true;
  auto label = [&](std::string_view name, std::string_view value) {
    out += first ? '{' : ',';
    first = false;
    out.append(name).append("=\"");
    AppendLabelValue(out, value);
    out += '"';
  };
  // Sorted: every family label name (present or ""), and le/quantile in their place.
  // le and quantile as client_golang prints them (the parser normalized "1" to "1.0").
  std::string bound;
  auto special_label = [&](const std::pair<std::string, std::string>& l) {
    char* end = nullptr;
    double v = std::strtod(l.second.c_str(), &end);
    if (end == nullptr || *end != '\0' || l.second.empty()) return label(l.first, l.second);
    bound.clear();
    AppendDouble(bound, v);
    label(l.first, bound);
  };
  auto it = s.labels.begin();
  for (const std::string& name : names) {
    while (it != s.labels.end() && it->first < name) {
      if (it->first == special) special_label(*it);
      ++it;
    }
    if (it != s.labels.end() && it->first == name) {
      label(name, it->second);
      ++it;
    } else {
      label(name, "");
    }
  }
  for (; it != s.labels.end(); ++it) {
    if (it->first == special) special_label(*it);
  }
  if (!first) out += '}';
  out += ' ';
  AppendDouble(out, s.value);
  out += '\n';
}

}  // namespace

Status Collectors::CollectTextfile(TextWriter& w) {
  bool errored = false;
  auto log_error = [&](std::string_view msg, const std::string& file, const Status& err) {
    errored = true;
    if (options_.logger.has_value()) {
      options_.logger->Error(msg, {{"file", file}, {"err", err.message()}});
    }
  };
  std::vector<std::string> dirs;
  const std::string& pattern = options_.textfile_directory;
  if (!pattern.empty()) {
    glob_t g{};
    if (::glob(pattern.c_str(), GLOB_NOSORT, nullptr, &g) == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) dirs.emplace_back(g.gl_pathv[i]);
    }
    ::globfree(&g);
    if (dirs.empty()) dirs.push_back(pattern);  // not a glob: let the directory read report
    std::sort(dirs.begin(), dirs.end());
  }

  const std::set<std::string, std::less<>> builtin =
      WrittenFamilies(std::string_view(w.out()).substr(collection_start_));
  std::vector<TextfileFamily> merged;
  std::map<std::string, size_t, std::less<>> merged_index;
  std::set<std::string> merged_keys;
  std::vector<std::pair<std::string, double>> mtimes;
  ingest::TextParser parser(ingest::TextParserOptions{.reject_invalid_utf8 = true});
  for (const std::string& dir : dirs) {
    int err = 0;
    if (!ListDir(dir, /*skip_regular=*/false, dir_entries_, err)) {
      log_error("failed to read textfile collector directory", dir,
                ErrnoError(std::string("open ").append(dir), err));
      continue;
    }
    size_t files = 0;
    for (const std::string& entry : dir_entries_) {
      if (!entry.ends_with(".prom")) continue;
      if (++files > kMaxFiles) {
        log_error("too many textfiles; the rest are skipped", dir,
                  ResourceExhaustedError("more than 10000 *.prom files"));
        break;
      }
      const std::string path = std::string(dir).append("/").append(entry);
      struct stat st {};
      if (::stat(path.c_str(), &st) != 0) {
        log_error("failed to collect textfile data", path,
                  ErrnoError(std::string("stat ").append(path), errno));
        continue;
      }
      if (static_cast<uint64_t>(st.st_size) > kMaxFileBytes) {
        log_error("failed to collect textfile data", path,
                  ResourceExhaustedError("file larger than 16 MiB"));
        continue;
      }
      Result<std::string_view> body = reader_.Read(path);
      if (!body.ok()) {
        log_error("failed to collect textfile data", path, body.status());
        continue;
      }
      FileVisitor visitor;
      Status parsed = parser.Parse(*body, visitor);
      if (!parsed.ok()) {
        log_error("failed to parse textfile data", path, parsed);
        continue;
      }
      // Stat after parsing, so that a file replaced while read does not look fresh.
      if (::stat(path.c_str(), &st) != 0) {
        log_error("failed to collect textfile data", path,
                  ErrnoError(std::string("stat ").append(path), errno));
        continue;
      }
      mtimes.emplace_back(path, static_cast<double>(st.st_mtim.tv_sec));
      for (TextfileFamily& f : visitor.families) {
        if (f.series.empty()) continue;  // expfmt drops families without samples
        bool clash = builtin.count(f.name) > 0;
        for (const TextfileSeries& s : f.series) clash |= builtin.count(s.name) > 0;
        if (clash) {
          log_error("textfile metric collides with a built-in metric; dropped", path,
                    InvalidArgumentError(std::string("metric ").append(f.name)));
          continue;
        }
        auto it = merged_index.find(f.name);
        if (it == merged_index.end()) {
          for (const TextfileSeries& s : f.series) merged_keys.insert(SeriesKey(s));
          merged_index.emplace(f.name, merged.size());
          f.files.push_back(path);
          merged.push_back(std::move(f));
          continue;
        }
        TextfileFamily& into = merged[it->second];
        if (into.type != f.type || into.has_help != f.has_help || into.help != f.help) {
          log_error("textfile metric declared with another type or HELP in another file; dropped",
                    path, InvalidArgumentError(std::string("metric ").append(f.name)));
          continue;
        }
        into.files.push_back(path);
        size_t dropped = 0;
        for (TextfileSeries& s : f.series) {
          if (!merged_keys.insert(SeriesKey(s)).second) {
            ++dropped;
            continue;
          }
          into.series.push_back(std::move(s));
        }
        if (dropped > 0) {  // one line per family, not per series
          log_error(
              "textfile series already read from another file; dropped", path,
              InvalidArgumentError(std::to_string(dropped).append(" series of ").append(f.name)));
        }
      }
    }
  }

  std::sort(merged.begin(), merged.end(),
            [](const TextfileFamily& a, const TextfileFamily& b) { return a.name < b.name; });
  std::string help;
  for (const TextfileFamily& f : merged) {
    if (f.has_help) {
      help = f.help;
    } else {
      help.assign("Metric read from ");
      for (size_t i = 0; i < f.files.size(); ++i) {
        if (i > 0) help += ", ";
        help += f.files[i];
      }
    }
    w.Family(f.name, help, TypeName(f.type));
    const std::string_view special = f.type == ingest::MetricType::kHistogram ? "le"
                                     : f.type == ingest::MetricType::kSummary ? "quantile"
                                                                              : "";
    std::set<std::string> names;
    for (const TextfileSeries& s : f.series) {
      for (const auto& l : s.labels) {
        if (l.first != special) names.insert(l.first);
      }
    }
    for (const TextfileSeries& s : f.series) WriteSeries(w.out(), s, names, special);
  }
  if (!mtimes.empty()) {
    std::sort(mtimes.begin(), mtimes.end());
    w.Family("node_textfile_mtime_seconds", "Unixtime mtime of textfiles successfully read.",
             "gauge");
    for (const auto& m : mtimes)
      w.Sample("node_textfile_mtime_seconds", {{"file", m.first}}, m.second);
  }
  w.Family("node_textfile_scrape_error",
           "1 if there was an error opening or reading a file, 0 otherwise", "gauge");
  w.Sample("node_textfile_scrape_error", errored ? 1 : 0);
  return OkStatus();
}

}  // namespace osprey::agent::internal
