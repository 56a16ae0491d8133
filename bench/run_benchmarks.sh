#!/usr/bin/env bash
# Runs the simulator benchmarks and prints medians.
#   bench/run_benchmarks.sh [path/to/leptonsim] [repetitions]
# Figures: wall seconds of the whole process, simulation wall seconds (from the
# report), simulated requests (or jobs) per wall second, and peak resident memory.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:-$here/../build/bin/leptonsim}"
reps="${2:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

bench() {
  local name="$1" scenario="$2" counted="${3:-service.%.requests_completed}" unit="${4:-requests}"
  : > "$work/$name.wall"; : > "$work/$name.rss"; : > "$work/$name.simwall"; : > "$work/$name.rate"
  for i in $(seq "$reps"); do
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$bin" run "$scenario" -o "$work/$name.db" --progress none -q
    read -r wall rss < "$work/time.txt"
    echo "$wall" >> "$work/$name.wall"
    echo "$rss" >> "$work/$name.rss"
    simwall=$(sqlite3 "$work/$name.db" 'select wall_seconds from runs')
    completed=$(sqlite3 "$work/$name.db" "select sum(value) from summary where metric like '$counted'")
    echo "$simwall" >> "$work/$name.simwall"
    awk -v c="$completed" -v w="$simwall" 'BEGIN {printf "%.0f\n", c / w}' >> "$work/$name.rate"
  done
  printf '%-22s median of %d: process %6.2f s, simulation %6.2f s, %10.0f %s/s, peak RSS %6.1f MB\n' \
    "$name" "$reps" "$(median < "$work/$name.wall")" "$(median < "$work/$name.simwall")" \
    "$(median < "$work/$name.rate")" "$unit" "$(median < "$work/$name.rss" | awk '{print $1 / 1024}')"
}

echo "machine: $(nproc) cores, $(awk '/model name/ {$1=$2=$3=""; print; exit}' /proc/cpuinfo | sed 's/^ *//'), $(free -g | awk '/Mem:/ {print $2}') GiB"
bench mmc64-1m "$here/mmc64-1m.yaml"
bench platform-2048x8 "$here/platform-2048x8.yaml"
bench llm-1m-24h "$here/llm-1m-24h.yaml"
bench jobs-100k-easy "$here/jobs-100k-easy.yaml" jobs.completed jobs
bench failures-llama3-54d "$here/failures-llama3-54d.yaml" failures.count failures
bench storage-100tb-year "$here/storage-100tb-year.yaml" data.pieces_rebuilt pieces
bench owned-vs-rented-year "$here/../scenarios/owned-vs-rented.yaml"
bench edge-spillover-12h "$here/../scenarios/edge-region-spillover.yaml" 'service.assistant.requests_completed'
echo "targets: mmc64-1m >= 500000 requests/s and < 200 MB; platform-2048x8 < 5 s and < 1024 MB;"
echo "         llm-1m-24h (1,000,000 LLM requests, autoscaled up to 256 replicas, 24 h) < 20 s and < 500 MB;"
echo "         jobs-100k-easy (100,000 jobs, 2,048 nodes x 8 GPUs, EASY backfilling) < 60 s and < 1024 MB;"
echo "         failures-llama3-54d (16,384 GPUs, 54 days, every llama3-405b failure class, one job) < 10 s and < 1024 MB;"
echo "         storage-100tb-year (100 TB, 256 MB chunks, R = 3 on 1,000 disks, a year of disk and node failures) < 30 s and < 1024 MB"
echo "         owned-vs-rented-year (a year of diurnal load, 5.3 M requests, node pools scanned every 10 s, hourly costs) < 180 s and < 600 MB"
echo "         edge-spillover-12h (376,000 LLM requests routed over 3 sites, node pool, costs) < 5 s and < 200 MB"
