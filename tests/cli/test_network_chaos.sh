# Network faults at random between mlci and a real registry (a proxy that
# answers 500 and 429, drops connections, cuts request bodies, truncates
# answers and stalls): every push and pull completes byte-identical or fails
# cleanly, and no tag in the registry ever points at a missing blob.
source "$(dirname "$0")/lib.sh"
source "$MLCI_SOURCE_DIR/tests/cli/registry_fixture.sh"
start_registry open
start_fault_proxy "$REG_OPEN" random 11 0.15
CHAOS=$PROXY

# Every tag of the repository names a manifest whose blobs are all there.
check_registry() {
    /usr/bin/python3 - "$REG_OPEN" "$1" <<'PY' || fail "the registry has a tag pointing at missing content"
import json, sys, urllib.request
reg, repo = sys.argv[1], sys.argv[2]
accept = ", ".join(["application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json"])
def get(path, method="GET"):
    req = urllib.request.Request(f"http://{reg}/v2/{repo}/{path}", method=method, headers={"Accept": accept})
    return urllib.request.urlopen(req)
try:
    tags = json.load(get("tags/list")).get("tags") or []
except urllib.error.HTTPError:
    tags = []
def check(ref):
    m = json.load(get(f"manifests/{ref}"))
    for d in m.get("manifests", []):
        check(d["digest"])
    for d in [m.get("config")] + m.get("layers", []):
        if d:
            get(f"blobs/{d['digest']}", "HEAD")  # raises on 404
for t in tags:
    check(t)
print(f"{len(tags)} tags whole")
PY
}

mlci init >/dev/null 2>&1
pushed=0 pulled=0
for round in $(seq 1 8); do
    mkdir -p "data/r$round"
    for f in 1 2 3; do head -c 1500000 /dev/urandom >"data/r$round/f$f.bin"; done
    mlci data-version add "data/r$round" --name "set$round" >/dev/null 2>&1
    digest=$(mlci --json show "set$round" 2>/dev/null | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])')
    status=0
    mlci push --plain-http --chunk-size 1 "set$round" "$CHAOS/chaos/sets:r$round" >/dev/null 2>push.err || status=$?
    [[ $status == 0 || $status == 3 ]] || { cat push.err >&2; fail "push exited $status"; }
    check_registry chaos/sets
    if [[ $status == 0 ]]; then
        pushed=$((pushed + 1))
        store="pulled-$round"
        mlci --store "$store" init >/dev/null 2>&1
        status=0
        mlci --store "$store" pull --plain-http "$CHAOS/chaos/sets:r$round" >/dev/null 2>pull.err || status=$?
        [[ $status == 0 || $status == 3 ]] || { cat pull.err >&2; fail "pull exited $status"; }
        expect_exit 0 mlci --store "$store" verify
        if [[ $status == 0 ]]; then
            pulled=$((pulled + 1))
            got=$(mlci --store "$store" --json show "set$round:r$round" 2>/dev/null | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])')
            expect_eq "$got" "$digest" "digest pulled through faults"
            mkdir "out-$round"
            expect_exit 0 mlci --store "$store" data-version checkout "set$round:r$round" --to "out-$round"
            diff -r "data/r$round" "out-$round" >/dev/null 2>&1 || diff -r "data/r$round" "out-$round/r$round" ||
                fail "the pulled files differ"
        else
            expect_exit 2 mlci --store "$store" show "set$round:r$round"
        fi
    fi
done
faults=$(wc -l <"$PROXY_FAULTS")
echo "faults injected: $faults; pushes done: $pushed/8; pulls done: $pulled/$pushed" >&2
((faults >= 10)) || fail "only $faults faults were injected"
((pushed >= 4 && pulled >= 2)) || fail "retries did not get through the faults often enough"
pass
