#include "server/cli.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "base/strings.h"
#include "http/client.h"

namespace osprey::server {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kUsage =
    "usage: osprey incidents list [--state triggered|acknowledged|resolved|open]\n"
    "                             [--severity critical|warning|info] [--service S] [--limit N]\n"
    "       osprey incidents show ID\n"
    "       osprey incidents ack ID [--as NAME]\n"
    "       osprey incidents resolve ID [--as NAME]\n"
    "       osprey incidents note ID TEXT [--as NAME]\n"
    "       osprey oncall now\n"
    "global flags: --url URL (default $OSPREY_URL, else http://localhost:9090)\n"
    "              --user NAME --password PASSWORD (basic auth)\n"
    "              --json (print the server's JSON data)\n";

struct Parsed {
  std::vector<std::string> words;
  std::map<std::string, std::string> flags;  // name without "--" -> value
  bool json = false;
  bool help = false;
};

// Flags that take a value; --json and --help take none.
bool TakesValue(std::string_view name) {
  static constexpr std::string_view kNames[] = {"url",   "user",     "password", "as",
                                                "state", "severity", "service",  "limit"};
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

// Flags may come anywhere; "--" ends them (a note may start with "-").
std::optional<std::string> Parse(const std::vector<std::string>& args, Parsed& p) {
  bool only_words = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (only_words || a.size() < 2 || a[0] != '-') {
      p.words.push_back(a);
      continue;
    }
    if (a == "--") {
      only_words = true;
      continue;
    }
    if (a == "-h" || a == "--help") {
      p.help = true;
      continue;
    }
    std::string name = a.substr(a[1] == '-' ? 2 : 1);
    std::optional<std::string> value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    if (name == "json") {
      if (value.has_value()) return "flag --json takes no value";
      p.json = true;
      continue;
    }
    if (!TakesValue(name)) return "unknown flag " + a;
    if (!value.has_value()) {
      if (i + 1 >= args.size()) return "flag --" + name + " needs a value";
      value = args[++i];
    }
    p.flags[name] = *value;
  }
  return std::nullopt;
}

std::string Flag(const Parsed& p, const std::string& name) {
  auto it = p.flags.find(name);
  return it == p.flags.end() ? "" : it->second;
}

bool IsId(std::string_view s) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && ptr == s.data() + s.size() && v > 0;
}

// Text of a JSON value for a table cell: strings as they are, null as "-", arrays joined.
std::string Cell(const Json& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>().empty() ? "-" : v.get<std::string>();
  if (v.is_array()) {
    std::string out;
    for (const Json& e : v) {
      if (!out.empty()) out += ", ";
      out += Cell(e);
    }
    return out.empty() ? "-" : out;
  }
  return v.dump();
}

// "2026-11-22T01:02:03.456Z" -> "2026-11-22 01:02:03Z".
std::string Time(const Json& v) {
  if (!v.is_string()) return "-";
  std::string s = v.get<std::string>();
  if (s.size() >= 19) {
    std::string out = s.substr(0, 19) + "Z";
    out[10] = ' ';
    return out;
  }
  return s;
}

size_t Width(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Columns padded to their widest cell; the last column is not padded.
void PrintTable(std::ostream& out, const std::vector<std::vector<std::string>>& rows,
                std::string_view indent = "") {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], Width(row[i]));
  }
  for (const auto& row : rows) {
    std::string line(indent);
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line.append(widths[i] - Width(row[i]) + 2, ' ');
    }
    out << line << "\n";
  }
}

class Client {
 public:
  Client(const Parsed& p, std::string_view env_url, std::ostream& err) : err_(err) {
    base_ = Flag(p, "url");
    if (base_.empty()) base_ = std::string(env_url);
    if (base_.empty()) base_ = "http://localhost:9090";
    while (!base_.empty() && base_.back() == '/') base_.pop_back();
    options_.user_agent = "osprey-cli";
    options_.follow_redirects = false;
    if (p.flags.count("user") != 0) {
      options_.basic_auth = true;
      options_.username = Flag(p, "user");
      options_.password = Flag(p, "password");
    }
  }

  // The response's "data", or nullopt after printing the error.
  std::optional<Json> Call(const std::string& method, const std::string& path,
                           const std::string& body = "") {
    http::HttpClient client(options_);
    http::ClientRequest req;
    req.method = method;
    req.url = base_ + path;
    req.timeout = std::chrono::seconds(30);
    req.max_body_bytes = 64 << 20;
    req.headers.push_back({"X-Osprey-Via", "cli"});
    if (method == "POST") {
      req.headers.push_back({"Content-Type", "application/json"});
      req.body = body;
    }
    Result<http::ClientResponse> resp = client.Do(req);
    if (!resp.ok()) {
      err_ << "error: cannot reach Osprey at " << base_ << ": " << resp.status().message() << "\n";
      return std::nullopt;
    }
    Json j = Json::parse(resp->body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      std::string text = resp->body.substr(0, resp->body.find('\n'));
      if (text.size() > 200) text.resize(200);
      err_ << "error: " << req.url << ": HTTP " << resp->status << (text.empty() ? "" : ": " + text)
           << "\n";
      return std::nullopt;
    }
    if (j.value("status", "") != "success") {
      err_ << "error: " << j.value("error", "HTTP " + std::to_string(resp->status)) << "\n";
      return std::nullopt;
    }
    return j.contains("data") ? j["data"] : Json(nullptr);
  }

 private:
  std::ostream& err_;
  std::string base_;
  http::ClientOptions options_;
};

void PrintIncidents(std::ostream& out, const Json& data) {
  if (!data.is_array() || data.empty()) {
    out << "No incidents.\n";
    return;
  }
  std::vector<std::vector<std::string>> rows = {
      {"ID", "STATE", "SEVERITY", "OPENED", "SERVICES", "ASSIGNEE", "TITLE"}};
  for (const Json& i : data) {
    rows.push_back({Cell(i.value("id", Json(nullptr))), Cell(i.value("state", Json(""))),
                    Cell(i.value("severity", Json(""))), Time(i.value("opened_at", Json())),
                    Cell(i.value("services", Json::array())), Cell(i.value("assignee", Json(""))),
                    Cell(i.value("title", Json("")))});
  }
  PrintTable(out, rows);
}

void PrintIncident(std::ostream& out, const Json& i) {
  auto by = [&](const char* at, const char* who) {
    std::string s = Time(i.value(at, Json()));
    std::string name = i.value(who, "");
    if (s != "-" && !name.empty()) s += " by " + name;
    return s;
  };
  out << "Incident #" << Cell(i.value("id", Json())) << ": " << i.value("title", "") << "\n";
  PrintTable(out, {{"State:", Cell(i.value("state", Json("")))},
                   {"Severity:", Cell(i.value("severity", Json("")))},
                   {"Services:", Cell(i.value("services", Json::array()))},
                   {"Policy:", Cell(i.value("policy", Json("")))},
                   {"Assignee:", Cell(i.value("assignee", Json("")))},
                   {"Opened:", Time(i.value("opened_at", Json()))},
                   {"Acknowledged:", by("acknowledged_at", "acknowledged_by")},
                   {"Resolved:", by("resolved_at", "resolved_by")},
                   {"URL:", Cell(i.value("url", Json("")))}});
  if (i.contains("alerts") && !i["alerts"].empty()) {
    out << "\nAlerts:\n";
    std::vector<std::vector<std::string>> rows = {{"STATUS", "STARTED", "LABELS"}};
    for (const Json& a : i["alerts"]) {
      std::string labels;
      const Json label_set = a.value("labels", Json::object());
      for (const auto& [k, v] : label_set.items()) {
        if (!labels.empty()) labels += ", ";
        labels += k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
      }
      rows.push_back({Cell(a.value("status", Json(""))), Time(a.value("starts_at", Json())),
                      "{" + labels + "}"});
    }
    PrintTable(out, rows, "  ");
  }
  if (i.contains("timeline")) {
    out << "\nTimeline:\n";
    std::vector<std::vector<std::string>> rows = {{"AT", "KIND", "ACTOR", "MESSAGE"}};
    for (const Json& e : i["timeline"]) {
      rows.push_back({Time(e.value("at", Json())), Cell(e.value("kind", Json(""))),
                      Cell(e.value("actor", Json(""))), e.value("message", "")});
    }
    PrintTable(out, rows, "  ");
  }
}

void PrintOnCall(std::ostream& out, const Json& data) {
  const Json schedules = data.value("schedules", Json::array());
  const Json policies = data.value("policies", Json::array());
  if (schedules.empty() && policies.empty()) {
    out << "No schedules or escalation policies are configured.\n";
    return;
  }
  if (!schedules.empty()) {
    std::vector<std::vector<std::string>> rows = {{"SCHEDULE", "ON CALL", "NEXT", "HAND-OFF"}};
    for (const Json& s : schedules) {
      std::string now = Cell(s.value("now", Json::array()));
      rows.push_back({Cell(s.value("schedule", Json(""))), now == "-" ? "(nobody: gap)" : now,
                      Cell(s.value("next", Json::array())),
                      Time(s.value("next_change_at", Json()))});
    }
    PrintTable(out, rows);
  }
  if (!policies.empty()) {
    if (!schedules.empty()) out << "\n";
    std::vector<std::vector<std::string>> rows = {{"POLICY", "LEVEL 1 NOW"}};
    for (const Json& p : policies) {
      rows.push_back({Cell(p.value("policy", Json(""))), Cell(p.value("level1_now", Json()))});
    }
    PrintTable(out, rows);
  }
}

int Usage(std::ostream& err, std::string_view problem) {
  err << "error: " << problem << "\n" << kUsage;
  return 2;
}

}  // namespace

bool IsCliCommand(std::string_view first_arg) {
  return first_arg == "incidents" || first_arg == "oncall";
}

int RunCli(const std::vector<std::string>& args, std::string_view env_url, std::ostream& out,
           std::ostream& err) {
  Parsed p;
  if (std::optional<std::string> problem = Parse(args, p)) return Usage(err, *problem);
  if (p.help) {
    out << kUsage;
    return 0;
  }
  const std::vector<std::string>& w = p.words;
  if (w.size() < 2) return Usage(err, "missing command");
  const std::string cmd = w[0] + " " + w[1];
  // Which flags each command accepts, besides the global ones.
  static const std::map<std::string, std::vector<std::string>> kCommandFlags = {
      {"incidents list", {"state", "severity", "service", "limit"}},
      {"incidents show", {}},
      {"incidents ack", {"as"}},
      {"incidents resolve", {"as"}},
      {"incidents note", {"as"}},
      {"oncall now", {}},
  };
  auto known = kCommandFlags.find(cmd);
  if (known == kCommandFlags.end()) return Usage(err, "unknown command \"" + cmd + "\"");
  for (const auto& [name, value] : p.flags) {
    if (name == "url" || name == "user" || name == "password") continue;
    if (std::find(known->second.begin(), known->second.end(), name) == known->second.end()) {
      return Usage(err, "flag --" + name + " does not apply to \"" + cmd + "\"");
    }
  }
  if (p.flags.count("password") != 0 && p.flags.count("user") == 0) {
    return Usage(err, "--password needs --user");
  }
  const size_t want_words = cmd == "incidents note"                            ? 4
                            : (cmd == "incidents list" || cmd == "oncall now") ? 2
                                                                               : 3;
  if (w.size() < want_words) {
    return Usage(err,
                 want_words == 4 && w.size() == 3 ? "missing note text" : "missing incident ID");
  }
  if (w.size() > want_words) return Usage(err, "unexpected argument \"" + w[want_words] + "\"");
  if (want_words >= 3 && !IsId(w[2])) {
    return Usage(err, "incident ID must be a positive integer, got \"" + w[2] + "\"");
  }

  Client client(p, env_url, err);
  std::optional<Json> data;
  if (cmd == "incidents list") {
    std::string query;
    for (const char* name : {"state", "severity", "service", "limit"}) {
      if (p.flags.count(name) == 0) continue;
      query += query.empty() ? "?" : "&";
      query += std::string(name) + "=" + QueryEscape(Flag(p, name));
    }
    data = client.Call("GET", "/api/v1/incidents" + query);
    if (data.has_value() && !p.json) PrintIncidents(out, *data);
  } else if (cmd == "incidents show") {
    data = client.Call("GET", "/api/v1/incidents/" + w[2]);
    if (data.has_value() && !p.json) PrintIncident(out, *data);
  } else if (cmd == "oncall now") {
    data = client.Call("GET", "/api/v1/oncall");
    if (data.has_value() && !p.json) PrintOnCall(out, *data);
  } else {
    Json body = Json::object();
    if (p.flags.count("as") != 0) body["by"] = Flag(p, "as");
    std::string path = "/api/v1/incidents/" + w[2] + "/";
    std::string done;
    if (w[1] == "ack") {
      path += "ack";
      done = "acknowledged";
    } else if (w[1] == "resolve") {
      path += "resolve";
      done = "resolved";
    } else {
      path += "notes";
      body["text"] = w[3];
      done = "noted";
    }
    data = client.Call("POST", path, body.dump());
    if (data.has_value() && !p.json) {
      out << "Incident #" << w[2] << " " << done
          << " (state: " << Cell(data->value("state", Json(""))) << ").\n";
    }
  }
  if (!data.has_value()) return 1;
  if (p.json) out << data->dump(2) << "\n";
  return 0;
}

}  // namespace osprey::server
