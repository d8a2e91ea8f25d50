#!/usr/bin/env bash
# Unpacks Debian's OpenBLAS into tools/scene-model/work-openblas/ without installing it system-wide, so that
# train.sh can put it in front of the reference BLAS that Debian's python3-torch is linked to.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
D="$HERE/work-openblas"
rm -rf "$D" && mkdir -p "$D/deb" "$D/lib"
(cd "$D/deb" && apt-get download libopenblas0-pthread)
dpkg-deb -x "$D"/deb/libopenblas0-pthread_*.deb "$D/x"
cp -P "$D"/x/usr/lib/x86_64-linux-gnu/openblas-pthread/* "$D/lib/"
ls "$D/lib"
