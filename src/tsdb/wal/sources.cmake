# The write-ahead log (docs/format/wal.md).
list(APPEND TSDB_SRCS
  wal/checkpoint.cc
  wal/records.cc
  wal/segment.cc
  wal/segment_writer.cc
  wal/wal.cc
  wal/wal_metrics.cc
  wal/wal_reader.cc)
list(APPEND TSDB_TEST_SRCS
  wal/checkpoint_test.cc
  wal/file_system_test.cc
  wal/records_test.cc
  wal/segment_test.cc
  wal/wal_reader_test.cc
  wal/wal_test.cc)
list(APPEND TSDB_BENCH_SRCS
  wal/wal_bench.cc)
osprey_cc_fuzz(NAME tsdb_wal_records_fuzz
  SRCS wal/records_fuzz.cc
  DEPS tsdb
  SEEDS ${CMAKE_CURRENT_SOURCE_DIR}/wal/testdata/fuzz/records)
osprey_cc_fuzz(NAME tsdb_wal_reader_fuzz
  SRCS wal/wal_reader_fuzz.cc
  DEPS tsdb testing
  SEEDS ${CMAKE_CURRENT_SOURCE_DIR}/wal/testdata/fuzz/wal_reader)
