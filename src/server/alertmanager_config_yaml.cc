// AlertmanagerConfigYaml: the subset of Config::ToYaml() that Alertmanager 0.25 loads. Its
// config.Load is strict (an unknown key is an error), so Osprey's own keys are left out:
// global's Prometheus keys and external_url, the integrations Alertmanager 0.25 lacks
// (msteams_configs, sms_configs) and the *_file variants it lacks (webhook url_file, telegram
// bot_token_file), which become a placeholder for the value they name.
#include <yaml-cpp/yaml.h>

#include <set>
#include <string>

#include "server/alertmanager_api.h"

namespace osprey::server {
namespace {

// Alertmanager 0.25's top-level keys that Osprey emits.
const std::set<std::string>& AlertmanagerTopLevelKeys() {
  static const std::set<std::string> kKeys = {
      "route", "receivers", "inhibit_rules", "time_intervals", "mute_time_intervals", "templates"};
  return kKeys;
}

// Keys of Osprey's `global:` that are not Alertmanager's.
const std::set<std::string>& NonAlertmanagerGlobalKeys() {
  static const std::set<std::string> kKeys = {"scrape_interval",     "scrape_timeout",
                                              "evaluation_interval", "external_labels",
                                              "query_log_file",      "external_url"};
  return kKeys;
}

// Emits `node` keeping quoted scalars quoted (a quoted "true" or "5" must stay a string).
void Emit(const YAML::Node& node, YAML::Emitter& out) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      out << YAML::BeginMap;
      for (const auto& kv : node) {
        out << YAML::Key;
        Emit(kv.first, out);
        out << YAML::Value;
        Emit(kv.second, out);
      }
      out << YAML::EndMap;
      break;
    case YAML::NodeType::Sequence:
      out << YAML::BeginSeq;
      for (const auto& item : node) Emit(item, out);
      out << YAML::EndSeq;
      break;
    case YAML::NodeType::Scalar:
      if (node.Tag() == "!") {
        out << YAML::DoubleQuoted << node.Scalar();
      } else {
        out << node.Scalar();
      }
      break;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      out << YAML::Null;
      break;
  }
}

YAML::Node FilterReceiver(const YAML::Node& receiver) {
  YAML::Node out(YAML::NodeType::Map);
  for (const auto& kv : receiver) {
    const std::string key = kv.first.Scalar();
    if (key == "msteams_configs" || key == "sms_configs") continue;
    if (key != "webhook_configs" && key != "telegram_configs") {
      out[kv.first] = kv.second;
      continue;
    }
    const bool webhook = key == "webhook_configs";
    YAML::Node list(YAML::NodeType::Sequence);
    for (const YAML::Node& c : kv.second) {
      YAML::Node copy(YAML::NodeType::Map);
      bool has_value = false;
      for (const auto& field : c) {
        const std::string name = field.first.Scalar();
        if (name == (webhook ? "url_file" : "bot_token_file")) continue;
        if (name == (webhook ? "url" : "bot_token")) has_value = true;
        copy[field.first] = field.second;
      }
      // The value comes from a file Alertmanager 0.25 cannot name: show a placeholder that
      // its validation accepts.
      if (!has_value) {
        if (webhook) {
          copy["url"] = "http://url-file.invalid/";
        } else {
          copy["bot_token"] = "<secret>";
        }
      }
      list.push_back(copy);
    }
    out[kv.first] = list;
  }
  return out;
}

}  // namespace

std::string AlertmanagerConfigYaml(const config::Config& config) {
  if (!config.route) return "";
  YAML::Node full;
  try {
    full = YAML::Load(config.ToYaml());
  } catch (const YAML::Exception&) {
    return "";  // ToYaml always emits valid YAML; nothing better to show.
  }
  YAML::Emitter out;
  out << YAML::BeginMap;
  if (const YAML::Node global = full["global"]; global && global.IsMap()) {
    out << YAML::Key << "global" << YAML::Value << YAML::BeginMap;
    for (const auto& kv : global) {
      if (NonAlertmanagerGlobalKeys().contains(kv.first.Scalar())) continue;
      out << YAML::Key;
      Emit(kv.first, out);
      out << YAML::Value;
      Emit(kv.second, out);
    }
    out << YAML::EndMap;
  }
  for (const auto& kv : full) {
    const std::string key = kv.first.Scalar();
    if (!AlertmanagerTopLevelKeys().contains(key)) continue;
    out << YAML::Key << key << YAML::Value;
    if (key == "receivers") {
      out << YAML::BeginSeq;
      for (const YAML::Node& r : kv.second) Emit(FilterReceiver(r), out);
      out << YAML::EndSeq;
    } else {
      Emit(kv.second, out);
    }
  }
  out << YAML::EndMap;
  std::string text = out.c_str();
  text += '\n';
  return text;
}

}  // namespace osprey::server
