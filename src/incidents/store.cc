// Schema and row mapping of the incident store. Labels, annotations and services are JSON
// text columns (objects of name -> value, and an array); everything else is a plain column.
// A row that cannot be read back (bad JSON, unknown state) is reported as kDataLoss naming
// the incident, never a crash.
#include "incidents/store.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>

namespace osprey::incidents {
namespace {

// Version 1. Bump kSchemaVersion and add a step to Migrate() for any change.
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE incidents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  group_key TEXT NOT NULL,
  receiver TEXT NOT NULL,
  group_labels TEXT NOT NULL,
  title TEXT NOT NULL,
  severity TEXT NOT NULL,
  services TEXT NOT NULL,
  state TEXT NOT NULL,
  policy TEXT NOT NULL,
  assignee TEXT NOT NULL,
  opened_at_ms INTEGER NOT NULL,
  acknowledged_at_ms INTEGER NOT NULL,
  acknowledged_by TEXT NOT NULL,
  resolved_at_ms INTEGER NOT NULL,
  resolved_by TEXT NOT NULL,
  escalation_level INTEGER NOT NULL,
  escalation_pass INTEGER NOT NULL,
  next_escalation_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
);
CREATE INDEX incidents_by_group ON incidents (group_key, id);
CREATE INDEX incidents_by_state ON incidents (state, id);
CREATE TABLE incident_alerts (
  incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  fingerprint INTEGER NOT NULL,
  labels TEXT NOT NULL,
  annotations TEXT NOT NULL,
  starts_at_ms INTEGER NOT NULL,
  ends_at_ms INTEGER NOT NULL,
  firing INTEGER NOT NULL,
  generator_url TEXT NOT NULL,
  PRIMARY KEY (incident_id, fingerprint)
);
CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  at_ms INTEGER NOT NULL,
  kind TEXT NOT NULL,
  actor TEXT NOT NULL,
  message TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX events_by_incident ON events (incident_id, id);
CREATE TABLE used_ack_nonces (
  nonce TEXT PRIMARY KEY,
  incident_id INTEGER NOT NULL,
  used_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL
);
CREATE TABLE pending_actions (
  incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  action TEXT NOT NULL,
  due_at_ms INTEGER NOT NULL,
  PRIMARY KEY (incident_id, action)
);
)sql";

constexpr std::string_view kIncidentColumns =
    "id, group_key, receiver, group_labels, title, severity, services, state, policy, "
    "assignee, opened_at_ms, acknowledged_at_ms, acknowledged_by, resolved_at_ms, "
    "resolved_by, escalation_level, escalation_pass, next_escalation_at_ms, updated_at_ms";

std::string LabelsJson(const model::Labels& labels) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const model::Label& l : labels) j[l.name] = l.value;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string PairsJson(const std::vector<std::pair<std::string, std::string>>& pairs) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [k, v] : pairs) j[k] = v;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string ServicesJson(const std::vector<std::string>& services) {
  nlohmann::json j = nlohmann::json::array();
  for (const std::string& s : services) j.push_back(s);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Status BadRow(int64_t id, std::string_view what) {
  return DataLossError(std::string("incident store: incident ")
                           .append(std::to_string(id))
                           .append(": unreadable ")
                           .append(what));
}

Result<std::vector<std::pair<std::string, std::string>>> ParsePairs(int64_t id,
                                                                    std::string_view what,
                                                                    const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return BadRow(id, what);
  std::vector<std::pair<std::string, std::string>> out;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!it.value().is_string()) return BadRow(id, what);
    out.emplace_back(it.key(), it.value().get<std::string>());
  }
  return out;
}

Result<model::Labels> ParseLabels(int64_t id, std::string_view what, const std::string& text) {
  OSPREY_ASSIGN_OR_RETURN(auto pairs, ParsePairs(id, what, text));
  std::vector<model::Label> labels;
  for (auto& [k, v] : pairs) labels.push_back(model::Label{std::move(k), std::move(v)});
  return model::Labels(std::move(labels));
}

Result<Incident> ReadIncident(const SqliteStatement& q) {
  Incident i;
  i.id = q.ColumnInt(0);
  i.group_key = q.ColumnText(1);
  i.receiver = q.ColumnText(2);
  OSPREY_ASSIGN_OR_RETURN(i.group_labels, ParseLabels(i.id, "group labels", q.ColumnText(3)));
  i.title = q.ColumnText(4);
  Result<Severity> sev = config::ParseIncidentSeverity(q.ColumnText(5));
  if (!sev.ok()) return BadRow(i.id, "severity");
  i.severity = *sev;
  nlohmann::json services = nlohmann::json::parse(q.ColumnText(6), nullptr, false);
  if (!services.is_array()) return BadRow(i.id, "services");
  for (const auto& s : services) {
    if (!s.is_string()) return BadRow(i.id, "services");
    i.services.push_back(s.get<std::string>());
  }
  Result<State> state = ParseState(q.ColumnText(7));
  if (!state.ok()) return BadRow(i.id, "state");
  i.state = *state;
  i.policy = q.ColumnText(8);
  i.assignee = q.ColumnText(9);
  i.opened_at_ms = q.ColumnInt(10);
  i.acknowledged_at_ms = q.ColumnInt(11);
  i.acknowledged_by = q.ColumnText(12);
  i.resolved_at_ms = q.ColumnInt(13);
  i.resolved_by = q.ColumnText(14);
  i.escalation_level = static_cast<int>(q.ColumnInt(15));
  i.escalation_pass = static_cast<int>(q.ColumnInt(16));
  i.next_escalation_at_ms = q.ColumnInt(17);
  i.updated_at_ms = q.ColumnInt(18);
  return i;
}

void BindIncident(SqliteStatement& st, const Incident& i) {
  st.Bind(1, i.group_key);
  st.Bind(2, i.receiver);
  st.Bind(3, LabelsJson(i.group_labels));
  st.Bind(4, i.title);
  st.Bind(5, config::IncidentSeverityName(i.severity));
  st.Bind(6, ServicesJson(i.services));
  st.Bind(7, StateName(i.state));
  st.Bind(8, i.policy);
  st.Bind(9, i.assignee);
  st.Bind(10, i.opened_at_ms);
  st.Bind(11, i.acknowledged_at_ms);
  st.Bind(12, i.acknowledged_by);
  st.Bind(13, i.resolved_at_ms);
  st.Bind(14, i.resolved_by);
  st.Bind(15, int64_t{i.escalation_level});
  st.Bind(16, int64_t{i.escalation_pass});
  st.Bind(17, i.next_escalation_at_ms);
  st.Bind(18, i.updated_at_ms);
}

}  // namespace

Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::Open(const std::string& path) {
  OSPREY_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, SqliteDb::Open(path));
  std::unique_ptr<Store> store(new Store(std::move(db)));
  MutexLock lock(store->mu_);
  OSPREY_RETURN_IF_ERROR(store->Migrate());
  return store;
}

Status Store::Migrate() {
  // Page-level damage shows up only when a page is read: check them all now (the file is
  // small) so that a corrupt store is refused at start-up, not half-way through a write.
  OSPREY_ASSIGN_OR_RETURN(SqliteStatement check, db_->Prepare("PRAGMA quick_check"));
  OSPREY_ASSIGN_OR_RETURN(bool row, check.Step());
  if (!row || check.ColumnText(0) != "ok") {
    return DataLossError(std::string("incident store ")
                             .append(db_->path())
                             .append(" is corrupt: ")
                             .append(row ? check.ColumnText(0) : "no quick_check result"));
  }
  check.Reset();
  OSPREY_ASSIGN_OR_RETURN(SqliteStatement v, db_->Prepare("PRAGMA user_version"));
  OSPREY_ASSIGN_OR_RETURN(row, v.Step());
  const int64_t version = row ? v.ColumnInt(0) : 0;
  v.Reset();
  if (version == kSchemaVersion) return OkStatus();
  if (version > kSchemaVersion) {
    return DataLossError(std::string("incident store ")
                             .append(db_->path())
                             .append(" has schema version ")
                             .append(std::to_string(version))
                             .append(", newer than this Osprey's ")
                             .append(std::to_string(kSchemaVersion)));
  }
  OSPREY_ASSIGN_OR_RETURN(SqliteDb::Transaction tx, db_->Begin());
  OSPREY_RETURN_IF_ERROR(db_->Exec(kSchemaV1));
  OSPREY_RETURN_IF_ERROR(
      db_->Exec(std::string("PRAGMA user_version = ").append(std::to_string(kSchemaVersion))));
  return tx.Commit();
}

Status Store::WriteAlerts(const Incident& incident) {
  OSPREY_ASSIGN_OR_RETURN(SqliteStatement del,
                          db_->Prepare("DELETE FROM incident_alerts WHERE incident_id = ?"));
  del.Bind(1, incident.id);
  OSPREY_RETURN_IF_ERROR(del.Run());
  OSPREY_ASSIGN_OR_RETURN(
      SqliteStatement ins,
      db_->Prepare("INSERT INTO incident_alerts (incident_id, fingerprint, labels, annotations, "
                   "starts_at_ms, ends_at_ms, firing, generator_url) VALUES (?,?,?,?,?,?,?,?)"));
  for (const IncidentAlert& a : incident.alerts) {
    ins.Bind(1, incident.id);
    ins.Bind(2, static_cast<int64_t>(a.fingerprint));
    ins.Bind(3, LabelsJson(a.labels));
    ins.Bind(4, PairsJson(a.annotations));
    ins.Bind(5, a.starts_at_ms);
    ins.Bind(6, a.ends_at_ms);
    ins.Bind(7, int64_t{a.firing ? 1 : 0});
    ins.Bind(8, a.generator_url);
    OSPREY_RETURN_IF_ERROR(ins.Run());
  }
  return OkStatus();
}

Status Store::InsertEvents(int64_t incident_id, std::span<Event> events) {
  if (events.empty()) return OkStatus();
  OSPREY_ASSIGN_OR_RETURN(
      SqliteStatement ins,
      db_->Prepare("INSERT INTO events (incident_id, at_ms, kind, actor, message, detail) "
                   "VALUES (?,?,?,?,?,?)"));
  for (Event& e : events) {
    ins.Bind(1, incident_id);
    ins.Bind(2, e.at_ms);
    ins.Bind(3, EventKindName(e.kind));
    ins.Bind(4, e.actor);
    ins.Bind(5, e.message);
    ins.Bind(6, e.detail_json.empty() ? std::string_view("{}") : std::string_view(e.detail_json));
    OSPREY_RETURN_IF_ERROR(ins.Run());
    e.id = db_->LastInsertId();
  }
  return OkStatus();
}

Status Store::Create(Incident& incident, std::span<Event> events) {
  MutexLock lock(mu_);
  OSPREY_ASSIGN_OR_RETURN(SqliteDb::Transaction tx, db_->Begin());
  OSPREY_ASSIGN_OR_RETURN(
      SqliteStatement ins,
      db_->Prepare(std::string("INSERT INTO incidents (")
                       .append(kIncidentColumns.substr(4))  // without "id, "
                       .append(") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")));
  BindIncident(ins, incident);
  OSPREY_RETURN_IF_ERROR(ins.Run());
  incident.id = db_->LastInsertId();
  OSPREY_RETURN_IF_ERROR(WriteAlerts(incident));
  OSPREY_RETURN_IF_ERROR(InsertEvents(incident.id, events));
  return tx.Commit();
}

Status Store::Update(const Incident& incident, std::span<Event> events) {
  MutexLock lock(mu_);
  OSPREY_ASSIGN_OR_RETURN(SqliteDb::Transaction tx, db_->Begin());
  OSPREY_ASSIGN_OR_RETURN(
      SqliteStatement up,
      db_->Prepare("UPDATE incidents SET group_key=?, receiver=?, group_labels=?, title=?, "
                   "severity=?, services=?, state=?, policy=?, assignee=?, opened_at_ms=?, "
                   "acknowledged_at_ms=?, acknowledged_by=?, resolved_at_ms=?, resolved_by=?, "
                   "escalation_level=?, escalation_pass=?, next_escalation_at_ms=?, "
                   "updated_at_ms=? WHERE id=?"));
  BindIncident(up, incident);
  up.Bind(19, incident.id);
  OSPREY_RETURN_IF_ERROR(up.Run());
  if (db_->Changes() == 0) {
    return NotFoundError(std::string("incident ").append(std::to_string(incident.id)));
  }
  OSPREY_RETURN_IF_ERROR(WriteAlerts(incident));
  OSPREY_RETURN_IF_ERROR(InsertEvents(incident.id, events));
  return tx.Commit();
}

Status Store::AppendEvents(int64_t incident_id, std::span<Event> events) {
  MutexLock lock(mu_);
  OSPREY_ASSIGN_OR_RETURN(SqliteDb::Transaction tx, db_->Begin());
  OSPREY_ASSIGN_OR_RETURN(SqliteStatement q, db_->Prepare("SELECT 1 FROM incidents WHERE id=?"));
  q.Bind(1, incident_id);
  OSPREY_ASSIGN_OR_RETURN(bool found, q.Step());
  q.Reset();
  if (!found) return NotFoundError(std::string("incident ").append(std::to_string(incident_id)));
  OSPREY_RETURN_IF_ERROR(InsertEvents(incident_id, events));
  return tx.Commit();
}

Status Store::LoadAlerts(Incident& incident) const {
  OSPREY_ASSIGN_OR_RETURN(
      SqliteStatement q,
      db_->Prepare("SELECT fingerprint, labels, annotations, starts_at_ms, ends_at_ms, firing, "
                   "generator_url FROM incident_alerts WHERE incident_id = ?"));
  q.Bind(1, incident.id);
  incident.alerts.clear();
  while (true) {
    OSPREY_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    IncidentAlert a;
    a.fingerprint = static_cast<uint64_t>(q.ColumnInt(0));
    OSPREY_ASSIGN_OR_RETURN(a.labels, ParseLabels(incident.id, "alert labels", q.ColumnText(1)));
    OSPREY_ASSIGN_OR_RETURN(a.annotations,
                            ParsePairs(incident.id, "alert annotations", q.ColumnText(2)));
    a.starts_at_ms = q.ColumnInt(3);
    a.ends_at_ms = q.ColumnInt(4);
    a.firing = q.ColumnInt(5) != 0;
    a.generator_url = q.ColumnText(6);
    incident.alerts.push_back(std::move(a));
  }
  // Sorted by the unsigned fingerprint (SQLite would order the stored signed value).
  std::sort(
      incident.alerts.begin(), incident.alerts.end(),
      [](const IncidentAlert& x, const IncidentAlert& y) { return x.fingerprint < y.fingerprint; });
  return OkStatus();
}

Result<std::vector<Incident>> Store::Query(const std::string& where_sql,
                                           const std::vector<std::string>& text_args,
                                           const std::vector<int64_t>& int_args) const {
  OSPREY_ASSIGN_OR_RETURN(SqliteStatement q, db_->Prepare(std::string("SELECT ")
                                                              .append(kIncidentColumns)
                                                              .append(" FROM incidents ")
                                                              .append(where_sql)));
  int index = 1;
  for (const std::string& t : text_args) q.Bind(index++, t);
  for (int64_t v : int_args) q.Bind(index++, v);
  std::vector<Incident> out;
  while (true) {
    OSPREY_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    OSPREY_ASSIGN_OR_RETURN(Incident i, ReadIncident(q));
    out.push_back(std::move(i));
  }
  for (Incident& i : out) OSPREY_RETURN_IF_ERROR(LoadAlerts(i));
  return out;
}

Result<std::optional<Incident>> Store::Get(int64_t id) const {
  MutexLock lock(mu_);
  OSPREY_ASSIGN_OR_RETURN(std::vector<Incident> v, Query("WHERE id = ?", {}, {id}));
  if (v.empty()) return std::optional<Incident>();
  return std::optional<Incident>(std::move(v[0]));
}

Result<std::optional<Incident>> Store::LatestForGroup(const std::string& group_key) const {
  MutexLock lock(mu_);
  OSPREY_ASSIGN_OR_RETURN(std::vector<Incident> v,
                          Query("WHERE group_key = ? ORDER BY id DESC LIMIT 1", {group_key}, {}));
  if (v.empty()) return std::optional<Incident>();
  return std::optional<Incident>(std::move(v[0]));
}

Result<std::vector<Incident>> Store::List(const IncidentFilter& filter) const {
  std::string where = "WHERE 1=1";
  std::vector<std::string> text;
  if (filter.state) {
    where.append(" AND state = ?");
    text.emplace_back(StateName(*filter.state));
  }
  if (filter.open_only) where.append(" AND state != 'resolved'");
  if (filter.severity) {
    where.append(" AND severity = ?");
    text.emplace_back(config::IncidentSeverityName(*filter.severity));
  }
  if (!filter.service.empty()) {
    where.append(" AND EXISTS (SELECT 1 FROM json_each(incidents.services) WHERE value = ?)");
    text.push_back(filter.service);
  }
  where.append(" ORDER BY id DESC LIMIT ?");
  MutexLock lock(mu_);
  return Query(where, text, {filter.limit > 0 ? int64_t{filter.limit} : int64_t{-1}});
}

Result<std::vector<Event>> Store::Timeline(int64_t incident_id) const {
  MutexLock lock(mu_);
  OSPREY_ASSIGN_OR_RETURN(SqliteStatement q,
                          db_->Prepare("SELECT id, at_ms, kind, actor, message, detail FROM "
                                       "events WHERE incident_id = ? ORDER BY id"));
  q.Bind(1, incident_id);
  std::vector<Event> out;
  while (true) {
    OSPREY_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    Event e;
    e.id = q.ColumnInt(0);
    e.at_ms = q.ColumnInt(1);
    Result<EventKind> kind = ParseEventKind(q.ColumnText(2));
    if (!kind.ok()) return BadRow(incident_id, "event kind");
    e.kind = *kind;
    e.actor = q.ColumnText(3);
    e.message = q.ColumnText(4);
    e.detail_json = q.ColumnText(5);
    out.push_back(std::move(e));
  }
  return out;
}

Result<bool> Store::HasEvent(int64_t incident_id, EventKind kind) const {
  MutexLock lock(mu_);
  OSPREY_ASSIGN_OR_RETURN(
      SqliteStatement q,
      db_->Prepare("SELECT 1 FROM events WHERE incident_id = ? AND kind = ? LIMIT 1"));
  q.Bind(1, incident_id);
  q.Bind(2, EventKindName(kind));
  OSPREY_ASSIGN_OR_RETURN(bool row, q.Step());
  q.Reset();
  return row;
}

Result<std::map<Severity, int64_t>> Store::CountOpenBySeverity() const {
  MutexLock lock(mu_);
  OSPREY_ASSIGN_OR_RETURN(SqliteStatement q,
                          db_->Prepare("SELECT severity, count(*) FROM incidents WHERE state != "
                                       "'resolved' GROUP BY severity"));
  std::map<Severity, int64_t> out;
  while (true) {
    OSPREY_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    Result<Severity> s = config::ParseIncidentSeverity(q.ColumnText(0));
    if (s.ok()) out[*s] += q.ColumnInt(1);
  }
  return out;
}

Result<bool> Store::MarkNonceUsed(const std::string& nonce, int64_t incident_id, int64_t now_ms,
                                  int64_t expires_at_ms) {
  MutexLock lock(mu_);
  OSPREY_ASSIGN_OR_RETURN(SqliteDb::Transaction tx, db_->Begin());
  // Nonces past their link's expiry can go: Verify refuses those links anyway.
  OSPREY_ASSIGN_OR_RETURN(SqliteStatement gc,
                          db_->Prepare("DELETE FROM used_ack_nonces WHERE expires_at_ms < ?"));
  gc.Bind(1, now_ms);
  OSPREY_RETURN_IF_ERROR(gc.Run());
  OSPREY_ASSIGN_OR_RETURN(
      SqliteStatement ins,
      db_->Prepare("INSERT OR IGNORE INTO used_ack_nonces (nonce, incident_id, used_at_ms, "
                   "expires_at_ms) VALUES (?,?,?,?)"));
  ins.Bind(1, nonce);
  ins.Bind(2, incident_id);
  ins.Bind(3, now_ms);
  ins.Bind(4, expires_at_ms);
  OSPREY_RETURN_IF_ERROR(ins.Run());
  const bool fresh = db_->Changes() == 1;
  OSPREY_RETURN_IF_ERROR(tx.Commit());
  return fresh;
}

Status Store::PutPendingAction(const PendingAction& p) {
  MutexLock lock(mu_);
  OSPREY_ASSIGN_OR_RETURN(
      SqliteStatement ins,
      db_->Prepare("INSERT OR REPLACE INTO pending_actions (incident_id, action, due_at_ms) "
                   "VALUES (?,?,?)"));
  ins.Bind(1, p.incident_id);
  ins.Bind(2, p.action);
  ins.Bind(3, p.due_at_ms);
  return ins.Run();
}

Status Store::DeletePendingAction(int64_t incident_id, const std::string& action) {
  MutexLock lock(mu_);
  OSPREY_ASSIGN_OR_RETURN(
      SqliteStatement del,
      db_->Prepare("DELETE FROM pending_actions WHERE incident_id = ? AND action = ?"));
  del.Bind(1, incident_id);
  del.Bind(2, action);
  return del.Run();
}

Status Store::DeletePendingActions(int64_t incident_id) {
  MutexLock lock(mu_);
  OSPREY_ASSIGN_OR_RETURN(SqliteStatement del,
                          db_->Prepare("DELETE FROM pending_actions WHERE incident_id = ?"));
  del.Bind(1, incident_id);
  return del.Run();
}

Result<std::vector<PendingAction>> Store::PendingActions() const {
  MutexLock lock(mu_);
  OSPREY_ASSIGN_OR_RETURN(
      SqliteStatement q,
      db_->Prepare("SELECT incident_id, action, due_at_ms FROM pending_actions ORDER BY "
                   "due_at_ms, incident_id, action"));
  std::vector<PendingAction> out;
  while (true) {
    OSPREY_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    out.push_back(PendingAction{q.ColumnInt(0), q.ColumnText(1), q.ColumnInt(2)});
  }
  return out;
}

}  // namespace osprey::incidents
