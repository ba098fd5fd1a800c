# Module targets. A module `foo` in src/foo/ declares:
#   osprey_cc_library(NAME foo SRCS a.cc b.cc DEPS base model EXTERNAL fmt::fmt)
# DEPS names other Osprey modules (the graph of STYLE.md, checked by tools/check_deps.py);
# EXTERNAL names third-party targets.
function(osprey_cc_library)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS;EXTERNAL" ${ARGN})
  set(target osprey_${ARG_NAME})
  if(ARG_SRCS)
    add_library(${target} STATIC ${ARG_SRCS})
    set(scope PUBLIC)
  else()
    add_library(${target} INTERFACE)
    set(scope INTERFACE)
  endif()
  target_include_directories(${target} ${scope} ${PROJECT_SOURCE_DIR}/src ${PROJECT_BINARY_DIR}/src)
  foreach(dep IN LISTS ARG_DEPS)
    target_link_libraries(${target} ${scope} osprey_${dep})
  endforeach()
  if(ARG_EXTERNAL)
    target_link_libraries(${target} ${scope} ${ARG_EXTERNAL})
  endif()
endfunction()

# One GoogleTest binary per module: osprey_cc_test(NAME base_test SRCS ... DEPS base testing)
function(osprey_cc_test)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS;EXTERNAL;LABELS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  foreach(dep IN LISTS ARG_DEPS)
    target_link_libraries(${ARG_NAME} PRIVATE osprey_${dep})
  endforeach()
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_EXTERNAL} GTest::gmock GTest::gtest_main)
  gtest_discover_tests(${ARG_NAME} DISCOVERY_TIMEOUT 60
                       PROPERTIES LABELS "${ARG_LABELS};unit"
                       ENVIRONMENT "OSPREY_BINARY=$<TARGET_FILE:osprey>;OSPREY_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()

# Google Benchmark: osprey_cc_bench(NAME http_bench SRCS ... DEPS http). CTest runs each one
# briefly (label "bench-smoke") so they keep building and running; real numbers come from
# running the binary by hand on a release build.
function(osprey_cc_bench)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS;EXTERNAL" ${ARGN})
  if(NOT OSPREY_BENCH)
    return()
  endif()
  add_executable(${ARG_NAME} ${ARG_SRCS})
  foreach(dep IN LISTS ARG_DEPS)
    target_link_libraries(${ARG_NAME} PRIVATE osprey_${dep})
  endforeach()
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_EXTERNAL} benchmark::benchmark benchmark::benchmark_main)
  add_test(NAME ${ARG_NAME}.smoke COMMAND ${ARG_NAME} --benchmark_min_time=0.001)
  set_tests_properties(${ARG_NAME}.smoke PROPERTIES LABELS "bench-smoke")
endfunction()

# libFuzzer target: osprey_cc_fuzz(NAME http_request_fuzz SRCS ... DEPS http SEEDS dir).
# Built only with OSPREY_FUZZ (clang). CTest runs a short smoke run over the seeds.
function(osprey_cc_fuzz)
  cmake_parse_arguments(ARG "" "NAME;SEEDS" "SRCS;DEPS;EXTERNAL" ${ARGN})
  if(NOT OSPREY_FUZZ)
    return()
  endif()
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_compile_options(${ARG_NAME} PRIVATE -fsanitize=fuzzer)
  target_link_options(${ARG_NAME} PRIVATE -fsanitize=fuzzer)
  foreach(dep IN LISTS ARG_DEPS)
    target_link_libraries(${ARG_NAME} PRIVATE osprey_${dep})
  endforeach()
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_EXTERNAL})
  set(corpus ${PROJECT_BINARY_DIR}/fuzz-corpus/${ARG_NAME})
  add_test(NAME ${ARG_NAME}.smoke
           COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1
                   $<TARGET_FILE:${ARG_NAME}> -runs=20000 -max_total_time=30 -seed=1
                   ${corpus} ${ARG_SEEDS})
  set_tests_properties(${ARG_NAME}.smoke PROPERTIES LABELS "fuzz-smoke" FIXTURES_REQUIRED ${ARG_NAME}.corpus)
  add_test(NAME ${ARG_NAME}.corpus COMMAND ${CMAKE_COMMAND} -E make_directory ${corpus})
  set_tests_properties(${ARG_NAME}.corpus PROPERTIES FIXTURES_SETUP ${ARG_NAME}.corpus)
endfunction()
