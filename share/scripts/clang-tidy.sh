#!/usr/bin/env bash
# Runs clang-tidy (the checks of .clang-tidy) over C++ sources, in parallel on
# every core; exits 1 when it finds anything.
#   clang-tidy.sh FILE...      these files (.hpp files are checked through
#                              the sources that include them: skipped here)
#   clang-tidy.sh --since REV  the lib/, cmd/ and tests/ sources changed since
#                              the merge base of REV and HEAD
#   clang-tidy.sh --all        every source (about 12 s of CPU per file, so
#                              half an hour on 2 cores: not for CI)
# It needs clang-tidy-19 (Debian 12; clang 14 cannot compile <expected>) and
# per-file compile commands, which a unity build does not give: it configures
# build-tidy/ (no compiling) when that is missing.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
tidy=${CLANG_TIDY:-clang-tidy-19}
command -v "$tidy" >/dev/null || { echo "clang-tidy.sh: $tidy is not installed (share/scripts/install-deps.sh)" >&2; exit 3; }

files=()
case ${1:-} in
--all) mapfile -t files < <(git ls-files 'lib/*.cpp' 'cmd/*.cpp' 'tests/unit/*.cpp') ;;
--since)
    base=$(git merge-base "${2:?--since needs a revision}" HEAD 2>/dev/null) ||
        { echo "clang-tidy.sh: no merge base with '$2' (a shallow clone?): nothing checked" >&2; exit 0; }
    mapfile -t files < <(git diff --name-only --diff-filter=ACMR "$base" -- 'lib/*.cpp' 'cmd/*.cpp' 'tests/unit/*.cpp')
    ;;
*) mapfile -t files < <(for f in "$@"; do [[ $f == *.cpp && -f $f ]] && echo "$f"; done | sort -u) ;;
esac
if ((${#files[@]} == 0)); then
    echo "clang-tidy.sh: no C++ source to check" >&2
    exit 0
fi

build=${MLCI_TIDY_BUILD_DIR:-$top/build-tidy}
if [[ ! -f $build/compile_commands.json ]]; then
    cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_UNITY_BUILD=OFF \
        -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
fi

echo "clang-tidy.sh: checking ${#files[@]} file(s)" >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# gcc's warning flags that clang does not know are not findings.
if ! printf '%s\n' "${files[@]}" |
    xargs -P "$(nproc)" -n 1 "$tidy" -p "$build" --quiet --extra-arg=-Wno-unknown-warning-option \
        >"$log" 2>&1; then
    grep -E 'warning:|error:' "$log" | sort -u >&2 || cat "$log" >&2
    echo "clang-tidy.sh: findings above (fix them, or add a NOLINT(check) with the reason)" >&2
    exit 1
fi
echo "clang-tidy.sh: clean" >&2
