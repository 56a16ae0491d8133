#!/usr/bin/env bash
# Stop the cluster that tests/slurm/start_slurm_cluster.sh started in DIR:
# cancel its jobs, then end exactly the daemons whose pid files are in
# DIR/pids (TERM, then KILL after a timeout). Safe to run twice or after a
# start that failed halfway.
set -u

if [ $# -ne 1 ]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
dir=$(cd "$1" 2>/dev/null && pwd) || { echo "nothing to stop: no directory $1"; exit 0; }
export PATH="$PATH:/usr/sbin:/sbin"

# The pid in the file belongs to our daemon only while the process still runs
# that program; a stale file must not make us signal an unrelated process.
running_pid() {
  local pid_file=$1 program=$2 pid
  [ -s "$pid_file" ] || return 1
  pid=$(tr -dc '0-9' <"$pid_file")
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$program" ] || return 1
  echo "$pid"
}

# Cancel this cluster's jobs first so that no job step outlives slurmd.
if [ -f "$dir/slurm.conf" ] && running_pid "$dir/pids/slurmctld.pid" slurmctld >/dev/null; then
  job_ids=$(SLURM_CONF="$dir/slurm.conf" timeout 10 squeue -h -o '%A' 2>/dev/null | sort -u)
  if [ -n "$job_ids" ]; then
    # shellcheck disable=SC2086
    SLURM_CONF="$dir/slurm.conf" timeout 10 scancel $job_ids 2>/dev/null || true
    for _ in $(seq 20); do
      [ -z "$(SLURM_CONF="$dir/slurm.conf" timeout 10 squeue -h -o '%A' 2>/dev/null)" ] && break
      sleep 0.5
    done
  fi
fi

# Gone, or a zombie that only waits for its parent to reap it.
has_exited() {
  local state
  state=$(sed -n 's/^[0-9]* (.*) \([A-Za-z]\).*/\1/p' "/proc/$1/stat" 2>/dev/null) || return 0
  [ -z "$state" ] || [ "$state" = Z ] || [ "$state" = X ]
}

stop_daemon() {
  local program=$1 pid
  pid=$(running_pid "$dir/pids/$program.pid" "$program") || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do
    has_exited "$pid" && { echo "stopped $program ($pid)"; return 0; }
    sleep 0.1
  done
  echo "$program ($pid) ignored TERM for 10s; sending KILL"
  kill -KILL "$pid" 2>/dev/null || true
}

# slurmd before slurmctld (it reports to it), munged last (both need it).
stop_daemon slurmd
stop_daemon slurmctld
stop_daemon munged
exit 0
