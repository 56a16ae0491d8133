#!/usr/bin/env bash
# End-to-end test of `leptonsim sweep --slurm` / `--collect` on a real
# single-node Slurm cluster started for the test: a 3-point x 2-seed sweep is
# run once locally (-j 2) and once as a 3-task Slurm job array, and the two
# databases must hold the same runs, parameters and summaries. Merging the
# shards a second time must change nothing.
#
#   tests/slurm/slurm_sweep_e2e.sh BUILD_BIN_DIR SOURCE_DIR
#
# Exit 77 (skipped) when not root or Slurm, MUNGE or sqlite3 is missing.
# LEPTONSIM_KEEP_TMP=1 keeps the temporary directory for a post-mortem.
set -eu

if [ $# -ne 2 ]; then
  echo "usage: $0 BUILD_BIN_DIR SOURCE_DIR" >&2
  exit 2
fi
bin_dir=$(cd "$1" && pwd)
source_dir=$(cd "$2" && pwd)
here="$source_dir/tests/slurm"
leptonsim="$bin_dir/leptonsim"
export PATH="$PATH:/usr/sbin:/sbin"

[ -x "$leptonsim" ] || { echo "error: no leptonsim binary at $leptonsim" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "skip: sqlite3 is not installed" >&2; exit 77; }

# Short path: the MUNGE socket lives inside it (Unix socket paths are short).
work=$(mktemp -d /tmp/leptonsim-slurm-e2e.XXXXXX)
cleanup() {
  "$here/stop_slurm_cluster.sh" "$work/cluster" >/dev/null 2>&1 || true
  if [ "${LEPTONSIM_KEEP_TMP:-0}" = 1 ]; then
    echo "kept $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  for log in "$work"/cluster/log/*.log "$work"/slurm.db.slurm/slurm-*.out; do
    [ -f "$log" ] && { echo "===== $log (last 15 lines)" >&2; tail -n 15 "$log" >&2; }
  done
  exit 1
}

elapsed() { echo "$(($(date +%s) - $1))s"; }
test_start=$(date +%s)

status=0
"$here/start_slurm_cluster.sh" "$work/cluster" || status=$?
[ "$status" = 0 ] || exit "$status"
export SLURM_CONF="$work/cluster/slurm.conf"

# 3 points x 2 seeds = 6 runs of a 5-minute quickstart.
quoted_base=$(printf '%s' "$source_dir/scenarios/quickstart.yaml" | sed "s/'/''/g")
cat >"$work/spec.yaml" <<SPEC
name: slurm-e2e
base: '$quoted_base'
set:
  duration: 5min
  warmup: 0s
seeds: 2
axes:
  - key: services[0].replicas
    values: [6, 8, 10]
SPEC

cd "$work"

step_start=$(date +%s)
"$leptonsim" sweep "$work/spec.yaml" -o "$work/local.db" -j 2 --progress none || fail "local sweep failed"
echo "local sweep (-j 2): $(elapsed "$step_start")"

step_start=$(date +%s)
"$leptonsim" sweep "$work/spec.yaml" -o "$work/slurm.db" --slurm --shards 3 || fail "sweep --slurm failed"
[ -s "$work/slurm.db.slurm/job.sh" ] || fail "no job script in slurm.db.slurm/"
job_id=$(cat "$work/slurm.db.slurm/job_id" 2>/dev/null) || fail "no job id in slurm.db.slurm/job_id"
echo "submitted Slurm job array $job_id: $(elapsed "$step_start")"

step_start=$(date +%s)
timeout 600 "$leptonsim" sweep "$work/spec.yaml" -o "$work/slurm.db" --collect --poll 1 || fail "sweep --collect failed"
echo "collect (array ran and shards merged): $(elapsed "$step_start")"

# The work really went through Slurm: one log and one shard per array task.
for task in 0 1 2; do
  [ -f "$work/slurm.db.slurm/slurm-${job_id}_$task.out" ] || fail "no Slurm log for array task $task"
  [ -f "$work/slurm.db.slurm/shard-$task.db" ] || fail "no shard-$task.db"
done

dump() {
  sqlite3 "$1" "select run_id, metric, value from summary order by 1, 2;" \
               "select run_id, key, value from parameters order by 1, 2;"
}
ok_tasks() { sqlite3 "$1" "select count(*) from sweep_tasks where status = 'ok';"; }

dump "$work/local.db" >"$work/local.dump" || fail "cannot read local.db"
dump "$work/slurm.db" >"$work/slurm.dump" || fail "cannot read slurm.db"
[ -s "$work/local.dump" ] || fail "local.db has no summary or parameters"
[ "$(ok_tasks "$work/local.db")" = 6 ] || fail "local.db: $(ok_tasks "$work/local.db") ok tasks, expected 6"
[ "$(ok_tasks "$work/slurm.db")" = 6 ] || fail "slurm.db: $(ok_tasks "$work/slurm.db") ok tasks, expected 6"
if ! diff -q "$work/local.dump" "$work/slurm.dump" >/dev/null; then
  diff "$work/local.dump" "$work/slurm.dump" | head -20 >&2
  fail "the Slurm sweep differs from the local one"
fi

# Merging the same shards again is a no-op.
"$leptonsim" merge "$work/slurm.db" "$work"/slurm.db.slurm/shard-*.db || fail "second merge failed"
dump "$work/slurm.db" >"$work/slurm-again.dump"
[ "$(ok_tasks "$work/slurm.db")" = 6 ] || fail "after a second merge: $(ok_tasks "$work/slurm.db") ok tasks"
diff -q "$work/slurm.dump" "$work/slurm-again.dump" >/dev/null || fail "a second merge changed slurm.db"

echo "PASS: $(wc -l <"$work/local.dump") summary and parameter rows identical; 6 ok tasks; merge idempotent ($(elapsed "$test_start") in all)"
