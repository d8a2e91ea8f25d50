#!/usr/bin/env bash
# Idempotent machine preparation for the test suite: runs every tools/ci/prepare.d/*.sh in name order.
# Each step checks first and installs/starts only what is missing, so a prepared machine costs nothing.
# Steps that need root (apt-get, dockerd) skip with a message when not root and the tool is missing.
set -euo pipefail
cd "$(dirname "$0")"
for step in prepare.d/*.sh; do
  [ -e "$step" ] || continue
  echo "prepare: $step"
  bash "$step"
done
echo "prepare: machine ready"
