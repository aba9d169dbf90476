#!/usr/bin/env bash
# Checks that files stay small enough to read in one sitting (CONTRIBUTING.md,
# "Files"): a cmd/ file at most 250 lines (it declares flags, calls lib/ and
# prints; logic belongs in lib/), a lib/ source at most 500. Exits 1 naming
# each file over its limit, 0 when there is none. Run by CI (the CLI test
# test_house.sh) and before a commit (share/scripts/pre-commit.sh).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

# Known exceptions, each a debt: remove a line when its file is back under
# the limit; never add one.
known=(
)

status=0
check() { # LIMIT FILE...
    local limit=$1 file lines k ok
    shift
    for file; do
        lines=$(wc -l <"$file")
        ((lines > limit)) || continue
        ok=0
        for k in "${known[@]}"; do [[ $k == "$file" ]] && ok=1; done
        ((ok)) && continue
        echo "check-sizes: $file has $lines lines, more than $limit: move logic to lib/ or split it by concern" >&2
        status=1
    done
}
shopt -s nullglob globstar
check 250 cmd/*.cpp
check 500 lib/**/*.cpp

# A listed exception must still be one: a paid debt leaves the list.
for k in "${known[@]}"; do
    limit=500
    [[ $k == cmd/* ]] && limit=250
    if [[ ! -f $k ]] || (($(wc -l <"$k") <= limit)); then
        echo "check-sizes: '$k' is listed as a known exception but is within $limit lines: remove it" >&2
        status=1
    fi
done
((status == 0)) && echo "check-sizes: every cmd/ and lib/ file is within its limit" >&2
exit $status
