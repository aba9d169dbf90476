#!/usr/bin/env bash
# Configures and builds mlci into build/ (or $MLCI_BUILD_DIR); extra
# arguments go to cmake, e.g. -DMLCI_SANITIZE=ON. $MLCI_BUILD_TARGET builds
# one target only (run-example.sh needs the binary, not the unit tests).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${MLCI_BUILD_DIR:-$top/build}
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
target=()
[[ -n ${MLCI_BUILD_TARGET:-} ]] && target=(--target "$MLCI_BUILD_TARGET")
cmake --build "$build" "${target[@]}" -j "$(nproc)"
