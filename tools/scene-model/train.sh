#!/usr/bin/env bash
# Retrains the scenes model from nothing and exports it in the optimum SD 1.5 layout.
#   tools/scene-model/train.sh [WORK_DIR]        (default: tools/scene-model/work)
# Every stage logs to WORK_DIR/logs/. Deterministic for a given thread count (seeds in each script).
# Environment: PY (default /usr/bin/python3, Debian's python3-torch 1.13), THREADS (default 2),
#              OPENBLAS_DIR (a user-space OpenBLAS; by default openblas.sh unpacks Debian's into work-openblas/).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
export SCENE_WORK="$(realpath -m "${1:-$HERE/work}")"
PY="${PY:-/usr/bin/python3}"
export THREADS="${THREADS:-2}"
OPENBLAS_DIR="${OPENBLAS_DIR:-$HERE/work-openblas/lib}"
if [[ ! -e "$OPENBLAS_DIR/libblas.so.3" && "$OPENBLAS_DIR" == "$HERE/work-openblas/lib" ]] && command -v apt-get >/dev/null; then
  "$HERE/openblas.sh" || echo "openblas.sh failed: going on with the reference BLAS"
fi
if [[ -e "$OPENBLAS_DIR/libblas.so.3" ]]; then
  # torch from Debian is linked against the reference BLAS; OpenBLAS makes its matmuls ~10x faster
  export LD_LIBRARY_PATH="$OPENBLAS_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" OPENBLAS_NUM_THREADS=1
  echo "using OpenBLAS from $OPENBLAS_DIR"
else
  echo "no OpenBLAS at $OPENBLAS_DIR (run openblas.sh): training will be several times slower"
fi
mkdir -p "$SCENE_WORK/logs"
cd "$HERE"
stage() {
  local name="$1"; shift
  local t0=$SECONDS
  echo "== $name"
  set +e
  "$@" 2>&1 | tee "$SCENE_WORK/logs/$name.log" | grep -E --line-buffered "step [0-9]*0 |time|std|tokens|exported|max"
  local status=${PIPESTATUS[0]}
  set -e
  [[ $status -eq 0 ]] || { echo "stage $name failed (exit $status), see $SCENE_WORK/logs/$name.log"; exit 1; }
  echo "== $name: $((SECONDS - t0)) s" | tee -a "$SCENE_WORK/logs/times.txt"
}
: > "$SCENE_WORK/logs/times.txt"
T0=$SECONDS
stage tokenizer "$PY" clip_tokenizer.py "$SCENE_WORK/tokenizer"
stage autoencoder "$PY" train_autoencoder.py
stage unet "$PY" train_unet.py
echo "== training total: $((SECONDS - T0)) s" | tee -a "$SCENE_WORK/logs/times.txt"
stage export "$PY" export.py "$SCENE_WORK/export" euler
