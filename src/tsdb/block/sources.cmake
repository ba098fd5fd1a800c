# Persisted blocks: writer, reader (mmap), block querier. Format: docs/format/block.md.
list(APPEND TSDB_SRCS
  block/block_index.cc
  block/block_meta.cc
  block/block_querier.cc
  block/block_reader.cc
  block/block_select.cc
  block/block_writer.cc
  block/tombstones.cc)
list(APPEND TSDB_TEST_SRCS
  block/block_concurrency_test.cc
  block/block_corruption_test.cc
  block/block_rw_test.cc
  block/block_select_test.cc
  block/block_size_test.cc
  block/tombstones_test.cc)
list(APPEND TSDB_BENCH_SRCS
  block/block_bench.cc)
osprey_cc_fuzz(NAME tsdb_block_index_fuzz
  SRCS block/block_index_fuzz.cc
  DEPS tsdb
  SEEDS ${CMAKE_CURRENT_SOURCE_DIR}/block/testdata/fuzz/block_index)
