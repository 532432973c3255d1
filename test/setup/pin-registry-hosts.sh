#!/usr/bin/env bash
# Pins the public registries' host names to 127.0.0.1 in /etc/hosts, so that an image the
# local mirror lacks fails at once ("connection refused") instead of leaving the machine.
#
#   bash test/setup/pin-registry-hosts.sh            add the pins (idempotent)
#   bash test/setup/pin-registry-hosts.sh --remove   remove the pins these scripts added
#
# dockerd.sh calls it when CI=true or with --pin-hosts. dockerd reads /etc/hosts again after
# a few seconds (Go resolver cache), so a pull right after pinning may still try DNS.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

HOSTS=(registry-1.docker.io index.docker.io auth.docker.io production.cloudflare.docker.com
  docker.io registry.docker.io gcr.io quay.io)
MARK='# docker-demo-ci: public registry pinned offline'
STATE=$DEMO_CI_STATE_DIR/pinned-hosts

case ${1:-} in
  '')
    mkdir -p "$DEMO_CI_STATE_DIR"
    if grep -qF "$MARK" /etc/hosts; then
      log "/etc/hosts already pins the public registries"
      exit 0
    fi
    # Append in place: /etc/hosts is often a bind mount that cannot be replaced by rename.
    printf '127.0.0.1 %s %s\n' "${HOSTS[*]}" "$MARK" >> /etc/hosts
    touch "$STATE"
    log "pinned ${HOSTS[*]} to 127.0.0.1 in /etc/hosts"
    ;;
  --remove)
    [ -f "$STATE" ] || exit 0
    kept=$(grep -vF "$MARK" /etc/hosts || true)
    printf '%s\n' "$kept" > /etc/hosts
    rm -f "$STATE"
    log "removed the public registry pins from /etc/hosts"
    ;;
  *) die "unknown argument '$1' (expected --remove)" ;;
esac
