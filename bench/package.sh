#!/usr/bin/env bash
# Benchmark of `mlci package` against the shell pipeline it replaces, printed
# side by side: a model of 1 GiB of float32 weights (as hard to compress as
# real ones) packaged as a gzip layer and as a zstd layer, against
# `tar -c | gzip -6`, `tar -c | zstd -3 -T0` and `umoci repack` of the same
# files; then a CSV table (CSV_MIB, default 128) as gzip, against gzip -6
# and umoci, for the ratio on data that compresses.
#
# mlci does more than the pipelines: it hashes the tar (diff_id) and the
# blob (digest), writes a config, a manifest and a provenance attestation,
# and syncs the store before tagging. The targets (issue 4): gzip within
# 1.1x of tar | gzip -6, zstd at least 3x faster than it.
#
# Usage: bench/package.sh [BUILD_DIR] [MIB]   (MIB defaults to 1024; RUNS=3, CSV_MIB=128)
# Not part of the test suite: it takes minutes and needs a quiet machine.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
mlci=${1:-$top/build}/mlci
mib=${2:-1024}
work=$(mktemp -d "${TMPDIR:-/var/tmp}/mlci-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

# Prints the wall time of a command in seconds (best of $runs), running
# $after (if set) after each run.
runs=${RUNS:-3}
seconds() {
    local best=
    for ((r = 0; r < runs; r++)); do
        local t0 t1 t
        t0=$(date +%s.%N)
        "$@" >/dev/null 2>&1
        t1=$(date +%s.%N)
        [[ -n ${after:-} ]] && eval "$after"
        t=$(echo "$t1 - $t0" | bc -l)
        if [[ -z $best ]] || (($(echo "$t < $best" | bc -l))); then best=$t; fi
    done
    printf '%.2f' "$best"
}
row() { printf '  %-46s %8s s %s\n' "$1" "$2" "${3:-}"; }
ratio() { printf '(%.2fx %s)' "$(echo "$1 / $2" | bc -l)" "$3"; }
size_of() { stat -c %s "$1"; }

echo "mlci package benchmark: a ${mib} MiB model, $(nproc) cores, $(date -u +%F), load $(cut -d' ' -f1 /proc/loadavg)"
"$mlci" init >/dev/null 2>&1
cat > gen.py <<'PY'
import os, sys
import numpy as np
mib = int(sys.argv[1])
os.makedirs("model", exist_ok=True)
rng = np.random.default_rng(0)
with open("model/weights.bin", "wb") as f:
    for _ in range(mib):
        rng.standard_normal(1 << 18, dtype=np.float32).tofile(f)
PY
"$mlci" train -o model -n bench -- /usr/bin/python3 gen.py "$mib" >/dev/null 2>&1
cat model/* .mlci/blobs/sha256/* >/dev/null # both copies in the page cache

gzip_t=$(seconds bash -c 'tar -c model | gzip -6 > ref.tar.gz')
row "tar -c | gzip -6" "$gzip_t" "$(numfmt --to=iec "$(size_of ref.tar.gz)")"
zstd_ref_t=$(seconds bash -c 'tar -c model | zstd -q -3 -T0 > ref.tar.zst')
row "tar -c | zstd -3 -T0" "$zstd_ref_t" "$(numfmt --to=iec "$(size_of ref.tar.zst)")"
# umoci, the daemonless image tool: FOLDER put into an unpacked empty image,
# then `umoci repack` (Go's gzip, on every core) makes the layer. Sets
# umoci_t and umoci_layer (its size).
umoci_t=
umoci_repack() {
    local dir=$1
    rm -rf umoci-layout bundle
    umoci init --layout umoci-layout >/dev/null 2>&1
    umoci new --image umoci-layout:base >/dev/null 2>&1
    umoci unpack --rootless --image umoci-layout:base bundle >/dev/null 2>&1
    cp -r "$dir" "bundle/rootfs/$dir"
    umoci_t=$(after= seconds umoci repack --image umoci-layout:model bundle)
    umoci_layer=$(python3 - <<'PY'
import json
idx = json.load(open("umoci-layout/index.json"))
m = [d for d in idx["manifests"] if d.get("annotations", {}).get("org.opencontainers.image.ref.name") == "model"][0]
man = json.load(open("umoci-layout/blobs/sha256/" + m["digest"][7:]))
print(man["layers"][-1]["size"])
PY
)
    rm -rf bundle
}
if command -v umoci >/dev/null; then
    umoci_repack model
    row "umoci repack (gzip)" "$umoci_t" "$(numfmt --to=iec "$umoci_layer")"
fi

# Each package is built from scratch: its blobs are removed after each run.
package() {
    "$mlci" --json package "${2:-bench:v1}" --allow-unvalidated --tag "bench-$1:1" --compression "$1" >out.json 2>/dev/null
}
after='for d in $(python3 -c "import json; print(*[l[\"digest\"][7:] for l in json.load(open(\"out.json\"))[\"layers\"]])"); do rm -f .mlci/blobs/sha256/$d; done'
for c in gzip zstd none; do
    t=$(seconds package "$c")
    layer=$(python3 -c 'import json; print(json.load(open("out.json"))["layers"][0]["size"])')
    case $c in
    gzip)
        note="$(ratio "$t" "$gzip_t" "tar | gzip -6")"
        [[ -n $umoci_t ]] && note+=" $(ratio "$t" "$umoci_t" "umoci repack; target <= 1x") $(printf '%.1f%% smaller than umoci'"'"'s layer (target >= 5%%)' "$(echo "100 * (1 - $layer / $umoci_layer)" | bc -l)")"
        ;;
    zstd) note="$(printf '(%.1fx faster than tar | gzip -6; target >= 3x)' "$(echo "$gzip_t / $t" | bc -l)")" ;;
    none) note="(the floor: tar, two sha256, write, sync)" ;;
    esac
    row "mlci package --compression $c" "$t" "$(numfmt --to=iec "$layer") $note"
done

# A CSV table: text that compresses, where the ratio is the point.
csv_mib=${CSV_MIB:-128}
cat > gen_csv.py <<'PY'
import os, sys
import numpy as np
mib = int(sys.argv[1])
os.makedirs("table", exist_ok=True)
rng = np.random.default_rng(1)
species = np.array(["setosa", "versicolor", "virginica"])
with open("table/data.csv", "w") as f:
    f.write("id,timestamp,sepal_length,sepal_width,petal_length,petal_width,count,species\n")
    i = 0
    while f.tell() < mib << 20:
        n = 100000
        x = rng.normal(5.8, 0.8, (n, 4))
        c = rng.poisson(20, n)
        s = species[rng.integers(0, 3, n)]
        f.write("".join(f"{i + k},{1700000000 + 7 * (i + k)},{x[k,0]:.2f},{x[k,1]:.2f},{x[k,2]:.3f},{x[k,3]:.4f},{c[k]},{s[k]}\n" for k in range(n)))
        i += n
PY
"$mlci" train -o table -n bench-csv -- /usr/bin/python3 gen_csv.py "$csv_mib" >/dev/null 2>&1
echo "a CSV table of $(numfmt --to=iec "$(size_of table/data.csv)")"
csv_gzip_t=$(after= seconds bash -c 'tar -c table | gzip -6 > ref-csv.tar.gz')
csv_gzip=$(size_of ref-csv.tar.gz)
row "tar -c | gzip -6" "$csv_gzip_t" "$(numfmt --to=iec "$csv_gzip")"
if command -v umoci >/dev/null; then
    umoci_repack table
    row "umoci repack (gzip)" "$umoci_t" "$(numfmt --to=iec "$umoci_layer")"
fi
t=$(seconds package gzip bench-csv:v1)
layer=$(python3 -c 'import json; print(json.load(open("out.json"))["layers"][0]["size"])')
row "mlci package --compression gzip" "$t" "$(numfmt --to=iec "$layer") $(printf '(%+.1f%% vs gzip -6; target <= +5%%)' "$(echo "100 * ($layer / $csv_gzip - 1)" | bc -l)")"
