#!/usr/bin/env bash
# Stops the dockerd that dockerd.sh started (and nothing else), and removes the /etc/hosts
# pins that dockerd.sh added. Safe to run twice, or when nothing was started.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

stop_started "$DEMO_CI_STATE_DIR/started-dockerd" dockerd
bash "$(dirname "$0")/pin-registry-hosts.sh" --remove
