# The promqltest script runner (included from src/promql/CMakeLists.txt): the library, the
# conformance test over ../shared/conformance/promql/v3.14.0 and src/promql/testdata, and
# the evaluation fuzzer.
osprey_cc_library(NAME promqltest
  SRCS promqltest/ast_checks.cc promqltest/compare.cc promqltest/report.cc
       promqltest/runner.cc promqltest/script.cc promqltest/skip_list.cc
  DEPS promql storage model base
  EXTERNAL PkgConfig::RE2)

osprey_cc_test(NAME promql_conformance_test
  SRCS promqltest/ast_checks_test.cc promqltest/compare_test.cc
       promqltest/conformance_test.cc promqltest/runner_test.cc promqltest/script_test.cc
       promqltest/skip_list_test.cc
  DEPS promqltest promql storage
  LABELS unit)
target_compile_definitions(promql_conformance_test PRIVATE
  OSPREY_PROMQL_CONFORMANCE_DIR="${OSPREY_PROMQL_CONFORMANCE_DIR}"
  OSPREY_PROMQL_TESTDATA_DIR="${CMAKE_CURRENT_SOURCE_DIR}/testdata"
  OSPREY_PROMQL_SKIPS_FILE="${CMAKE_CURRENT_SOURCE_DIR}/promqltest/skips.tsv")

osprey_cc_fuzz(NAME promql_eval_fuzz
  SRCS promqltest/eval_fuzz.cc
  DEPS promqltest promql storage
  SEEDS ${CMAKE_CURRENT_SOURCE_DIR}/testdata/fuzz/eval)
