#include "server/dashboard_store.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

namespace osprey::server {
namespace {

// Schema version 1; see docs/format/dashboards-db.md. `tags` is a JSON array of strings.
constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS dashboards (
  uid TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]',
  json TEXT NOT NULL,
  version INTEGER NOT NULL,
  provisioned INTEGER NOT NULL DEFAULT 0,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
PRAGMA user_version = 1;
)sql";

constexpr std::string_view kColumns =
    "uid, title, tags, version, provisioned, created_ms, updated_ms";

DashboardRecord ReadRow(const SqliteStatement& q) {
  DashboardRecord r;
  r.uid = q.ColumnText(0);
  r.title = q.ColumnText(1);
  r.tags = TagsFromJson(q.ColumnText(2));
  r.version = q.ColumnInt(3);
  r.provisioned = q.ColumnInt(4) != 0;
  r.created_ms = q.ColumnInt(5);
  r.updated_ms = q.ColumnInt(6);
  return r;
}

std::string Quoted(std::string_view uid) { return std::string("\"").append(uid).append("\""); }

// Concatenates its pieces (avoids `"literal" + std::string`, see STYLE.md's g++ 12 note).
template <typename... Pieces>
std::string Cat(const Pieces&... pieces) {
  std::string out;
  (out.append(pieces), ...);
  return out;
}

}  // namespace

std::string TagsToJson(std::span<const std::string> tags) {
  nlohmann::json a = nlohmann::json::array();
  for (const std::string& t : tags) a.push_back(t);
  return a.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::string> TagsFromJson(std::string_view text) {
  std::vector<std::string> tags;
  nlohmann::json a = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!a.is_array()) return tags;
  for (const auto& t : a) {
    if (t.is_string()) tags.push_back(t.get<std::string>());
  }
  return tags;
}

Result<std::unique_ptr<DashboardStore>> DashboardStore::Open(const std::string& path,
                                                             const Clock& clock) {
  OSPREY_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, SqliteDb::Open(path));
  OSPREY_RETURN_IF_ERROR(db->Exec(kSchema));
  return std::unique_ptr<DashboardStore>(new DashboardStore(std::move(db), clock));
}

DashboardStore::~DashboardStore() = default;

Result<std::vector<DashboardRecord>> DashboardStore::List() const {
  MutexLock lock(mu_);
  OSPREY_ASSIGN_OR_RETURN(SqliteStatement q,
                          db_->Prepare(std::string("SELECT ").append(kColumns).append(
                              " FROM dashboards ORDER BY title COLLATE NOCASE, title, uid")));
  std::vector<DashboardRecord> out;
  while (true) {
    OSPREY_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    out.push_back(ReadRow(q));
  }
  return out;
}

Result<DashboardRecord> DashboardStore::GetLocked(std::string_view uid, bool with_json) const {
  OSPREY_ASSIGN_OR_RETURN(SqliteStatement q,
                          db_->Prepare(std::string("SELECT ").append(kColumns).append(
                              ", json FROM dashboards WHERE uid = ?")));
  q.Bind(1, uid);
  OSPREY_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return NotFoundError(Cat("dashboard ", Quoted(uid), " not found"));
  DashboardRecord r = ReadRow(q);
  if (with_json) r.json = q.ColumnText(7);
  return r;
}

Result<DashboardRecord> DashboardStore::Get(std::string_view uid) const {
  MutexLock lock(mu_);
  return GetLocked(uid, /*with_json=*/true);
}

Status DashboardStore::Create(std::string_view uid, const DashboardContent& content,
                              size_t max_dashboards) {
  MutexLock lock(mu_);
  OSPREY_ASSIGN_OR_RETURN(SqliteDb::Transaction tx, db_->Begin());
  {
    OSPREY_ASSIGN_OR_RETURN(SqliteStatement count, db_->Prepare("SELECT count(*) FROM dashboards"));
    OSPREY_ASSIGN_OR_RETURN(bool row, count.Step());
    if (row && static_cast<size_t>(count.ColumnInt(0)) >= max_dashboards) {
      return ResourceExhaustedError(Cat("too many dashboards: the limit is ",
                                        std::to_string(max_dashboards), "; delete some first"));
    }
  }
  OSPREY_ASSIGN_OR_RETURN(
      SqliteStatement ins,
      db_->Prepare("INSERT INTO dashboards (uid, title, tags, json, version, provisioned, "
                   "created_ms, updated_ms) VALUES (?, ?, ?, ?, 1, 0, ?, ?) "
                   "ON CONFLICT(uid) DO NOTHING"));
  const int64_t now = clock_.NowMillis();
  ins.Bind(1, uid);
  ins.Bind(2, content.title);
  ins.Bind(3, TagsToJson(content.tags));
  ins.Bind(4, content.json);
  ins.Bind(5, now);
  ins.Bind(6, now);
  OSPREY_RETURN_IF_ERROR(ins.Run());
  if (db_->Changes() == 0) {
    return AlreadyExistsError(Cat("a dashboard with uid ", Quoted(uid),
                                  " already exists; choose another uid or leave it out"));
  }
  return tx.Commit();
}

Result<int64_t> DashboardStore::Update(std::string_view uid, int64_t expected_version,
                                       const DashboardContent& content) {
  MutexLock lock(mu_);
  OSPREY_ASSIGN_OR_RETURN(SqliteDb::Transaction tx, db_->Begin());
  OSPREY_ASSIGN_OR_RETURN(DashboardRecord current, GetLocked(uid, /*with_json=*/false));
  if (current.provisioned) {
    return PermissionDeniedError(
        Cat("provisioned dashboard ", Quoted(uid), " is read-only: save a copy"));
  }
  if (current.version != expected_version) {
    return FailedPreconditionError(Cat("dashboard changed since you loaded it (version ",
                                       std::to_string(expected_version), ", now ",
                                       std::to_string(current.version), ")"));
  }
  OSPREY_ASSIGN_OR_RETURN(SqliteStatement up,
                          db_->Prepare("UPDATE dashboards SET title = ?, tags = ?, json = ?, "
                                       "version = version + 1, updated_ms = ? WHERE uid = ?"));
  up.Bind(1, content.title);
  up.Bind(2, TagsToJson(content.tags));
  up.Bind(3, content.json);
  up.Bind(4, clock_.NowMillis());
  up.Bind(5, uid);
  OSPREY_RETURN_IF_ERROR(up.Run());
  OSPREY_RETURN_IF_ERROR(tx.Commit());
  return current.version + 1;
}

Status DashboardStore::Delete(std::string_view uid) {
  MutexLock lock(mu_);
  OSPREY_ASSIGN_OR_RETURN(SqliteDb::Transaction tx, db_->Begin());
  OSPREY_ASSIGN_OR_RETURN(DashboardRecord current, GetLocked(uid, /*with_json=*/false));
  if (current.provisioned) {
    return PermissionDeniedError(Cat("provisioned dashboard ", Quoted(uid),
                                     " is read-only: it is reset from the built-in files at "
                                     "every start"));
  }
  OSPREY_ASSIGN_OR_RETURN(SqliteStatement del,
                          db_->Prepare("DELETE FROM dashboards WHERE uid = ?"));
  del.Bind(1, uid);
  OSPREY_RETURN_IF_ERROR(del.Run());
  return tx.Commit();
}

Result<int> DashboardStore::Provision(std::span<const ProvisionedDashboard> dashboards) {
  MutexLock lock(mu_);
  OSPREY_ASSIGN_OR_RETURN(SqliteDb::Transaction tx, db_->Begin());
  const int64_t now = clock_.NowMillis();
  int changed = 0;
  std::set<std::string, std::less<>> wanted;
  for (const ProvisionedDashboard& d : dashboards) {
    wanted.insert(d.uid);
    OSPREY_ASSIGN_OR_RETURN(
        SqliteStatement q,
        db_->Prepare("SELECT title, tags, json, provisioned FROM dashboards WHERE uid = ?"));
    q.Bind(1, d.uid);
    OSPREY_ASSIGN_OR_RETURN(bool row, q.Step());
    const std::string tags = TagsToJson(d.content.tags);
    if (row && q.ColumnInt(3) != 0 && q.ColumnText(0) == d.content.title &&
        q.ColumnText(1) == tags && q.ColumnText(2) == d.content.json) {
      continue;  // unchanged
    }
    OSPREY_ASSIGN_OR_RETURN(
        SqliteStatement up,
        db_->Prepare("INSERT INTO dashboards (uid, title, tags, json, version, provisioned, "
                     "created_ms, updated_ms) VALUES (?, ?, ?, ?, 1, 1, ?, ?) "
                     "ON CONFLICT(uid) DO UPDATE SET title = excluded.title, tags = "
                     "excluded.tags, json = excluded.json, version = version + 1, "
                     "provisioned = 1, updated_ms = excluded.updated_ms"));
    up.Bind(1, d.uid);
    up.Bind(2, d.content.title);
    up.Bind(3, tags);
    up.Bind(4, d.content.json);
    up.Bind(5, now);
    up.Bind(6, now);
    OSPREY_RETURN_IF_ERROR(up.Run());
    ++changed;
  }
  std::vector<std::string> stale;
  {
    OSPREY_ASSIGN_OR_RETURN(SqliteStatement q,
                            db_->Prepare("SELECT uid FROM dashboards WHERE provisioned = 1"));
    while (true) {
      OSPREY_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      std::string uid = q.ColumnText(0);
      if (!wanted.contains(uid)) stale.push_back(std::move(uid));
    }
  }
  for (const std::string& uid : stale) {
    OSPREY_ASSIGN_OR_RETURN(SqliteStatement del,
                            db_->Prepare("DELETE FROM dashboards WHERE uid = ?"));
    del.Bind(1, uid);
    OSPREY_RETURN_IF_ERROR(del.Run());
    ++changed;
  }
  OSPREY_RETURN_IF_ERROR(tx.Commit());
  return changed;
}

}  // namespace osprey::server
