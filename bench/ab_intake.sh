#!/usr/bin/env bash
# Paired intake runs: two checkouts of Kehu in alternation, a fresh SQLite database each run.
# On a machine whose speed drifts (a shared VM), only runs made side by side compare.
#
#   git worktree add /tmp/kehu-before <commit>
#   bash bench/ab_intake.sh 6 /tmp/kehu-before .     # prints one line per run
set -euo pipefail
pairs=${1:?pairs} before=$(cd "${2:?before checkout}" && pwd) after=$(cd "${3:?after checkout}" && pwd)
python=${PYTHON:-$after/.venv/bin/python}
data=$(mktemp -d /tmp/kehu-ab-XXXX)
for _ in $(seq 1 "$pairs"); do
  for checkout in "$before" "$after"; do
    rm -rf "$data/db"
    printf '%s ' "$checkout"
    (cd "$checkout" && "$python" bench/tickets_bench.py --only intake --posts "${POSTS:-4000}" --data-dir "$data/db" 2>&1 |
      grep -o "'requests_per_s.*tickets_per_s': [0-9]*")
  done
done
rm -rf "$data"
