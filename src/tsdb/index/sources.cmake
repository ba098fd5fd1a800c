# The head's inverted index: symbol table and in-memory postings (README.md).
list(APPEND TSDB_SRCS
  index/label_postings.cc
  index/mem_postings.cc
  index/mem_postings_select.cc
  index/symbols.cc)
list(APPEND TSDB_TEST_SRCS
  index/label_postings_test.cc
  index/mem_postings_concurrency_test.cc
  index/mem_postings_random_test.cc
  index/mem_postings_test.cc
  index/symbols_test.cc)
list(APPEND TSDB_BENCH_SRCS
  index/index_bench.cc)
