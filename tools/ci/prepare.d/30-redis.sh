#!/usr/bin/env bash
# Debian's redis-server for the Redis queue backend's tests (extension/redis, integration-tests/scale-out). The tests
# start their own redis-server on a free port (a Quarkus test resource), so this only installs the binary and never
# starts or enables the system service. Idempotent: does nothing when redis-server is on PATH already.
# Not root: report and go on; the Redis tests then fail with a message saying redis-server is missing.
set -euo pipefail

if command -v redis-server >/dev/null 2>&1; then
  echo "redis-server present: $(redis-server --version)"
  exit 0
fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "redis-server absent and cannot install it (needs root and apt-get): the Redis queue tests will fail"
  exit 0
fi

echo "installing Debian redis-server"
export DEBIAN_FRONTEND=noninteractive
# other jobs may hold the dpkg lock (unattended upgrades, a parallel prepare): wait for it instead of failing
apt-get -o DPkg::Lock::Timeout=600 update -qq
# --no-install-recommends: redis-tools comes as a dependency; the service is not needed (tests run their own server)
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends redis-server >/dev/null
# the package starts the system service where an init system runs; the tests never use it
if command -v service >/dev/null 2>&1; then service redis-server stop >/dev/null 2>&1 || true; fi
echo "redis-server installed: $(redis-server --version)"
