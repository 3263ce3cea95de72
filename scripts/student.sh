#!/usr/bin/env bash
# npm run student: the students' notebooks notebooks/04_mnist_conv.ipynb and 08_deep_networks.ipynb, made by nbgrader
# (generate_assignment, configured in course/nbgrader_config.py) from the solutions in notebooks/solutions/, which
# course/source/<assignment>/ links to. Every region "// BEGIN SOLUTION" ... "// END SOLUTION" becomes a comment
# stub (the template above it stays, so the check cell says 未解答), "BEGIN HIDDEN" ... "END HIDDEN" regions are
# dropped, outputs are cleared, and the check cells are locked and checksummed for autograding.
#   bash scripts/student.sh           write notebooks/<assignment>.ipynb
#   bash scripts/student.sh --check   only verify that the committed ones are what nbgrader makes now (test/student.test.ts)
# It works in a temporary folder with its own gradebook: course/gradebook.db is npm run grade's.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/env.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
stale=0
cd "$root/course"
for src in source/*/; do
  a=$(basename "$src")
  nbgrader generate_assignment "$a" --force --log-level=WARN \
    --CourseDirectory.release_directory="$tmp/release" --CourseDirectory.db_url="sqlite:///$tmp/gradebook.db"
  made="$tmp/release/$a/$a.ipynb"
  target="$root/notebooks/$a.ipynb"
  if [ "${1:-}" = "--check" ]; then
    if cmp -s "$made" "$target"; then
      echo "✔ notebooks/$a.ipynb is nbgrader's student version of notebooks/solutions/$a.ipynb"
    else
      echo "✘ notebooks/$a.ipynb is not nbgrader's student version of notebooks/solutions/$a.ipynb: run npm run student"
      stale=1
    fi
  elif ! cmp -s "$made" "$target"; then
    cp "$made" "$target"
    echo "wrote notebooks/$a.ipynb"
  fi
done
exit $stale
