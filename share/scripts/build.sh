#!/usr/bin/env bash
# Configures and builds mlci into build/ (or $MLCI_BUILD_DIR); extra
# arguments go to cmake, e.g. -DMLCI_SANITIZE=ON.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${MLCI_BUILD_DIR:-$top/build}
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
