#!/usr/bin/env bash
# tmux for the CLI's pseudo-terminal test (samples/cli DiffusionCliTerminalIT): it runs the runnable jar in a detached
# tmux session and reads the rendered screen. Without tmux the test skips locally and fails under CI=true.
set -euo pipefail

if [ -x /usr/bin/tmux ]; then
  echo "tmux present: $(/usr/bin/tmux -V)"
elif [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing tmux"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q tmux
else
  echo "tmux absent and cannot install it (needs root and apt-get): the CLI terminal test will skip (or fail under CI=true)"
fi
