#!/usr/bin/env bash
# Checks that lib/ keeps its layers (share/doc/ARCHITECTURE.md §5): a folder
# includes only folders on its own layer or below. Exits 1 naming each
# include that breaks the order, 0 when there is none. Run by CI (the CLI
# test test_docs.sh) and before a commit (share/scripts/pre-commit.sh).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)

# The layer of each folder; a folder may include its own layer and lower ones.
declare -A layer=(
    [core]=0 [hash]=0
    [store]=1
    [config]=2 [vcs]=2 [net]=2 [oci]=2 [registry]=2 [sign]=2
    [process]=2 [junit]=2 [stats]=2
    [data]=3 [lineage]=3
    [train]=4
    [test]=5 [validate]=5 [package]=5 [deploy]=5 [watch]=5
    [report]=6 [project]=6
)
# Within one layer the order is free, but a cycle between two folders is not.
# Known exceptions, each a debt (a general tool still inside a step's
# folder): remove a line when its include is gone; never add one. None is
# left.
known=()

status=0
declare -A seen=()
while IFS= read -r line; do
    file=${line%%:*}
    from=${file#"$top"/lib/}
    from=${from%%/*}
    to=$(sed -E 's|.*#include <mlci/([a-z_]+)/.*|\1|' <<<"$line")
    [[ $from == "$to" ]] && continue
    if [[ -z ${layer[$from]+x} || -z ${layer[$to]+x} ]]; then
        echo "check-layers: ${file#"$top"/}: folder '$from' or '$to' has no layer (add it to $0)" >&2
        status=1
        continue
    fi
    pair="$from -> $to"
    [[ -n ${seen[$pair]+x} ]] && continue
    seen[$pair]=1
    if ((layer[$to] > layer[$from])); then
        ok=0
        for k in "${known[@]}"; do [[ $k == "$pair" ]] && ok=1; done
        ((ok)) && continue
        echo "check-layers: ${file#"$top"/} includes lib/$to (layer ${layer[$to]}) from lib/$from (layer ${layer[$from]})" >&2
        status=1
    fi
done < <(grep -rHE '#include <mlci/[a-z_]+/' "$top/lib" --include='*.cpp' --include='*.hpp')

# The listed exceptions must still exist: a paid debt leaves the list.
for k in "${known[@]}"; do
    if [[ -z ${seen[$k]+x} ]]; then
        echo "check-layers: '$k' is listed as a known exception but no longer happens: remove it" >&2
        status=1
    fi
done
# And no two folders of one layer include each other.
for pair in "${!seen[@]}"; do
    from=${pair%% -> *}
    to=${pair##* -> }
    # (across layers, one direction is already an upward include above)
    if ((layer[$from] == layer[$to])) && [[ -n ${seen["$to -> $from"]+x} && $from < $to ]]; then
        echo "check-layers: lib/$from and lib/$to include each other" >&2
        status=1
    fi
done
((status == 0)) && echo "check-layers: lib/ keeps its layers" >&2
exit $status
