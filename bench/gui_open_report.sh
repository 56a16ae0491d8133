#!/usr/bin/env bash
# Benchmark (issue 4): open a report with 1,000,000 time-series rows in the GUI
# and measure the time from program start until its charts are drawn (the
# window is grabbed after every load and replot has finished). Prints each run
# and the median.
#
#   bench/gui_open_report.sh [build-dir] [rows] [repetitions]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
rows=${2:-1000000}
reps=${3:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$build/bin/leptonsim_make_large_report" "$work/large.db" "$rows"
echo "report: $(du -h "$work/large.db" | cut -f1) with $rows time-series rows"
times=()
for i in $(seq "$reps"); do
  line=$(xvfb-run -a -s "-screen 0 1920x1200x24" "$build/bin/leptonsim-gui" "$work/large.db" \
           --tab dashboard --screenshot "$work/shot-$i.png" | grep '^screenshot:')
  ms=$(sed -E 's/.* ([0-9]+) ms after start.*/\1/' <<<"$line")
  echo "run $i: charts drawn $ms ms after start"
  times+=("$ms")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
echo "median: $median ms (target: under 2000 ms)"
