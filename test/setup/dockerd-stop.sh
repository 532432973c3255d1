#!/usr/bin/env bash
# Stops the dockerd that dockerd.sh started (and nothing else), and removes the /etc/hosts
# pins that dockerd.sh added. Safe to run twice, or when nothing was started.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

HOSTS_MARK='# docker-demo-ci: public registry pinned offline'

stop_started "$DEMO_CI_STATE_DIR/started-dockerd" dockerd

if [ -f "$DEMO_CI_STATE_DIR/pinned-hosts" ]; then
  # Rewrite in place (not sed -i): /etc/hosts may be a bind mount.
  kept=$(grep -vF "$HOSTS_MARK" /etc/hosts || true)
  printf '%s\n' "$kept" > /etc/hosts
  rm -f "$DEMO_CI_STATE_DIR/pinned-hosts"
  log "removed the public registry pins from /etc/hosts"
fi
