# Shared helpers for the test/setup scripts. Source it; it defines functions only.
# State lives in one directory so that the stop scripts know what *we* started.

DEMO_CI_STATE_DIR=${DEMO_CI_STATE_DIR:-/tmp/docker-demo-ci}
DEMO_REGISTRY_ADDR=${DEMO_REGISTRY_ADDR:-127.0.0.1:5000}

log() { printf '[%s] %s\n' "${0##*/}" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# pid_is <pid> <comm>: true when <pid> is alive and its command name is <comm>.
# Checking the name guards against a recycled pid from an earlier session.
pid_is() {
  local pid=$1 comm=$2
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [ -r "/proc/$pid/comm" ] || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$comm" ]
}

# wait_until <seconds> <command...>: polls every 0.5 s, true as soon as the command succeeds.
wait_until() {
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

docker_answers() { timeout 5 docker info --format '{{.ServerVersion}}' >/dev/null 2>&1; }

# stop_started <state-file> <comm>: stops the process recorded in <state-file>, if it is still
# the process we started, then forgets it. Safe to call twice.
stop_started() {
  local state=$1 comm=$2 pid
  if [ ! -f "$state" ]; then
    log "nothing to stop: $comm was not started by these scripts"
    return 0
  fi
  pid=$(cat "$state")
  if pid_is "$pid" "$comm"; then
    log "stopping $comm (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_until 20 bash -c "! kill -0 $pid"; then
      log "$comm (pid $pid) did not stop within 20 s; sending KILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  else
    log "$comm (pid $pid) is already gone"
  fi
  rm -f "$state"
}

# await_started <name> <pid> <seconds> <logfile> <state-file> <check...>: waits until the check
# passes; gives up early if the process exits (a refusal at start-up is immediate). On failure
# prints the log tail, forgets a process that is gone, and returns 1.
await_started() {
  local name=$1 pid=$2 seconds=$3 logfile=$4 state=$5; shift 5
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$state"
      log "$name exited at start-up. Last lines of $logfile:"
      tail -n 30 "$logfile" >&2 || true
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "$name (pid $pid) did not answer within $seconds s. Last lines of $logfile:"
      tail -n 30 "$logfile" >&2 || true
      return 1
    fi
    sleep 0.5
  done
}
