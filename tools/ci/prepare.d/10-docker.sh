#!/usr/bin/env bash
# Docker for the container integration tests (integration-tests/, issue 7).
# Idempotent: installs Debian's docker.io only when dockerd is missing, starts dockerd only when `docker info` does not
# answer, then waits for it. The vfs storage driver works inside containers and sandboxes where overlayfs does not
# (no nested overlay mounts); it copies every layer, so the test images are kept small.
# Not root and no daemon: report and go on; the container suite then fails with a message saying Docker is unusable.
set -euo pipefail

LOG=/var/log/dockerd.log
[ -w /var/log ] || LOG=/tmp/dockerd.log

if docker info >/dev/null 2>&1; then
  echo "docker: daemon already answers"
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "docker: daemon not running and not root: cannot install or start it (the container tests will fail)"
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  echo "docker: installing Debian docker.io"
  export DEBIAN_FRONTEND=noninteractive
  # other jobs may hold the dpkg lock (unattended upgrades, a parallel prepare): wait for it instead of failing
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  # no recommends: cgroupfs-mount, git and friends are not needed to build local images and run containers
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends docker.io >/dev/null
fi
# Debian puts the client at /usr/bin/docker; a client elsewhere on PATH (e.g. /usr/local/bin) is fine as well
command -v docker >/dev/null 2>&1 || { echo "docker: no docker client after install" >&2; exit 1; }

if ! pgrep -x dockerd >/dev/null 2>&1; then
  echo "docker: starting dockerd --storage-driver=vfs (log: $LOG)"
  # setsid + nohup: the daemon outlives this script and the CI shell that called it
  setsid nohup dockerd --storage-driver=vfs >"$LOG" 2>&1 < /dev/null &
fi

for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    echo "docker: daemon ready ($(docker info --format '{{.ServerVersion}} {{.Driver}}' 2>/dev/null))"
    exit 0
  fi
  sleep 1
done
echo "docker: daemon did not answer within 60 s; last lines of $LOG:" >&2
tail -n 30 "$LOG" >&2 || true
exit 1
