# src/tsdb/chunk: XOR chunks, head chunk files, column codecs, CRC32C.
# Formats: docs/format/chunks.md, docs/format/head_chunks.md.
list(APPEND TSDB_SRCS
  chunk/chunk_disk_mapper.cc
  chunk/column_codec.cc
  chunk/crc32c.cc
  chunk/decimal.cc
  chunk/int_stream.cc
  chunk/value_columns.cc
  chunk/xor_chunk.cc
  chunk/zstd.cc)
list(APPEND TSDB_TEST_SRCS
  chunk/chunk_disk_mapper_test.cc
  chunk/column_codec_size_test.cc
  chunk/column_codec_test.cc
  chunk/crc32c_test.cc
  chunk/xor_chunk_test.cc)
list(APPEND TSDB_BENCH_SRCS
  chunk/chunk_bench.cc)
osprey_cc_fuzz(NAME tsdb_xor_chunk_fuzz
  SRCS chunk/xor_chunk_fuzz.cc
  DEPS tsdb
  SEEDS ${CMAKE_CURRENT_SOURCE_DIR}/chunk/testdata/fuzz/xor_chunk)
osprey_cc_fuzz(NAME tsdb_column_codec_fuzz
  SRCS chunk/column_codec_fuzz.cc
  DEPS tsdb
  SEEDS ${CMAKE_CURRENT_SOURCE_DIR}/chunk/testdata/fuzz/column_codec)
