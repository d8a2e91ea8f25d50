#!/usr/bin/env bash
# Runs every test of the project: the README's test command, and what .ci/run calls.
# Installs and starts what the tests need on a fresh Debian machine (when run as root), then runs the Maven build.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -x tools/ci/prepare.sh ]; then
  tools/ci/prepare.sh
fi

exec ./mvnw -B -ntp verify "$@"
