#!/usr/bin/env python3
"""Builds the web UI for the embedding step of cmake/OspreyUi.cmake.

  ui_build.py ci    --ui-dir ui --stamp STAMP           npm ci, unless node_modules matches
                                                        ui/package-lock.json already
  ui_build.py build --ui-dir ui --out DIR --stamp STAMP  npm run build with OSPREY_UI_OUT=DIR

Both take a lock (a file in the temp dir named after ui/), so build dirs that share ui/ (build,
build-asan) never run npm at the same time in the same node_modules. A missing npm fails the
build with what to do.
"""
import argparse
import fcntl
import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

NO_NPM = ("osprey: building the web UI needs Node.js (>= 18) and npm, which were not found.\n"
          "        Run `make deps` to install them, or configure with -DOSPREY_UI=OFF to build "
          "without the UI.")


def lock_for(ui_dir):
    key = hashlib.sha1(str(ui_dir.resolve()).encode()).hexdigest()[:12]
    f = open(pathlib.Path(tempfile.gettempdir()) / f"osprey-ui-{key}.lock", "w")
    fcntl.flock(f, fcntl.LOCK_EX)
    return f


def installed_matches_lockfile(ui_dir):
    """True when node_modules holds exactly what package-lock.json pins (npm's hidden lockfile
    node_modules/.package-lock.json lists what was installed)."""
    try:
        want = json.loads((ui_dir / "package-lock.json").read_text())["packages"]
        have = json.loads((ui_dir / "node_modules" / ".package-lock.json").read_text())["packages"]
    except (OSError, ValueError, KeyError):
        return False
    for path, meta in want.items():
        if not path:
            continue  # the root package
        got = have.get(path)
        if got is None:
            if meta.get("optional"):
                continue  # another platform's binary
            return False
        if got.get("version") != meta.get("version") or not (ui_dir / path).exists():
            return False
    return all(path in want for path in have)


def run(cmd, cwd, env=None, fatal=True):
    print(f"ui_build: {' '.join(cmd)} (in {cwd})", flush=True)
    r = subprocess.run(cmd, cwd=cwd, env=env)
    if r.returncode != 0 and fatal:
        sys.exit(f"ui_build: `{' '.join(cmd)}` failed with exit status {r.returncode}")
    return r.returncode == 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("step", choices=["ci", "build"])
    ap.add_argument("--ui-dir", required=True)
    ap.add_argument("--stamp", required=True)
    ap.add_argument("--out")
    args = ap.parse_args()
    ui_dir = pathlib.Path(args.ui_dir)
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        sys.exit(NO_NPM)

    with lock_for(ui_dir):
        if args.step == "ci":
            if installed_matches_lockfile(ui_dir):
                print("ui_build: ui/node_modules matches package-lock.json; npm ci skipped")
            else:
                # npm ci refuses a lockfile written with omit-lockfile-registry-resolved (as
                # on machines whose ~/.npmrc sets it): other platforms' optional binaries are
                # then recorded without a version. `npm install --no-save` installs the same
                # pinned versions from it and leaves package-lock.json untouched.
                if not run([npm, "ci", "--no-audit", "--no-fund"], ui_dir, fatal=False):
                    print("ui_build: npm ci rejected the lockfile; installing with "
                          "npm install --no-save instead", flush=True)
                    run([npm, "install", "--no-save", "--no-audit", "--no-fund"], ui_dir)
        else:
            out = pathlib.Path(args.out).resolve()
            env = dict(os.environ, OSPREY_UI_OUT=str(out))
            run([npm, "run", "build", "--silent"], ui_dir, env)
            if not (out / "index.html").is_file():
                sys.exit(f"ui_build: `npm run build` did not write {out}/index.html (does "
                         "ui/vite.config.ts honour OSPREY_UI_OUT?)")
    stamp = pathlib.Path(args.stamp)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text("ok\n")


if __name__ == "__main__":
    main()
