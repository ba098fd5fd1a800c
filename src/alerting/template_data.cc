#include "alerting/template_data.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <utility>

namespace osprey::alerting {
namespace {

// Go's zero time.Time (0001-01-01T00:00:00Z) in milliseconds since the Unix epoch.
constexpr int64_t kGoZeroTimeMs = -62135596800000;

// Keeps the labels of `common` that `other` has with the same value.
model::Labels Intersect(const model::Labels& common, const model::Labels& other) {
  std::vector<model::Label> out;
  for (const model::Label& l : common) {
    if (other.Has(l.name) && other.Get(l.name) == l.value) out.push_back(l);
  }
  return model::Labels(std::move(out));
}

// Alertmanager's SortedPairs order: alertname first, the rest by name.
std::vector<const model::Label*> SortedPairOrder(const model::Labels& labels) {
  std::vector<const model::Label*> out;
  for (const model::Label& l : labels) {
    if (l.name == "alertname") out.insert(out.begin(), &l);
  }
  for (const model::Label& l : labels) {
    if (l.name != "alertname") out.push_back(&l);
  }
  return out;
}

// A KV value back to labels. Requires a map of strings (what KvValue builds); other entries are
// printed with ToString.
model::Labels LabelsOf(const tmpl::Value& kv) {
  std::vector<model::Label> out;
  if (kv.kind() != tmpl::Value::Kind::kMap) return model::Labels();
  for (const auto& [name, value] : kv.AsMap()) {
    out.push_back(
        {name, value.kind() == tmpl::Value::Kind::kString ? value.AsString() : value.ToString()});
  }
  return model::Labels(std::move(out));
}

tmpl::Value PairsValue(const model::Labels& labels) {
  tmpl::Value::List pairs;
  for (const model::Label* l : SortedPairOrder(labels)) {
    tmpl::Value::Map pair;
    pair.emplace("Name", tmpl::Value(l->name));
    pair.emplace("Value", tmpl::Value(l->value));
    pairs.push_back(tmpl::Value(std::move(pair)));
  }
  return tmpl::Value(std::move(pairs)).WithType("Pairs");
}

tmpl::Value PairsField(const tmpl::Value& pairs, std::string_view field) {
  tmpl::Value::List out;
  if (pairs.kind() != tmpl::Value::Kind::kList) return tmpl::Value(std::move(out));
  for (const tmpl::Value& p : pairs.AsList()) {
    if (p.kind() != tmpl::Value::Kind::kMap) continue;
    auto it = p.AsMap().find(field);
    if (it != p.AsMap().end()) out.push_back(it->second);
  }
  return tmpl::Value(std::move(out));
}

tmpl::Value FilterAlerts(const tmpl::Value& alerts, std::string_view status) {
  tmpl::Value::List out;
  if (alerts.kind() == tmpl::Value::Kind::kList) {
    for (const tmpl::Value& a : alerts.AsList()) {
      if (a.kind() != tmpl::Value::Kind::kMap) continue;
      auto it = a.AsMap().find("Status");
      if (it != a.AsMap().end() && it->second.kind() == tmpl::Value::Kind::kString &&
          it->second.AsString() == status) {
        out.push_back(a);
      }
    }
  }
  return tmpl::Value(std::move(out)).WithType("Alerts");
}

tmpl::Value TimeValue(int64_t ms) { return tmpl::Value::Time(ms == 0 ? kGoZeroTimeMs : ms); }

}  // namespace

std::string FingerprintText(uint64_t fp) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(fp));
  return std::string(buf, 16);
}

std::string QuoteMeta(std::string_view s) {
  static constexpr std::string_view kSpecial = "\\.+*?()|[]{}^$";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (kSpecial.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

TemplateData MakeTemplateData(const NotifyContext& ctx, std::span<const model::Alert> alerts) {
  TemplateData d;
  d.receiver = QuoteMeta(ctx.receiver);
  d.external_url = ctx.external_url;
  while (!d.external_url.empty() && d.external_url.back() == '/') d.external_url.pop_back();
  d.group_labels = ctx.group_labels;
  bool any_firing = false;
  for (const model::Alert& a : alerts) {
    TemplateAlert t;
    const bool resolved = a.ResolvedAt(ctx.now);
    any_firing = any_firing || !resolved;
    t.status = resolved ? "resolved" : "firing";
    t.labels = a.labels;
    t.annotations = a.annotations;
    t.starts_at = a.starts_at;
    // An end in the future is a "valid until", not an end: Alertmanager hides it.
    t.ends_at = resolved ? a.ends_at : 0;
    t.generator_url = a.generator_url;
    t.fingerprint = FingerprintText(a.Fingerprint());
    t.alert_url = d.external_url;
    t.alert_url += "/alerting?fingerprint=";
    t.alert_url += t.fingerprint;
    d.alerts.push_back(std::move(t));
  }
  d.status = any_firing ? "firing" : "resolved";
  if (!alerts.empty()) {
    d.common_labels = alerts[0].labels;
    d.common_annotations = alerts[0].annotations;
    for (const model::Alert& a : alerts.subspan(1)) {
      d.common_labels = Intersect(d.common_labels, a.labels);
      d.common_annotations = Intersect(d.common_annotations, a.annotations);
    }
  }
  return d;
}

tmpl::Value KvValue(const model::Labels& labels) {
  tmpl::Value::Map m;
  for (const model::Label& l : labels) m.emplace(l.name, tmpl::Value(l.value));
  return tmpl::Value(std::move(m)).WithType("KV");
}

tmpl::Value AlertToTemplateValue(const TemplateAlert& a) {
  tmpl::Value::Map m;
  m.emplace("Status", tmpl::Value(a.status));
  m.emplace("Labels", KvValue(a.labels));
  m.emplace("Annotations", KvValue(a.annotations));
  m.emplace("StartsAt", TimeValue(a.starts_at));
  m.emplace("EndsAt", TimeValue(a.ends_at));
  m.emplace("GeneratorURL", tmpl::Value(a.generator_url));
  m.emplace("Fingerprint", tmpl::Value(a.fingerprint));
  m.emplace("AlertURL", tmpl::Value(a.alert_url));
  return tmpl::Value(std::move(m));
}

tmpl::Value ToTemplateValue(const TemplateData& d) {
  tmpl::Value::List alerts;
  for (const TemplateAlert& a : d.alerts) alerts.push_back(AlertToTemplateValue(a));
  tmpl::Value::Map m;
  m.emplace("Receiver", tmpl::Value(d.receiver));
  m.emplace("Status", tmpl::Value(d.status));
  m.emplace("Alerts", tmpl::Value(std::move(alerts)).WithType("Alerts"));
  m.emplace("GroupLabels", KvValue(d.group_labels));
  m.emplace("CommonLabels", KvValue(d.common_labels));
  m.emplace("CommonAnnotations", KvValue(d.common_annotations));
  m.emplace("ExternalURL", tmpl::Value(d.external_url));
  return tmpl::Value(std::move(m));
}

void AddNotificationFuncs(tmpl::FuncMap* funcs) {
  funcs->AddMethod("KV", "SortedPairs",
                   [](const tmpl::Value& kv, std::span<const tmpl::Value>) -> Result<tmpl::Value> {
                     return PairsValue(LabelsOf(kv));
                   });
  funcs->AddMethod("KV", "Names",
                   [](const tmpl::Value& kv, std::span<const tmpl::Value>) -> Result<tmpl::Value> {
                     return PairsField(PairsValue(LabelsOf(kv)), "Name");
                   });
  funcs->AddMethod("KV", "Values",
                   [](const tmpl::Value& kv, std::span<const tmpl::Value>) -> Result<tmpl::Value> {
                     return PairsField(PairsValue(LabelsOf(kv)), "Value");
                   });
  funcs->AddMethod(
      "KV", "Remove",
      [](const tmpl::Value& kv, std::span<const tmpl::Value> args) -> Result<tmpl::Value> {
        if (args.size() != 1 || args[0].kind() != tmpl::Value::Kind::kList) {
          return InvalidArgumentError("Remove takes one list of names (stringSlice \"a\" \"b\")");
        }
        std::set<std::string, std::less<>> drop;
        for (const tmpl::Value& n : args[0].AsList()) {
          drop.insert(n.kind() == tmpl::Value::Kind::kString ? n.AsString() : n.ToString());
        }
        tmpl::Value::Map out;
        if (kv.kind() == tmpl::Value::Kind::kMap) {
          for (const auto& [name, value] : kv.AsMap()) {
            if (!drop.contains(name)) out.emplace(name, value);
          }
        }
        return tmpl::Value(std::move(out)).WithType("KV");
      });
  funcs->AddMethod("Pairs", "Names",
                   [](const tmpl::Value& p, std::span<const tmpl::Value>) -> Result<tmpl::Value> {
                     return PairsField(p, "Name");
                   });
  funcs->AddMethod("Pairs", "Values",
                   [](const tmpl::Value& p, std::span<const tmpl::Value>) -> Result<tmpl::Value> {
                     return PairsField(p, "Value");
                   });
  funcs->AddMethod("Alerts", "Firing",
                   [](const tmpl::Value& a, std::span<const tmpl::Value>) -> Result<tmpl::Value> {
                     return FilterAlerts(a, "firing");
                   });
  funcs->AddMethod("Alerts", "Resolved",
                   [](const tmpl::Value& a, std::span<const tmpl::Value>) -> Result<tmpl::Value> {
                     return FilterAlerts(a, "resolved");
                   });
}

}  // namespace osprey::alerting
