// Dashboards stored server-side in SQLite, behind /api/v1/dashboards (dashboards_api.h).
//
// One row per dashboard: its uid, title and tags (copied out of the JSON for listing), the
// dashboard JSON text as the client sent it, a version that grows by one on each change (for
// optimistic concurrency: an update names the version it started from), whether it is
// provisioned (from the dashboards/*.json files embedded in the binary; read-only through the
// API) and its creation and update times. Schema: docs/format/dashboards-db.md.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/sqlite.h"
#include "base/status.h"
#include "base/thread_annotations.h"

namespace osprey::server {

struct DashboardRecord {
  std::string uid;
  std::string title;
  std::vector<std::string> tags;
  std::string json;  // The dashboard object; empty in List() results.
  int64_t version = 0;
  bool provisioned = false;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

// What a create, an update or provisioning writes.
struct DashboardContent {
  std::string title;
  std::vector<std::string> tags;
  std::string json;
};

// A provisioned dashboard: its uid (the file's "uid") and content.
struct ProvisionedDashboard {
  std::string uid;
  DashboardContent content;
};

// Thread-safe: one mutex around the connection and its statements.
class DashboardStore {
 public:
  // Opens (creating it when absent) the database at `path`. `clock` must outlive the store.
  // kUnavailable / kDataLoss from SQLite, naming the path.
  static Result<std::unique_ptr<DashboardStore>> Open(const std::string& path, const Clock& clock);
  ~DashboardStore();

  // Every dashboard without its JSON, sorted by title (case-insensitive), then uid.
  Result<std::vector<DashboardRecord>> List() const OSPREY_EXCLUDES(mu_);
  // kNotFound for an unknown uid.
  Result<DashboardRecord> Get(std::string_view uid) const OSPREY_EXCLUDES(mu_);
  // Adds a dashboard at version 1. kAlreadyExists when `uid` is taken; kResourceExhausted
  // past `max_dashboards`.
  Status Create(std::string_view uid, const DashboardContent& content, size_t max_dashboards)
      OSPREY_EXCLUDES(mu_);
  // Replaces the content when the stored version is `expected_version`; returns the new
  // version. kNotFound, kPermissionDenied (provisioned), kFailedPrecondition (version differs).
  Result<int64_t> Update(std::string_view uid, int64_t expected_version,
                         const DashboardContent& content) OSPREY_EXCLUDES(mu_);
  // kNotFound, kPermissionDenied (provisioned).
  Status Delete(std::string_view uid) OSPREY_EXCLUDES(mu_);
  // Makes the provisioned dashboards exactly `dashboards`, in one transaction: each is
  // inserted, or updated (version + 1) when its content changed or the uid held a user's
  // dashboard (the file wins); provisioned rows whose uid is no longer listed are deleted.
  // Returns how many rows changed.
  Result<int> Provision(std::span<const ProvisionedDashboard> dashboards) OSPREY_EXCLUDES(mu_);

 private:
  DashboardStore(std::unique_ptr<SqliteDb> db, const Clock& clock)
      : db_(std::move(db)), clock_(clock) {}
  Result<DashboardRecord> GetLocked(std::string_view uid, bool with_json) const
      OSPREY_REQUIRES(mu_);

  mutable Mutex mu_;
  const std::unique_ptr<SqliteDb> db_ OSPREY_PT_GUARDED_BY(mu_);
  const Clock& clock_;
};

// Tags as a JSON array text ("[\"a\",\"b\"]") and back; bad text gives no tags.
std::string TagsToJson(std::span<const std::string> tags);
std::vector<std::string> TagsFromJson(std::string_view text);

}  // namespace osprey::server
