#!/usr/bin/env bash
# Start a real single-node Slurm cluster (munged, slurmctld, slurmd) on this
# machine with every file it needs inside DIR: munge key, sockets, slurm.conf,
# state, spool, logs and pid files. Nothing under /etc, /run or /var is used,
# so it neither needs nor disturbs a system-wide Slurm installation.
#
#   tests/slurm/start_slurm_cluster.sh DIR     # then: export SLURM_CONF=DIR/slurm.conf
#   tests/slurm/stop_slurm_cluster.sh DIR      # stops exactly the daemons started here
#
# Exit status: 0 when the node is idle and accepts jobs; 77 (the test harness's
# "skipped") when not root or a Slurm/MUNGE program is missing; 1 on failure,
# after printing the daemons' logs and stopping what was started.
set -eu

if [ $# -ne 1 ]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
script_dir=$(cd "$(dirname "$0")" && pwd)
# The daemons live in sbin, which a non-login shell may not have on PATH.
export PATH="$PATH:/usr/sbin:/sbin"

if [ "$(id -u)" != 0 ]; then
  echo "skip: starting a private Slurm cluster needs root (slurmd runs jobs as their owner)" >&2
  exit 77
fi
missing=""
for program in munged munge slurmctld slurmd sbatch squeue sinfo scancel; do
  command -v "$program" >/dev/null 2>&1 || missing="$missing $program"
done
if [ -n "$missing" ]; then
  echo "skip: missing programs:$missing (Debian: apt-get install slurm-wlm munge)" >&2
  exit 77
fi

mkdir -p "$1"
dir=$(cd "$1" && pwd)
if [ -e "$dir/slurm.conf" ]; then
  echo "error: $dir/slurm.conf exists; use a fresh directory (or stop that cluster first)" >&2
  exit 1
fi
# A Unix socket path must fit in sun_path (108 bytes including the NUL).
munge_socket="$dir/munge/munge.socket"
if [ ${#munge_socket} -gt 100 ]; then
  echo "error: $munge_socket is too long for a Unix socket; use a shorter DIR" >&2
  exit 1
fi

started_ok=0
on_exit() {
  if [ "$started_ok" != 1 ]; then
    echo "error: the Slurm cluster in $dir did not come up; logs follow" >&2
    for log in "$dir"/log/*.log; do
      [ -f "$log" ] || continue
      echo "===== $log (last 40 lines) =====" >&2
      tail -n 40 "$log" >&2
    done
    "$script_dir/stop_slurm_cluster.sh" "$dir" >&2 || true
  fi
}
trap on_exit EXIT

mkdir -p "$dir/munge" "$dir/log" "$dir/state" "$dir/spool" "$dir/pids"
# munged refuses directories that others can write to, and wants the socket's
# directory searchable by everyone.
chmod 0755 "$dir" "$dir/munge"

# MUNGE: a fresh random key, readable by its owner only.
dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
chmod 0400 "$dir/munge/munge.key"
# --force: munged otherwise refuses to run as root with a key it does not
# consider installed, and a lock left by a killed daemon would stop it.
munged --force \
  --key-file="$dir/munge/munge.key" \
  --socket="$munge_socket" \
  --pid-file="$dir/pids/munged.pid" \
  --log-file="$dir/log/munged.log" \
  --seed-file="$dir/munge/munged.seed"
for _ in $(seq 50); do
  [ -S "$munge_socket" ] && [ -s "$dir/pids/munged.pid" ] && break
  sleep 0.1
done
if ! munge -n -S "$munge_socket" | unmunge -S "$munge_socket" >/dev/null; then
  echo "error: munged does not answer on $munge_socket" >&2
  exit 1
fi

# Two free TCP ports, derived from our pid so that parallel clusters (several
# test runs) are unlikely to collide; checked by trying to connect.
is_port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=$((40000 + ($$ * 7) % 20000))
pick_port() {
  while is_port_in_use "$port" || is_port_in_use "$((port + 1))"; do
    port=$((port + 2))
    [ "$port" -lt 65000 ] || port=40000
  done
}
pick_port
slurmctld_port=$port
slurmd_port=$((port + 1))

node_name=$(hostname -s)
cpus=$(nproc)
# RealMemory must not exceed what slurmd measures, or the node is drained.
real_memory=$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
real_memory=${real_memory:-1000}

cat >"$dir/slurm.conf" <<CONF
# Private single-node cluster written by tests/slurm/start_slurm_cluster.sh.
ClusterName=leptonsim
SlurmctldHost=$node_name(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$slurmctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$munge_socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/pids/slurmctld.pid
SlurmdPidFile=$dir/pids/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
MailProg=/bin/true
# No cgroups: processes are tracked through /proc, tasks are not bound.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MaxArraySize=100001
MaxJobCount=200000
# Keep finished jobs visible for a short while only.
MinJobAge=30
SlurmdTimeout=60
InactiveLimit=0
KillWait=5
NodeName=$node_name NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$real_memory State=UNKNOWN
PartitionName=debug Nodes=$node_name Default=YES MaxTime=INFINITE State=UP
CONF

export SLURM_CONF="$dir/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"

# Both daemons fork into the background and write their pid files.
for _ in $(seq 100); do
  [ -s "$dir/pids/slurmctld.pid" ] && [ -s "$dir/pids/slurmd.pid" ] && break
  sleep 0.1
done
is_daemon_running() {
  local pid
  pid=$(tr -dc '0-9' <"$dir/pids/$1.pid" 2>/dev/null) && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

timeout_seconds=60
state=""
for _ in $(seq $((timeout_seconds * 2))); do
  for daemon in slurmctld slurmd; do
    if ! is_daemon_running "$daemon"; then
      echo "error: $daemon is not running" >&2
      exit 1
    fi
  done
  state=$(sinfo -h -N -n "$node_name" -o '%T' 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
if [ "$state" != idle ]; then
  echo "error: node $node_name is '${state:-unknown}', not idle, after ${timeout_seconds}s" >&2
  exit 1
fi

started_ok=1
echo "Slurm cluster up: node $node_name, $cpus CPUs, slurmctld port $slurmctld_port, slurmd port $slurmd_port"
echo "export SLURM_CONF=$dir/slurm.conf"
