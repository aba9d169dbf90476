#!/usr/bin/env bash
# bench/chunks: large files in chunks, the figures issue "big data, small
# transfers" asks for, side by side with their floors:
#   - a 1 GiB file, then one byte changed, then 100 bytes inserted at its
#     start: how much the store grows per version (goal: <= 1 MiB)
#   - add of the new 1 GiB file vs openssl dgst -sha256 of it (goal: <= 1.5x),
#     in wall time and in CPU time; add's max RSS for 256 MiB and 1 GiB files
#   - v1 = 256 MiB file + 50 small files pushed; v2 = one byte changed:
#     bytes pushed, and bytes a store holding v1 pulls (goal: <= 2 MiB each);
#     bytes `pull --path` of one small file receives (goal: <= 1 MiB); the
#     same v2 added in a store of its own, pulled by range into the store
#     holding v1 (goal: <= 2 MiB)
#   - the first push of 1 GiB of chunked data vs one raw curl -T PUT of the
#     same bytes to the same registry (goal: <= 1.2x)
# Not part of ctest. Usage: bench/chunks.sh [path/to/mlci]
set -euo pipefail
MLCI=$(realpath "${1:-$(dirname "$0")/../build/mlci}")
work=$(mktemp -d "${TMPDIR:-/var/tmp}/mlci-bench-chunks.XXXXXX")
reg_pid=""
cleanup() {
    [[ -n $reg_pid ]] && kill -9 "$reg_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
export GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@b GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@b

now() { date +%s.%N; }
row() { printf '  %-52s %12s %s\n' "$1" "$2" "${3:-}"; }
mib() { printf '%.2f MiB' "$(echo "$1 / 1048576" | bc -l)"; }
# timed FILE CMD...: runs CMD, writing its user + system CPU seconds to FILE
# (a figure that a busy machine disturbs less than wall time).
timed() {
    local out=$1
    shift
    /usr/bin/time -o "$out.raw" -f '%U %S' "$@"
    awk '{ printf "%.2f", $1 + $2 }' "$out.raw" >"$out"
}
store_bytes() { du -sb "$1/.mlci" | cut -f1; }
json_field() { /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

source "$(dirname "$0")/registry.sh"
start_bench_registry

echo "mlci chunked storage benchmark, $(nproc) cores, $(date -u +%F)"
echo
echo "One 1 GiB file, three versions (page cache warm):"
p=$work/one && mkdir "$p" && cd "$p" && git init -q && "$MLCI" init -q >/dev/null
head -c 1G /dev/urandom >big.bin
cat big.bin >/dev/null
t0=$(now); timed "$work/cpu" openssl dgst -sha256 big.bin >/dev/null; t1=$(now)
openssl_t=$(echo "$t1 - $t0" | bc -l)
openssl_cpu=$(cat "$work/cpu")
row "openssl dgst -sha256" "$(printf '%.3f s' "$openssl_t")" \
    "(the sha256 floor; $openssl_cpu s of CPU)"
sync
t0=$(now); timed "$work/cpu" "$MLCI" data-version add big.bin -q; t1=$(now)
add_t=$(echo "$t1 - $t0" | bc -l)
row "mlci data-version add (new file, chunked, durable)" "$(printf '%.3f s' "$add_t")" \
    "$(printf '(%.2fx openssl; %s s of CPU, %.2fx)' "$(echo "$add_t / $openssl_t" | bc -l)" \
        "$(cat "$work/cpu")" "$(echo "$(cat "$work/cpu") / $openssl_cpu" | bc -l)")"
before=$(store_bytes "$p")
printf 'X' | dd of=big.bin bs=1 seek=500000000 conv=notrunc status=none
"$MLCI" data-version add big.bin -q
row "store growth, one byte changed" "$(mib $(($(store_bytes "$p") - before)))" "(goal <= 1 MiB)"
before=$(store_bytes "$p")
{ head -c 100 /dev/urandom; cat big.bin; } >big.new && mv big.new big.bin
"$MLCI" data-version add big.bin -q
row "store growth, 100 bytes inserted at the start" "$(mib $(($(store_bytes "$p") - before)))" "(goal <= 1 MiB)"
t0=$(now); "$MLCI" data-version checkout big:v1 --force -q; t1=$(now)
row "checkout of v1 (assembled from chunks, verified)" "$(printf '%.3f s' "$(echo "$t1 - $t0" | bc -l)")" \
    "(right after add: packs not cached, the file re-hashed)"
# The same with nothing cached and a settled workspace (the stat cache trusts
# a file only 2 s after it changed): the figure a CI job that checks out a
# pulled version sees. Dropping the page cache needs root.
if [[ -w /proc/sys/vm/drop_caches ]]; then
    "$MLCI" data-version checkout big:v3 --force -q && sleep 2.1 && "$MLCI" data-version status >/dev/null
    sync && echo 3 >/proc/sys/vm/drop_caches
    t0=$(now); "$MLCI" data-version checkout big:v1 --force -q; t1=$(now)
    row "checkout of v1, page cache dropped" "$(printf '%.3f s' "$(echo "$t1 - $t0" | bc -l)")"
fi

echo
echo "Memory of add by file size (max RSS: flat, whatever the file's size):"
for mib in 256 1024; do
    pm=$work/rss-$mib && mkdir "$pm" && cd "$pm" && git init -q && "$MLCI" init -q >/dev/null
    head -c "${mib}M" /dev/urandom >big.bin
    /usr/bin/time -o "$work/rss" -f %M "$MLCI" data-version add big.bin -q
    row "max RSS of add, one new $mib MiB file" "$(($(cat "$work/rss") / 1024)) MiB"
    cd "$work" && rm -rf "$pm"
done

echo
echo "First push of 1 GiB of chunked data vs one raw PUT of the same bytes:"
pack_bytes=$work/raw.bin
head -c 1G /dev/urandom >"$pack_bytes"
digest=sha256:$(sha256sum "$pack_bytes" | cut -d' ' -f1)
t0=$(now)
location=$(curl -s -D - -o /dev/null -X POST "http://$reg/v2/raw/blobs/uploads/" | tr -d '\r' | sed -n 's/^Location: //Ip')
curl -s -f -T "$pack_bytes" "$location&digest=$digest" -o /dev/null
t1=$(now)
curl_t=$(echo "$t1 - $t0" | bc -l)
row "curl -T (one monolithic PUT)" "$(printf '%.3f s' "$curl_t")" "(the registry's floor)"
p2=$work/push && mkdir "$p2" && cd "$p2" && git init -q && "$MLCI" init -q >/dev/null
mv "$pack_bytes" big.bin
"$MLCI" data-version add big.bin -q
t0=$(now); "$MLCI" push big:v1 "$reg/chunked:v1" --plain-http -q >/dev/null; t1=$(now)
push_t=$(echo "$t1 - $t0" | bc -l)
row "mlci push (32 MiB packs)" "$(printf '%.3f s' "$push_t")" \
    "$(printf '(%.2fx curl)' "$(echo "$push_t / $curl_t" | bc -l)")"

echo
echo "v1 = a 256 MiB file and 50 small files; v2 = one byte of the big file changed:"
p3=$work/share && mkdir -p "$p3/data" && cd "$p3" && git init -q && "$MLCI" init -q >/dev/null
head -c 256M /dev/urandom >data/big.bin
for i in $(seq 50); do head -c 2000 /dev/urandom >"data/small-$i.bin"; done
"$MLCI" data-version add data -q
"$MLCI" push data:v1 "$reg/share:v1" --plain-http -q >/dev/null
printf 'X' | dd of=data/big.bin bs=1 seek=100000000 conv=notrunc status=none
"$MLCI" data-version add data -q
sent=$("$MLCI" push data:v2 "$reg/share:v2" --plain-http --json -q | json_field bytes_uploaded)
row "push of v2 after v1: bytes sent" "$(mib "$sent")" "(goal <= 2 MiB)"
p4=$work/clone && mkdir "$p4" && cd "$p4" && git init -q && "$MLCI" init -q >/dev/null
"$MLCI" pull "$reg/share:v1" --plain-http -q >/dev/null
got=$("$MLCI" pull "$reg/share:v2" --plain-http --json -q | json_field bytes_downloaded)
row "pull of v2 into a store holding v1: bytes received" "$(mib "$got")" "(goal <= 2 MiB)"
p5=$work/partial && mkdir "$p5" && cd "$p5" && git init -q && "$MLCI" init -q >/dev/null
got=$("$MLCI" pull "$reg/share:v2" --plain-http --path data/small-7.bin --json -q |
    json_field bytes_downloaded)
row "pull --path of one small file into an empty store: bytes received" "$(mib "$got")" \
    "(goal <= 1 MiB)"

echo
echo "The same v2 added in a store of its own (its packs hold every chunk again):"
p6=$work/elsewhere && mkdir "$p6" && cd "$p6" && git init -q && "$MLCI" init -q >/dev/null
cp -r "$p3/data" data
"$MLCI" data-version add data -q
"$MLCI" push data:v1 "$reg/share:v2-elsewhere" --plain-http -q >/dev/null
p8=$work/clone-v1 && mkdir "$p8" && cd "$p8" && git init -q && "$MLCI" init -q >/dev/null
"$MLCI" pull "$reg/share:v1" --plain-http -q >/dev/null
got=$("$MLCI" pull "$reg/share:v2-elsewhere" --plain-http --json -q | json_field bytes_downloaded)
row "pull of it into a store holding v1 (by range): bytes" "$(mib "$got")" "(goal <= 2 MiB)"
p7=$work/partial-big && mkdir "$p7" && cd "$p7" && git init -q && "$MLCI" init -q >/dev/null
got=$("$MLCI" pull "$reg/share:v2" --plain-http --path data/small-7.bin --path data/big.bin --json -q |
    json_field bytes_downloaded)
row "pull --path of the 256 MiB file into an empty store: bytes" "$(mib "$got")" \
    "(the file: 256 MiB)"
