# The database: head + blocks, compaction, retention, tombstones, snapshots (db.h).
list(APPEND TSDB_SRCS
  db/compaction_plan.cc
  db/db.cc
  db/db_admin.cc
  db/db_compact.cc
  db/merge_querier.cc)
list(APPEND TSDB_TEST_SRCS
  db/compaction_plan_test.cc
  db/db_admin_test.cc
  db/db_test.cc
  db/merge_querier_test.cc)
