#!/usr/bin/env bash
# The main job: installs what is missing, builds mlci, and runs the example
# pipeline (share/examples/iris/pipeline.sh) end to end in a scratch copy.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
"$top/share/scripts/install-deps.sh"
MLCI_BUILD_TARGET=mlci "$top/share/scripts/build.sh" -DCMAKE_UNITY_BUILD=ON
work=$(mktemp -d "${TMPDIR:-/tmp}/mlci-example.XXXXXX")
cp -r "$top/share/examples/iris/." "$work/"
echo "running the example pipeline in $work" >&2
cd "$work"
PATH="$top/build:$PATH" ./pipeline.sh
