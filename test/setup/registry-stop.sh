#!/usr/bin/env bash
# Stops the registry that registry.sh started (and nothing else). Its storage is kept.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
stop_started "$DEMO_CI_STATE_DIR/started-registry" docker-registry
