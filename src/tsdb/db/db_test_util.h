// Helpers for the Db tests: opening with small block ranges, appending, reading back.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/file_system.h"
#include "base/logger.h"
#include "metrics/registry.h"
#include "testing/temp_dir.h"
#include "tsdb/db/db.h"

namespace osprey::tsdb::db_test {

inline constexpr int64_t kBlock = 1000;  // block range of the tests, in ms

// Series labels (as text) -> samples as (t, v).
using Samples = std::vector<std::pair<int64_t, double>>;
using Data = std::map<std::string, Samples>;

inline model::Matcher Eq(std::string name, std::string value) {
  return model::Matcher::MustCreate(model::MatchType::kEqual, std::move(name), std::move(value));
}
inline model::Matcher All() {
  return model::Matcher::MustCreate(model::MatchType::kRegexMatch, "__name__", ".*");
}

inline model::Labels Series(std::string_view job) {
  return model::Labels::FromStrings({"__name__", "up", "job", job});
}

// Appends one sample per `step` ms in [from, to] to each series (value: t / 10 + i).
inline void AppendRange(storage::Appendable& db, const std::vector<model::Labels>& series,
                        int64_t from, int64_t to, int64_t step = 100) {
  auto app = db.NewAppender();
  for (int64_t t = from; t <= to; t += step) {
    for (size_t i = 0; i < series.size(); ++i) {
      auto r = app->Append(storage::kNoRef, series[i],
                           {.t = t, .v = static_cast<double>(t) / 10 + static_cast<double>(i)});
      ASSERT_TRUE(r.ok()) << r.status().ToString() << " t=" << t;
    }
  }
  Status st = app->Commit();
  ASSERT_TRUE(st.ok()) << st.ToString();
}

inline Data ReadAll(storage::Queryable& db, std::vector<model::Matcher> ms = {All()},
                    model::TimeRange range = {}) {
  Data out;
  auto q = db.NewQuerier(range);
  EXPECT_TRUE(q.ok()) << q.status().ToString();
  if (!q.ok()) return out;
  auto set = (*q)->Select({.start = range.min, .end = range.max}, ms);
  while (set->Next()) {
    auto& samples = out[set->At().labels().ToString()];
    auto it = set->At().Iterator();
    while (it->Next()) samples.emplace_back(it->At().t, it->At().v);
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
  }
  EXPECT_TRUE(set->status().ok()) << set->status().ToString();
  return out;
}

inline Logger QuietLogger() {
  return Logger(LogLevel::kError, LogFormat::kLogfmt, [](auto) {});
}

// A Db in a temp dir; Reopen() closes and opens it again with a fresh registry.
class DbFixture : public ::testing::Test {
 protected:
  DbOptions Options() {
    DbOptions o;
    o.dir = dir_.Join("data");
    o.min_block_duration_ms = kBlock;
    o.background = false;
    o.head.samples_per_chunk = 8;
    return o;
  }

  void Open(DbOptions options) {
    db_.reset();
    registry_ = std::make_unique<metrics::Registry>();
    auto db = Db::Open(*fs_, std::move(options), *registry_, logger_);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
  }
  void Open() { Open(Options()); }

  double Metric(std::string_view name) {
    const std::string text = registry_->ExpositionText();
    size_t pos = 0;
    while ((pos = text.find(name, pos)) != std::string::npos) {
      const bool line_start = pos == 0 || text[pos - 1] == '\n';
      const size_t end = pos + name.size();
      if (line_start && end < text.size() && text[end] == ' ') {
        return std::stod(text.substr(end + 1));
      }
      pos = end;
    }
    ADD_FAILURE() << "no metric " << name;
    return -1;
  }

  testing::TempDir dir_;
  PosixFileSystem posix_;
  FileSystem* fs_ = &posix_;
  Logger logger_ = QuietLogger();
  std::unique_ptr<metrics::Registry> registry_;
  std::unique_ptr<Db> db_;
};

}  // namespace osprey::tsdb::db_test
