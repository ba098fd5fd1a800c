// A small RAII layer over SQLite 3 for Osprey's relational state (incidents, dashboards):
// errors become Status, statements are prepared once and bound by position.
//
//   OSPREY_ASSIGN_OR_RETURN(auto db, SqliteDb::Open(dir + "/incidents.db"));
//   OSPREY_RETURN_IF_ERROR(db->Exec("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v
//   TEXT)")); OSPREY_ASSIGN_OR_RETURN(auto st, db->Prepare("INSERT INTO t (v) VALUES (?)"));
//   st.Bind(1, "x");
//   OSPREY_RETURN_IF_ERROR(st.Run());              // a statement without rows
//   OSPREY_ASSIGN_OR_RETURN(auto q, db->Prepare("SELECT id, v FROM t WHERE id > ?"));
//   q.Bind(1, int64_t{0});
//   while (true) {
//     OSPREY_ASSIGN_OR_RETURN(bool row, q.Step());
//     if (!row) break;
//     use(q.ColumnInt(0), q.ColumnText(1));
//   }
//
// Open sets WAL journal mode, synchronous=NORMAL (FULL with `durable`), foreign keys on and a
// 5 s busy timeout. Errors: kUnavailable when the file cannot be opened, kDataLoss for a
// corrupt database (SQLITE_CORRUPT / SQLITE_NOTADB), kInternal for SQL errors (bugs), each
// message naming the path and SQLite's message.
//
// SqliteDb is thread-safe (SQLite's serialized mode) but a Statement is not: use one per
// thread, or guard both with a mutex (what Osprey's stores do).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace osprey {

class SqliteStatement {
 public:
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement();

  // Parameters are 1-based, as in SQLite. Text and blobs are copied.
  void Bind(int index, int64_t value);
  void Bind(int index, double value);
  void Bind(int index, std::string_view text);
  void Bind(int index, const char* text) { Bind(index, std::string_view(text)); }
  void BindBlob(int index, std::string_view bytes);
  void BindNull(int index);

  // Advances: true with a row to read, false when done.
  Result<bool> Step();
  // Steps to the end (INSERT/UPDATE/DELETE), then Reset().
  Status Run();
  // Ready to run again; bindings are kept until rebound.
  void Reset();

  // Columns are 0-based. Text/blob views live until the next Step/Reset.
  int64_t ColumnInt(int col) const;
  double ColumnDouble(int col) const;
  std::string ColumnText(int col) const;
  bool ColumnIsNull(int col) const;

 private:
  friend class SqliteDb;
  SqliteStatement(sqlite3_stmt* stmt, std::string path) : stmt_(stmt), path_(std::move(path)) {}
  Status Error(int rc) const;

  sqlite3_stmt* stmt_ = nullptr;
  std::string path_;
};

class SqliteDb {
 public:
  struct Options {
    bool durable = false;  // synchronous=FULL: every commit reaches the disk.
  };
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path, Options options);
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path) {
    return Open(path, Options{});
  }
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs one or more ';'-separated statements without parameters.
  Status Exec(std::string_view sql);
  Result<SqliteStatement> Prepare(std::string_view sql);
  // The rowid of the last INSERT on this connection.
  int64_t LastInsertId() const;
  // Rows changed by the last INSERT/UPDATE/DELETE.
  int Changes() const;

  // BEGIN IMMEDIATE ... COMMIT; Rollback on destruction unless committed.
  class Transaction {
   public:
    ~Transaction();
    Status Commit();
    Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    Transaction& operator=(Transaction&&) = delete;

   private:
    friend class SqliteDb;
    explicit Transaction(SqliteDb* db) : db_(db) {}
    SqliteDb* db_;
  };
  Result<Transaction> Begin();

  const std::string& path() const { return path_; }

 private:
  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status Error(int rc, std::string_view what) const;

  sqlite3* db_;
  const std::string path_;
};

}  // namespace osprey
