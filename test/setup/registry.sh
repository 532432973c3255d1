#!/usr/bin/env bash
# Starts a local image registry on 127.0.0.1:5000 (Debian's docker-registry), unless one
# already answers there. dockerd.sh makes it the engine's registry mirror, so the deck's own
# `docker pull alpine` is served from the stand-ins pushed here by build-standins.sh.
#
#   bash test/setup/registry.sh
#
# Storage: $DEMO_REGISTRY_ROOT (default /var/lib/docker-demo-registry), kept between runs.
# Records what it started in $DEMO_CI_STATE_DIR for registry-stop.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ROOT=${DEMO_REGISTRY_ROOT:-/var/lib/docker-demo-registry}
CONFIG=$DEMO_CI_STATE_DIR/registry.yml
LOGFILE=$DEMO_CI_STATE_DIR/registry.log
URL="http://$DEMO_REGISTRY_ADDR/v2/"

registry_answers() { curl -fs -o /dev/null --max-time 2 "$URL"; }

mkdir -p "$DEMO_CI_STATE_DIR" "$ROOT"

if registry_answers; then
  log "a registry already answers at $URL; not starting one"
  exit 0
fi
command -v docker-registry >/dev/null ||
  die "docker-registry not found; install it: apt-get install -y --no-install-recommends docker-registry"

cat > "$CONFIG" <<YAML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $ROOT
  delete:
    enabled: true
http:
  addr: $DEMO_REGISTRY_ADDR
  # Fixed, so that restarts do not warn; it only signs upload state, on loopback.
  secret: docker-demo-ci-loopback-only
YAML

log "starting docker-registry on $DEMO_REGISTRY_ADDR (storage $ROOT, log $LOGFILE)"
setsid docker-registry serve "$CONFIG" >>"$LOGFILE" 2>&1 < /dev/null &
pid=$!
echo "$pid" > "$DEMO_CI_STATE_DIR/started-registry"

await_started docker-registry "$pid" 15 "$LOGFILE" "$DEMO_CI_STATE_DIR/started-registry" registry_answers || exit 1
log "registry is up (pid $pid)"
