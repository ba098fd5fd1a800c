#!/usr/bin/env python3
"""Tests for check_deps.py on small trees made in a temp dir."""
import pathlib
import subprocess
import sys
import tempfile
import unittest

TOOL = pathlib.Path(__file__).resolve().parent / "check_deps.py"


def make_tree(root, files):
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


def run(root):
    r = subprocess.run([sys.executable, str(TOOL), str(root)], capture_output=True, text=True)
    return r.returncode, r.stderr


class CheckDepsTest(unittest.TestCase):
    def test_clean_tree_passes(self):
        with tempfile.TemporaryDirectory() as d:
            root = pathlib.Path(d)
            make_tree(root, {
                "src/base/CMakeLists.txt": "osprey_cc_library(NAME base SRCS a.cc)\n",
                "src/base/a.cc": '#include "base/a.h"\n#include <vector>\n',
                "src/model/CMakeLists.txt": "osprey_cc_library(NAME model SRCS m.cc DEPS base)\n",
                "src/model/m.cc": '#include "base/a.h"\n#include "gtest/gtest.h"\n',
            })
            self.assertEqual(run(root), (0, ""))

    def test_include_outside_deps_fails_with_location(self):
        with tempfile.TemporaryDirectory() as d:
            root = pathlib.Path(d)
            make_tree(root, {
                "src/base/CMakeLists.txt": "osprey_cc_library(NAME base SRCS a.cc)\n",
                "src/model/CMakeLists.txt": "osprey_cc_library(NAME model SRCS m.cc DEPS base)\n",
                "src/base/a.cc": '// x\n#include "model/m.h"\n',
            })
            rc, err = run(root)
            self.assertEqual(rc, 1)
            self.assertIn('src/base/a.cc:2: includes "model/m.h" but base does not depend on model', err)

    def test_cmake_dep_against_architecture_fails(self):
        with tempfile.TemporaryDirectory() as d:
            root = pathlib.Path(d)
            make_tree(root, {
                "src/tsdb/CMakeLists.txt":
                    "osprey_cc_library(NAME tsdb\n  SRCS h.cc\n  DEPS promql base)\n",
                "src/promql/CMakeLists.txt": "osprey_cc_library(NAME promql SRCS p.cc)\n",
            })
            rc, err = run(root)
            self.assertEqual(rc, 1)
            self.assertIn("DEPS names 'promql', which tsdb may not depend on", err)

    def test_tests_may_use_testing_and_private_headers_are_private(self):
        with tempfile.TemporaryDirectory() as d:
            root = pathlib.Path(d)
            make_tree(root, {
                "src/base/CMakeLists.txt": "osprey_cc_library(NAME base SRCS a.cc)\n",
                "src/testing/CMakeLists.txt": "osprey_cc_library(NAME testing SRCS t.cc DEPS base)\n",
                "src/model/CMakeLists.txt":
                    "osprey_cc_library(NAME model SRCS m.cc DEPS base)\n"
                    "osprey_cc_test(NAME model_test SRCS m_test.cc DEPS model testing)\n",
                "src/model/m_test.cc": '#include "testing/t.h"\n',
                "src/model/m.cc": '#include "base/internal/x.h"\n',
            })
            rc, err = run(root)
            self.assertEqual(rc, 1)
            self.assertNotIn("m_test.cc", err)
            self.assertIn("private header", err)

    def test_unknown_module_is_reported(self):
        with tempfile.TemporaryDirectory() as d:
            root = pathlib.Path(d)
            make_tree(root, {"src/widgets/CMakeLists.txt": "osprey_cc_library(NAME widgets)\n"})
            rc, err = run(root)
            self.assertEqual(rc, 1)
            self.assertIn("src/widgets: module is not in the architecture graph", err)


if __name__ == "__main__":
    unittest.main()
