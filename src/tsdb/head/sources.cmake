list(APPEND TSDB_SRCS head/head.cc head/head_append.cc head/head_read.cc head/head_truncate.cc
  head/series_map.cc)
list(APPEND TSDB_TEST_SRCS head/head_test.cc head/head_truncate_test.cc)
