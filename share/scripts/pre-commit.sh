#!/usr/bin/env bash
# What to run before a commit: formats the C++ files you changed and runs
# clang-tidy on them (when clang-tidy-19 is installed), then checks what CI
# checks without building (format of every file, the layers of lib/, file sizes).
# As a git hook: ln -s ../../share/scripts/pre-commit.sh .git/hooks/pre-commit
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
mapfile -t changed < <(git diff --cached --name-only --diff-filter=ACM -- '*.cpp' '*.hpp'
    git diff --name-only --diff-filter=ACM -- '*.cpp' '*.hpp')
if ((${#changed[@]})); then
    clang-format -i "${changed[@]}"
    git diff --quiet -- "${changed[@]}" || echo "pre-commit: formatted ${#changed[@]} file(s); review and stage them" >&2
    if command -v clang-tidy-19 >/dev/null; then
        ./share/scripts/clang-tidy.sh "${changed[@]}"
    else
        echo "pre-commit: clang-tidy-19 is not installed: not checked (share/scripts/install-deps.sh)" >&2
    fi
fi
mapfile -t sources < <(git ls-files '*.cpp' '*.hpp')
clang-format --dry-run --Werror "${sources[@]}"
./share/scripts/check-layers.sh
./share/scripts/check-sizes.sh
