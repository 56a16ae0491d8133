#!/usr/bin/env bash
# Sweep throughput: 100 points x 3 seeds (bench/sweep-100x3.yaml) at -j 1 and
# -j 2; prints the median wall time of each over REPEAT runs and the speed-up.
# Target (issue 5): -j 2 at least 1.8x faster than -j 1 on a 2-core machine.
#
#   bench/sweep_speedup.sh build/bin/leptonsim [REPEAT]
set -euo pipefail
leptonsim=$(realpath "${1:-build/bin/leptonsim}")
repeat=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

declare -A times
for jobs in 1 2; do
  for ((i = 1; i <= repeat; i++)); do
    rm -f "$work/sweep.db"
    start=$(date +%s.%N)
    "$leptonsim" sweep "$here/sweep-100x3.yaml" -o "$work/sweep.db" -j "$jobs" --progress none >/dev/null
    end=$(date +%s.%N)
    t=$(awk -v a="$start" -v b="$end" 'BEGIN {print b - a}')
    ok=$(sqlite3 "$work/sweep.db" "select count(*) from sweep_tasks where status='ok'")
    [ "$ok" = 300 ] || { echo "only $ok of 300 runs ok" >&2; exit 1; }
    printf 'sweep 100x3 -j %d run %d: %.1f s\n' "$jobs" "$i" "$t"
    times[$jobs]+="$t"$'\n'
  done
done
m1=$(printf '%s' "${times[1]}" | median)
m2=$(printf '%s' "${times[2]}" | median)
speedup=$(awk -v a="$m1" -v b="$m2" 'BEGIN {print a / b}')
printf 'median -j 1: %.1f s, -j 2: %.1f s, speed-up %.2fx (target >= 1.8x) on %s, %s cores\n' \
  "$m1" "$m2" "$speedup" "$(uname -m)" "$(nproc)"
