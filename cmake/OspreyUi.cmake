# The web UI, built with the machine's npm and embedded in the binary with dashboards/*.json.
# Included from src/server/CMakeLists.txt (custom commands must live in the directory of the
# target that compiles their output). Sets OSPREY_UI_ASSETS_CC, the generated source.
#
#   ui/package-lock.json changed   -> npm ci (tools/ui_build.py; skipped when node_modules
#                                     already matches)          stamp: <build>/ui-npm-ci.stamp
#   ui/src/**, index.html, ui/*.json,
#   vite.config.ts changed         -> npm run build into <build>/ui-dist  stamp: ui-dist.stamp
#   either, or dashboards/*.json   -> tools/embed_assets.py -> <build>/src/server/ui_assets_data.cc
#
# -DOSPREY_UI=OFF builds without the UI (and without npm): "/" then says how to get it.
option(OSPREY_UI "Build the web UI (ui/, needs Node.js and npm) into the binary" ON)

find_package(Python3 REQUIRED COMPONENTS Interpreter)

set(OSPREY_UI_SOURCE_DIR ${PROJECT_SOURCE_DIR}/ui)
set(OSPREY_UI_DIST ${PROJECT_BINARY_DIR}/ui-dist)
set(OSPREY_UI_ASSETS_CC ${PROJECT_BINARY_DIR}/src/server/ui_assets_data.cc)

file(GLOB _osprey_dashboards CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/dashboards/*.json)
set(_osprey_embed_deps ${PROJECT_SOURCE_DIR}/tools/embed_assets.py ${_osprey_dashboards})
set(_osprey_embed_args --out ${OSPREY_UI_ASSETS_CC} --dashboards ${PROJECT_SOURCE_DIR}/dashboards)

if(OSPREY_UI AND EXISTS ${OSPREY_UI_SOURCE_DIR}/package.json
   AND EXISTS ${OSPREY_UI_SOURCE_DIR}/package-lock.json)
  file(GLOB_RECURSE _osprey_ui_sources CONFIGURE_DEPENDS
       ${OSPREY_UI_SOURCE_DIR}/src/*
       ${OSPREY_UI_SOURCE_DIR}/public/*)
  file(GLOB _osprey_ui_top CONFIGURE_DEPENDS
       ${OSPREY_UI_SOURCE_DIR}/index.html
       ${OSPREY_UI_SOURCE_DIR}/*.json
       ${OSPREY_UI_SOURCE_DIR}/*.ts)
  # Unit tests do not change the bundle.
  list(FILTER _osprey_ui_sources EXCLUDE REGEX "\\.test\\.tsx?$")
  set(_ci_stamp ${PROJECT_BINARY_DIR}/ui-npm-ci.stamp)
  set(_dist_stamp ${PROJECT_BINARY_DIR}/ui-dist.stamp)
  add_custom_command(
    OUTPUT ${_ci_stamp}
    COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tools/ui_build.py ci
            --ui-dir ${OSPREY_UI_SOURCE_DIR} --stamp ${_ci_stamp}
    DEPENDS ${OSPREY_UI_SOURCE_DIR}/package-lock.json ${OSPREY_UI_SOURCE_DIR}/package.json
            ${PROJECT_SOURCE_DIR}/tools/ui_build.py
    COMMENT "Installing the web UI's npm packages (npm ci in ui/)"
    USES_TERMINAL)
  add_custom_command(
    OUTPUT ${_dist_stamp}
    COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tools/ui_build.py build
            --ui-dir ${OSPREY_UI_SOURCE_DIR} --out ${OSPREY_UI_DIST} --stamp ${_dist_stamp}
    DEPENDS ${_ci_stamp} ${_osprey_ui_sources} ${_osprey_ui_top}
    COMMENT "Building the web UI (npm run build -> ui-dist)"
    USES_TERMINAL)
  list(APPEND _osprey_embed_deps ${_dist_stamp})
  list(APPEND _osprey_embed_args --ui-dist ${OSPREY_UI_DIST})
  set(OSPREY_UI_BUILT ON CACHE INTERNAL "the web UI is embedded (read by tests/ui)")
else()
  if(OSPREY_UI)
    message(STATUS "ui/package.json or ui/package-lock.json missing: building without the web UI")
  endif()
  set(OSPREY_UI_BUILT OFF CACHE INTERNAL "the web UI is embedded (read by tests/ui)")
endif()

add_custom_command(
  OUTPUT ${OSPREY_UI_ASSETS_CC}
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tools/embed_assets.py ${_osprey_embed_args}
  DEPENDS ${_osprey_embed_deps}
  COMMENT "Embedding the web UI and dashboards/*.json")
# `ninja osprey_ui` builds just the UI and the generated source.
add_custom_target(osprey_ui DEPENDS ${OSPREY_UI_ASSETS_CC})
