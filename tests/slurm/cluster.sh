#!/usr/bin/env bash
# A real one-node Slurm cluster (Debian's slurm-wlm + munge) living entirely in one folder, for
# tests: cluster.sh start DIR | stop DIR.
#   start: writes DIR/slurm.conf for this host, a munge key, and starts munged, slurmctld and
#          slurmd (as root, with the socket, state, spool, logs and PID files under DIR); returns
#          once sinfo shows the node idle. Clients then need SLURM_CONF=DIR/slurm.conf.
#   stop:  kills the daemons by the PIDs recorded in DIR (nothing else) and waits for them.
# Ports: SLURM_TEST_PORT (default 6817) for slurmctld and the next one for slurmd.
# A daemon that does not come up is reported with its log tail, and start exits 1.
set -euo pipefail

die() {
  echo "cluster.sh: $*" >&2
  exit 1
}

usage() { die "usage: cluster.sh start DIR | stop DIR"; }

[ $# -eq 2 ] || usage
cmd=$1
dir=$(mkdir -p "$2" && cd "$2" && pwd)

# Prints the last lines of every log under DIR (what a failed start needs to say why).
logs() {
  for f in "$dir"/log/*; do
    [ -f "$f" ] || continue
    echo "---- $f (last 25 lines) ----" >&2
    tail -n 25 "$f" >&2
  done
}

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# PID of daemon NAME as recorded in DIR/pid/NAME.pid (empty if none).
pid_of() { cat "$dir/pid/$1.pid" 2>/dev/null || true; }

# Fails saying why daemon $1 is not running: its last fatal/error line, then every log's tail.
failed() {
  local name=$1 what=$2 reason
  reason=$(grep -h -E 'fatal|error|Error' "$dir/log/$name".* 2>/dev/null | grep -v -i pmix | tail -n 1)
  echo "cluster.sh: $name $what${reason:+; its log says: $reason}" >&2
  logs
  exit 1
}

# Waits up to $2 seconds for the PID file of daemon $1; fails with its log if the daemon died.
wait_pid_file() {
  local name=$1 seconds=$2 i
  for ((i = 0; i < seconds * 10; i++)); do
    if [ -s "$dir/pid/$name.pid" ] && alive "$(pid_of "$name")"; then return 0; fi
    sleep 0.1
  done
  failed "$name" "did not start (no live PID in $dir/pid/$name.pid after ${seconds}s)"
}

stop() {
  local name pid i
  for name in slurmd slurmctld munged; do
    pid=$(pid_of "$name")
    if alive "$pid"; then
      kill -TERM "$pid" 2>/dev/null || true
      for ((i = 0; i < 100; i++)); do
        alive "$pid" || break
        sleep 0.1
      done
      if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    fi
    rm -f "$dir/pid/$name.pid"
  done
}

start() {
  command -v slurmctld >/dev/null || die "slurmctld not found (apt-get install slurm-wlm munge)"
  command -v munged >/dev/null || die "munged not found (apt-get install munge)"
  [ "$(id -u)" = 0 ] || die "must run as root (SlurmUser=root, slurmd starts jobs as the submitter)"
  if alive "$(pid_of slurmctld)"; then die "a cluster is already running in $dir"; fi

  local host port cpus boards sockets cores threads mem
  host=$(hostname -s)
  port=${SLURM_TEST_PORT:-6817}
  mkdir -p "$dir"/{munge,state,spool,log,pid}
  chmod 755 "$dir/munge" # the socket lives here: clients need x

  # This host as slurmd sees it, e.g. "NodeName=vm CPUs=2 Boards=1 SocketsPerBoard=1 ...".
  local probe
  probe=$(slurmd -C | head -n 1)
  field() { sed -n "s/.*\b$1=\([0-9]*\).*/\1/p" <<<"$probe"; }
  cpus=$(field CPUs)
  boards=$(field Boards)
  sockets=$(field SocketsPerBoard)
  cores=$(field CoresPerSocket)
  threads=$(field ThreadsPerCore)
  mem=$(field RealMemory)
  [ -n "$cpus" ] && [ -n "$mem" ] || die "could not read CPUs/RealMemory from slurmd -C: $probe"

  cat >"$dir/slurm.conf" <<EOF
# Written by tests/slurm/cluster.sh: one node ($host), no accounting, no cgroups.
ClusterName=synthvid-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# cred_expire: a requeued job waits this long before it may start again (default 120 s).
AuthInfo=socket=$dir/munge/munge.socket,cred_expire=10
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/pid/slurmctld.pid
SlurmdPidFile=$dir/pid/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
SlurmdTimeout=60
InactiveLimit=0
KillWait=5
MinJobAge=300
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus Boards=${boards:-1} SocketsPerBoard=${sockets:-1} CoresPerSocket=${cores:-$cpus} ThreadsPerCore=${threads:-1} RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  # Read by slurmd only if a cgroup plugin is ever loaded; says "do not touch cgroups".
  cat >"$dir/cgroup.conf" <<EOF
ConstrainCores=no
ConstrainRAMSpace=no
ConstrainDevices=no
EOF

  # munge: a fresh key, only root may read it (munged checks its mode and owner).
  if [ ! -s "$dir/munge/munge.key" ]; then
    (umask 077 && dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none)
  fi
  chmod 600 "$dir/munge/munge.key"
  munged --force \
    --key-file="$dir/munge/munge.key" \
    --socket="$dir/munge/munge.socket" \
    --pid-file="$dir/pid/munged.pid" \
    --log-file="$dir/log/munged.log" \
    --seed-file="$dir/munge/munged.seed" \
    2>>"$dir/log/munged.stderr" ||
    failed munged "exited with status $?"
  wait_pid_file munged 10
  if command -v munge >/dev/null && ! munge -n -S "$dir/munge/munge.socket" >/dev/null 2>&1; then
    failed munged "runs but does not answer on $dir/munge/munge.socket"
  fi

  export SLURM_CONF="$dir/slurm.conf"
  # slurmctld and slurmd daemonize and write their PID files; -i: no saved state to recover.
  slurmctld -f "$dir/slurm.conf" -i 2>>"$dir/log/slurmctld.stderr" ||
    failed slurmctld "exited with status $?"
  wait_pid_file slurmctld 20
  # Up means listening and answering munge-authenticated RPCs (a daemon dies after its PID file
  # when, e.g., its port is taken).
  local i
  for ((i = 0; i < 200; i++)); do
    alive "$(pid_of slurmctld)" || failed slurmctld "exited after starting"
    if scontrol ping 2>/dev/null | grep -q "is UP"; then break; fi
    sleep 0.1
  done
  scontrol ping 2>/dev/null | grep -q "is UP" || failed slurmctld "does not answer scontrol ping"
  slurmd -f "$dir/slurm.conf" 2>>"$dir/log/slurmd.stderr" || failed slurmd "exited with status $?"
  wait_pid_file slurmd 20

  # The node registers, then is idle (ReturnToService=2 brings it up from UNKNOWN).
  local state="" name
  for ((i = 0; i < 600; i++)); do
    state=$(sinfo -h -N -n "$host" -o '%T' 2>/dev/null | head -n 1 || true)
    [ "$state" = idle ] && break
    for name in munged slurmctld slurmd; do
      alive "$(pid_of "$name")" || failed "$name" "died while waiting for the node (${state:-none})"
    done
    sleep 0.1
  done
  if [ "$state" != idle ]; then
    echo "cluster.sh: node $host is '${state:-not listed}' after 60s, not idle" >&2
    sinfo -N -l >&2 || true
    scontrol show node "$host" >&2 || true
    logs
    exit 1
  fi
  echo "cluster.sh: up in $dir (node $host idle, $cpus CPUs, ${mem}M); export SLURM_CONF=$dir/slurm.conf"
}

case "$cmd" in
start)
  # A half-started cluster is stopped again before start exits with an error.
  trap 'rc=$?; if [ $rc -ne 0 ]; then stop; fi' EXIT
  start
  trap - EXIT
  ;;
stop) stop ;;
*) usage ;;
esac
