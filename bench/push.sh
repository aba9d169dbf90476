#!/usr/bin/env bash
# bench/push: mlci push side by side with its peers, into one local registry
# (Debian's docker-registry on loopback, storage on local disk):
#   - curl -T: one raw monolithic PUT of a 1 GiB blob, the registry's floor
#   - skopeo copy vs mlci push of the same 1 GiB single-layer image, from the
#     same store (an mlci store is an OCI layout, so skopeo reads it as oci:)
#   - skopeo copy vs mlci push of an image of 8 layers of 128 MiB
#   - mlci re-push of unchanged content: time and blob bytes sent
# Each tool pushes to its own repository so none finds the others' blobs.
# Not part of ctest. Usage: bench/push.sh [path/to/mlci]   (SIZE_MIB=1024)
set -euo pipefail

MLCI=${1:-${MLCI:-$(dirname "$0")/../build/mlci}}
MLCI=$(realpath "$MLCI")
SIZE_MIB=${SIZE_MIB:-1024}
work=$(mktemp -d "${TMPDIR:-/var/tmp}/mlci-bench-push.XXXXXX")
reg_pid=""
cleanup() {
    [[ -n $reg_pid ]] && kill -9 "$reg_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

source "$(dirname "$0")/registry.sh"
start_bench_registry

store=$work/store
"$MLCI" --store "$store" init >/dev/null

# put_blob FILE: moves FILE into the store, prints "sha256:HEX SIZE"
put_blob() {
    local hex size
    hex=$(sha256sum "$1" | cut -d' ' -f1)
    size=$(stat -c %s "$1")
    mv "$1" "$store/blobs/sha256/$hex"
    echo "sha256:$hex $size"
}

# make_image TAG LAYERS LAYER_MIB: a runnable-shaped OCI image of random layers, tagged in the store.
make_image() {
    local tag=$1 n=$2 mib=$3 layers=() i
    for ((i = 0; i < n; i++)); do
        head -c $((mib << 20)) /dev/urandom >"$work/layer"
        layers+=("$(put_blob "$work/layer")")
    done
    python3 - "$store" "$tag" "${layers[@]}" <<'PY'
import hashlib, json, sys
store, tag, layers = sys.argv[1], sys.argv[2], [l.split() for l in sys.argv[3:]]
def put(data):
    d = hashlib.sha256(data).hexdigest()
    open(f"{store}/blobs/sha256/{d}", "wb").write(data)
    return {"digest": "sha256:" + d, "size": len(data)}
config = put(json.dumps({"architecture": "amd64", "os": "linux",
                         "rootfs": {"type": "layers", "diff_ids": [d for d, _ in layers]}}).encode())
manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": dict(mediaType="application/vnd.oci.image.config.v1+json", **config),
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": d, "size": int(s)}
                       for d, s in layers]}
m = put(json.dumps(manifest).encode())
index = json.load(open(f"{store}/index.json"))
index["manifests"].append(dict(mediaType=manifest["mediaType"], annotations={"org.opencontainers.image.ref.name": tag}, **m))
json.dump(index, open(f"{store}/index.json", "w"))
PY
}

now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.2f}')"; }
results=()
row() { results+=("$(printf '%-44s %9s s  %s' "$1" "$2" "${3:-}")"); echo "$1: $2 s ${3:-}" >&2; }

echo "making images ($SIZE_MIB MiB in 1 layer, and in 8 layers)..." >&2
make_image big:1 1 "$SIZE_MIB"
make_image eight:1 8 $((SIZE_MIB / 8))

# 1. The floor: one monolithic PUT with curl -T (upload session opened first, untimed).
head -c $((SIZE_MIB << 20)) /dev/urandom >"$work/raw"
raw_digest=sha256:$(sha256sum "$work/raw" | cut -d' ' -f1)
loc=$(curl -s -D - -o /dev/null -X POST "http://$reg/v2/bench/curl/blobs/uploads/" | tr -d '\r' | sed -n 's/^Location: //Ip')
[[ $loc == http* ]] || loc="http://$reg$loc"
sep='?'; [[ $loc == *\?* ]] && sep='&'
t0=$(now)
code=$(curl -s -o /dev/null -w '%{http_code}' -T "$work/raw" -H 'Content-Type: application/octet-stream' "$loc${sep}digest=$raw_digest")
t1=$(now)
[[ $code == 201 ]] || { echo "curl PUT answered $code" >&2; exit 1; }
curl_time=$(elapsed "$t0" "$t1")
row "curl -T PUT of a ${SIZE_MIB} MiB blob" "$curl_time"

# 2. One 1 GiB layer: skopeo copy, then mlci push.
t0=$(now)
skopeo copy -q --dest-tls-verify=false "oci:$store:big:1" "docker://$reg/bench/skopeo-big:1" >/dev/null
t1=$(now)
skopeo_big=$(elapsed "$t0" "$t1")
row "skopeo copy, 1 layer of ${SIZE_MIB} MiB" "$skopeo_big"

t0=$(now)
"$MLCI" --store "$store" --json push big:1 "$reg/bench/mlci-big:1" --plain-http >"$work/push.json" 2>/dev/null
t1=$(now)
mlci_big=$(elapsed "$t0" "$t1")
row "mlci push, 1 layer of ${SIZE_MIB} MiB" "$mlci_big" \
    "($(python3 -c "print(f'{$mlci_big / $curl_time:.2f}')")x curl, $(python3 -c "print(f'{$mlci_big / $skopeo_big:.2f}')")x skopeo)"

# 3. Re-push of unchanged content.
t0=$(now)
"$MLCI" --store "$store" --json push big:1 "$reg/bench/mlci-big:1" --plain-http >"$work/repush.json" 2>/dev/null
t1=$(now)
bytes=$(python3 -c "import json; print(json.load(open('$work/repush.json'))['bytes_uploaded'])")
row "mlci re-push, unchanged" "$(elapsed "$t0" "$t1")" "($bytes blob bytes sent)"

# 4. Eight layers of SIZE/8.
t0=$(now)
skopeo copy -q --dest-tls-verify=false "oci:$store:eight:1" "docker://$reg/bench/skopeo-eight:1" >/dev/null
t1=$(now)
skopeo_eight=$(elapsed "$t0" "$t1")
row "skopeo copy, 8 layers of $((SIZE_MIB / 8)) MiB" "$skopeo_eight"
t0=$(now)
"$MLCI" --store "$store" push eight:1 "$reg/bench/mlci-eight:1" --plain-http >/dev/null 2>&1
t1=$(now)
mlci_eight=$(elapsed "$t0" "$t1")
row "mlci push, 8 layers of $((SIZE_MIB / 8)) MiB" "$mlci_eight" \
    "($(python3 -c "print(f'{$mlci_eight / $skopeo_eight:.2f}')")x skopeo)"

echo
echo "bench/push on $(nproc) cores, docker-registry $(docker-registry --version | awk '{print $3}'), skopeo $(skopeo --version | awk '{print $3}')"
printf '%s\n' "${results[@]}"
