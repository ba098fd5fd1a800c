#!/usr/bin/env bash
# Fails when a tracked C++ file is not clang-formatted (.clang-format at the root).
set -euo pipefail
cd "$(dirname "$0")/.."
files=$( { git ls-files 'src/*.cc' 'src/*.h'; git ls-files --others --exclude-standard 'src/*.cc' 'src/*.h'; } | sort -u)
[ -z "$files" ] && exit 0
bad=0
for f in $files; do
  [ -f "$f" ] || continue
  if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
    echo "check-format: $f is not formatted (run 'make format')" >&2
    bad=1
  fi
done
exit $bad
