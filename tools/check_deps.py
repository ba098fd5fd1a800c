#!/usr/bin/env python3
"""Fails when a module includes one it may not (STYLE.md section 1).

Two checks:
  1. Each module's CMake DEPS (osprey_cc_library) stay inside the architecture graph below.
  2. Each #include "other/..." in src/<module>/ names the module itself or one of its
     CMake DEPS (test, bench and fuzz files may also use their targets' DEPS, which must
     themselves stay inside the graph plus `testing`). No module includes another's
     internal/ headers.
Exit status 1 with one line per violation, 0 when clean.
"""
import pathlib
import re
import sys

# Who may depend on whom. Nothing points back up. `server` wires everything.
ARCHITECTURE = {
    "base": set(),
    "metrics": {"base"},
    "model": {"base"},
    "config": {"model", "base"},
    "storage": {"model", "base"},
    "tsdb": {"storage", "model", "metrics", "base"},
    "logs": {"storage", "model", "metrics", "base"},
    "traces": {"storage", "model", "metrics", "base"},
    "promql": {"storage", "model", "metrics", "base"},
    "ingest": {"config", "http", "storage", "model", "metrics", "base"},
    "scrape": {"ingest", "config", "http", "storage", "model", "metrics", "base"},
    "agent": {"scrape", "ingest", "config", "http", "storage", "model", "metrics", "base"},
    # remote_write sender: tails the tsdb WAL and ships it with ingest's encoder.
    "remote": {"tsdb", "ingest", "config", "http", "storage", "model", "metrics", "base"},
    # Go text/template engine: rule annotations and notification templates.
    "tmpl": {"base"},
    "rules": {"tmpl", "config", "promql", "storage", "model", "metrics", "base"},
    "alerting": {"tmpl", "config", "http", "model", "metrics", "base"},
    # Incidents, on-call and automated responses, fed by alerting's FlushObserver.
    "incidents": {"alerting", "tmpl", "config", "http", "model", "metrics", "base"},
    "http": {"config", "promql", "storage", "model", "metrics", "base"},
    "testing": {"storage", "model", "metrics", "base"},
    "server": None,  # may use every module
}

KEYWORDS = {"NAME", "SRCS", "DEPS", "EXTERNAL", "LABELS", "SEEDS"}
TARGET_RE = re.compile(r"(osprey_cc_(?:library|test|bench|fuzz))\s*\((.*?)\)", re.S)
INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/([^"]+)"', re.M)


def parse_targets(cmake_text):
    """Yields (kind, name, deps) for each osprey_cc_* call."""
    text = re.sub(r"#[^\n]*", "", cmake_text)
    for kind, body in TARGET_RE.findall(text):
        tokens = body.split()
        section, name, deps = None, None, []
        for tok in tokens:
            if tok in KEYWORDS:
                section = tok
            elif section == "NAME":
                name = tok
            elif section == "DEPS":
                deps.append(tok)
        yield kind, name, deps


def main(argv):
    root = pathlib.Path(argv[1]).resolve() if len(argv) > 1 else \
        pathlib.Path(__file__).resolve().parent.parent
    return check(root)


def check(ROOT):
    SRC = ROOT / "src"
    errors = []
    modules = sorted(p.name for p in SRC.iterdir() if p.is_dir())
    lib_deps, test_deps = {}, {}
    for mod in modules:
        cmake = SRC / mod / "CMakeLists.txt"
        if not cmake.exists():
            continue
        lib_deps.setdefault(mod, set())
        test_deps.setdefault(mod, set())
        for kind, name, deps in parse_targets(cmake.read_text()):
            if kind == "osprey_cc_library":
                lib_deps[mod] |= set(deps)
            else:
                test_deps[mod] |= set(deps)

    for mod in modules:
        if mod not in ARCHITECTURE:
            errors.append(f"src/{mod}: module is not in the architecture graph of "
                          "tools/check_deps.py (add it with its allowed deps)")
            continue
        allowed = ARCHITECTURE[mod]
        if allowed is None:
            continue
        for dep in sorted(lib_deps.get(mod, set()) - allowed):
            errors.append(f"src/{mod}/CMakeLists.txt: DEPS names '{dep}', which {mod} may not "
                          f"depend on (allowed: {', '.join(sorted(allowed)) or 'none'})")
        for dep in sorted(test_deps.get(mod, set()) - allowed - {"testing", mod}):
            errors.append(f"src/{mod}/CMakeLists.txt: a test target's DEPS names '{dep}', "
                          f"which {mod} may not depend on")

    for path in sorted(SRC.rglob("*")):
        if path.suffix not in (".h", ".cc") or not path.is_file():
            continue
        mod = path.relative_to(SRC).parts[0]
        if ARCHITECTURE.get(mod, set()) is None:
            continue
        is_test = re.search(r"_(test|bench|fuzz)\.cc$|_test_util\.(h|cc)$", path.name) is not None
        permitted = {mod} | lib_deps.get(mod, set())
        if is_test:
            permitted |= test_deps.get(mod, set())
        text = path.read_text(errors="replace")
        for m in INCLUDE_RE.finditer(text):
            target, rest = m.group(1), m.group(2)
            if target not in ARCHITECTURE:
                continue  # a third-party header such as "gtest/gtest.h"
            line = text.count("\n", 0, m.start()) + 1
            rel = path.relative_to(ROOT)
            if target not in permitted:
                errors.append(f"{rel}:{line}: includes \"{target}/{rest}\" but {mod} does not "
                              f"depend on {target} (DEPS in src/{mod}/CMakeLists.txt)")
            elif target != mod and rest.startswith("internal/"):
                errors.append(f"{rel}:{line}: includes {target}'s private header "
                              f"\"{target}/{rest}\"")

    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        print(f"check_deps: {len(errors)} violation(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
