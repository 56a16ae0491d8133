#!/usr/bin/env bash
# Smoke test of the private Slurm cluster the sweep tests rely on: start it,
# run a 4-task job array, check that every task wrote its file and that two
# 1-CPU tasks ran at the same time (the node offers one slot per CPU), stop it.
#   tests/slurm/slurm_cluster_smoke.sh        (exit 77 = skipped: not root / no Slurm)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
export PATH="$PATH:/usr/sbin:/sbin"

work=$(mktemp -d /tmp/leptonsim-slurm-smoke.XXXXXX)
cleanup() {
  "$here/stop_slurm_cluster.sh" "$work/cluster" >/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

status=0
"$here/start_slurm_cluster.sh" "$work/cluster" || status=$?
[ "$status" = 0 ] || exit "$status"
export SLURM_CONF="$work/cluster/slurm.conf"

fail() {
  echo "FAIL: $*" >&2
  for log in "$work"/cluster/log/*.log "$work"/slurm-*.out; do
    [ -f "$log" ] && { echo "===== $log" >&2; tail -n 30 "$log" >&2; }
  done
  exit 1
}

# Each task records its start and end (epoch seconds, ns) and sleeps in between.
job_id=$(sbatch --parsable --array=0-3 --cpus-per-task=1 --output="$work/slurm-%A_%a.out" \
  --wrap "echo \$SLURM_ARRAY_TASK_ID > $work/out-\$SLURM_ARRAY_TASK_ID; date +%s.%N > $work/start-\$SLURM_ARRAY_TASK_ID; sleep 2; date +%s.%N > $work/end-\$SLURM_ARRAY_TASK_ID") \
  || fail "sbatch failed"
echo "submitted job array $job_id"

for _ in $(seq 120); do
  [ -z "$(squeue -h -j "$job_id" -o %i 2>/dev/null)" ] && break
  sleep 0.5
done
[ -z "$(squeue -h -j "$job_id" -o %i 2>/dev/null)" ] || fail "job $job_id still queued after 60 s"

for task in 0 1 2 3; do
  [ "$(cat "$work/out-$task" 2>/dev/null)" = "$task" ] || fail "task $task did not write out-$task"
done

# Two tasks overlap when one starts before the other ends.
overlapping_pairs=0
for a in 0 1 2 3; do
  for b in 0 1 2 3; do
    [ "$a" -lt "$b" ] || continue
    if awk -v sa="$(cat "$work/start-$a")" -v ea="$(cat "$work/end-$a")" \
           -v sb="$(cat "$work/start-$b")" -v eb="$(cat "$work/end-$b")" \
           'BEGIN { exit !(sa < eb && sb < ea) }'; then
      overlapping_pairs=$((overlapping_pairs + 1))
    fi
  done
done
cpus=$(nproc)
if [ "$cpus" -ge 2 ] && [ "$overlapping_pairs" -lt 1 ]; then
  fail "no two tasks ran concurrently on $cpus CPUs"
fi
echo "PASS: 4 array tasks ran, $overlapping_pairs overlapping pairs on $cpus CPUs"
