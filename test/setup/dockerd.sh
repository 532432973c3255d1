#!/usr/bin/env bash
# Starts a Docker engine for the demos and tests, unless one already answers.
#
#   bash test/setup/dockerd.sh [--pin-hosts]
#
# - Never restarts or reconfigures a running engine.
# - Clears a stale /var/run/docker.pid (left behind when a session kills dockerd), which
#   otherwise makes the next dockerd refuse to start.
# - Adds the local registry (127.0.0.1:5000, see registry.sh) as a registry mirror in
#   /etc/docker/daemon.json, merging into an existing file rather than replacing it.
# - With --pin-hosts, or when CI=true, pins the public registries' host names to 127.0.0.1 in
#   /etc/hosts (pin-registry-hosts.sh), so that an image missing from the mirror fails fast
#   instead of leaving the machine. dockerd-stop.sh removes exactly those lines.
# Records what it started in $DEMO_CI_STATE_DIR for dockerd-stop.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PIDFILE=${DOCKERD_PIDFILE:-/var/run/docker.pid}
DAEMON_JSON=${DOCKERD_DAEMON_JSON:-/etc/docker/daemon.json}
MIRROR="http://$DEMO_REGISTRY_ADDR"
LOGFILE=$DEMO_CI_STATE_DIR/dockerd.log

pin_hosts=false
[ "${CI:-}" = true ] && pin_hosts=true
for arg in "$@"; do
  case $arg in
    --pin-hosts) pin_hosts=true ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) die "unknown argument '$arg' (expected --pin-hosts)" ;;
  esac
done

mkdir -p "$DEMO_CI_STATE_DIR"

# Adds our mirror to daemon.json. Creates the file if there is none; merges into a valid one;
# leaves an unreadable one alone (with a warning) rather than clobbering someone's settings.
configure_mirror() {
  mkdir -p "$(dirname "$DAEMON_JSON")"
  if [ ! -e "$DAEMON_JSON" ]; then
    printf '{\n  "registry-mirrors": ["%s"]\n}\n' "$MIRROR" > "$DAEMON_JSON"
    log "wrote $DAEMON_JSON with registry mirror $MIRROR"
    return 0
  fi
  command -v jq >/dev/null || { log "warning: jq missing; not touching existing $DAEMON_JSON"; return 0; }
  if ! jq -e 'type == "object"' "$DAEMON_JSON" >/dev/null 2>&1; then
    log "warning: $DAEMON_JSON is not a JSON object; leaving it alone (no registry mirror)"
    return 0
  fi
  if jq -e --arg m "$MIRROR" '(."registry-mirrors" // []) | index($m) != null' "$DAEMON_JSON" >/dev/null; then
    return 0
  fi
  local merged
  merged=$(jq --arg m "$MIRROR" '."registry-mirrors" = ((."registry-mirrors" // []) + [$m])' "$DAEMON_JSON")
  cp -p "$DAEMON_JSON" "$DAEMON_JSON.docker-demo-ci.bak"
  printf '%s\n' "$merged" > "$DAEMON_JSON"
  log "added registry mirror $MIRROR to $DAEMON_JSON (previous file kept as $DAEMON_JSON.docker-demo-ci.bak)"
}

clear_stale_pidfile() {
  [ -f "$PIDFILE" ] || return 0
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null || true)
  if pid_is "$pid" dockerd; then
    die "dockerd (pid $pid) is running but its socket does not answer; look at it before starting another (log: $LOGFILE)"
  fi
  log "removing stale $PIDFILE (pid '${pid}' is not a running dockerd)"
  rm -f "$PIDFILE"
}

warn_without_mirror() {
  local mirrors
  mirrors=$(timeout 5 docker info --format '{{json .RegistryConfig.Mirrors}}' 2>/dev/null || true)
  case $mirrors in
    *"$DEMO_REGISTRY_ADDR"*) ;;
    *) log "warning: the running engine has no registry mirror $MIRROR (mirrors: ${mirrors:-none});" \
         "'docker pull' of a stand-in will not be served locally until dockerd is restarted with $DAEMON_JSON" ;;
  esac
}

$pin_hosts && bash "$(dirname "$0")/pin-registry-hosts.sh"

if docker_answers; then
  log "Docker engine already answers ($(docker info --format '{{.ServerVersion}}' 2>/dev/null)); not starting one"
  warn_without_mirror
  exit 0
fi

command -v dockerd >/dev/null || die "dockerd not found; install it: apt-get install -y --no-install-recommends docker.io"
clear_stale_pidfile
configure_mirror

log "starting dockerd (log: $LOGFILE)"
# setsid: the engine must outlive this script and not receive the caller's Ctrl-C.
setsid dockerd >>"$LOGFILE" 2>&1 < /dev/null &
pid=$!
echo "$pid" > "$DEMO_CI_STATE_DIR/started-dockerd"

await_started dockerd "$pid" 30 "$LOGFILE" "$DEMO_CI_STATE_DIR/started-dockerd" docker_answers || exit 1
log "dockerd is up (pid $pid, $(docker info --format '{{.ServerVersion}} {{.Driver}}'))"
warn_without_mirror
