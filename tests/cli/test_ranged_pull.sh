# Ranged pulls: a pull that needs only some chunks of a pack (`pull --path`,
# a store holding an earlier version) fetches their byte ranges with HTTP
# Range requests into packs of the store's own, each chunk checked against
# its digest; every version still checks out byte-identical and verifies.
# A cut in the middle of a ranged download or of a pack upload leaves no
# half state: the next pull or push succeeds. Against the real registry.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/registry_fixture.sh"

json_field() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
MiB=1048576

git init -q project && cd project
git commit -q --allow-empty -m init
mlci init -q >/dev/null
mkdir data
# Three chunked files in one pack (a pack closes at 32 MiB), and a small one;
# one file at a time (-j 1), so that each file's chunks lie together.
head -c 3M /dev/urandom >data/a.bin
head -c 3M /dev/urandom >data/b.bin
head -c 6M /dev/urandom >data/c.bin
echo "small" >data/small.txt
expect_exit 0 mlci data-version add data -j 1
(cd data && sha256sum a.bin b.bin c.bin small.txt) >"$SCRATCH/v1.sum"

start_registry open
# Two proxies: one cuts every pack upload and every ranged download, the
# other cuts one ranged download.
FAULT_PROXY_DIR=$SCRATCH/cuts start_fault_proxy "$REG_OPEN" once cut-blob-putx100 cut-range-getx100
CUTS=$PROXY CUTS_LOG=$PROXY_FAULTS
start_fault_proxy "$REG_OPEN" once cut-range-get
expect_exit 0 mlci push data:v1 "$REG_OPEN/ranges:v1" --plain-http

# --- pull --path of one chunked file receives its chunks, not the pack -------
mkdir "$SCRATCH/partial" && cd "$SCRATCH/partial"
git init -q && mlci init -q >/dev/null
expect_exit 0 mlci pull "$REG_OPEN/ranges:v1" --plain-http --path data/a.bin --json
received=$(json_field "$SCRATCH/out" bytes_downloaded)
((received >= 3 * MiB && received <= 3 * MiB + MiB / 2)) ||
    fail "pulling the path of a 3 MiB file out of a 12 MiB pack received $received bytes"
expect_eq "$(json_field "$SCRATCH/out" packs_ranged)" "1" "packs fetched by range"
expect_exit 0 mlci data-version checkout data:v1 data/a.bin
(cd data && sha256sum -c --quiet <(grep a.bin "$SCRATCH/v1.sum")) || fail "a.bin differs"
expect_exit 0 mlci verify
# gc keeps the store's own pack that holds the ranged chunks.
expect_exit 0 mlci gc --grace 0s
expect_exit 0 mlci verify
rm data/a.bin
expect_exit 0 mlci data-version checkout data:v1 data/a.bin
(cd data && sha256sum -c --quiet <(grep a.bin "$SCRATCH/v1.sum")) || fail "a.bin differs after gc"
# A damaged chunk of the store's own pack is found by verify.
own=$(grep -l MLCIPACK .mlci/blobs/sha256/* | sed -n 1p)
cp "$own" "$SCRATCH/own-pack"
chmod u+w "$own"
/usr/bin/python3 -c 'import sys; f=open(sys.argv[1],"r+b"); f.seek(1000); b=f.read(1); f.seek(1000); f.write(bytes([b[0]^1]))' "$own"
expect_exit 1 mlci verify
expect_in "$SCRATCH/out" "does not hash to its digest"
cp "$SCRATCH/own-pack" "$own"
expect_exit 0 mlci verify
# The rest of the pack is most of it: the whole pull fetches the pack itself,
# and the version can then be pushed to a registry that never had it.
expect_exit 0 mlci pull "$REG_OPEN/ranges:v1" --plain-http --json
expect_eq "$(json_field "$SCRATCH/out" packs_ranged)" "0" "packs fetched by range"
expect_exit 0 mlci data-version checkout data:v1
(cd data && sha256sum -c --quiet "$SCRATCH/v1.sum") || fail "the whole version differs"
expect_exit 0 mlci push data:v1 "$REG_OPEN/copy:v1" --plain-http
expect_exit 0 mlci verify

# --- a store holding v1 pulls a v2 made elsewhere: the changed chunk only ----
# v2 is added in a store of its own, so its packs hold every chunk again; a
# store holding v1 needs one chunk of them.
mkdir "$SCRATCH/elsewhere" && cd "$SCRATCH/elsewhere"
git init -q && mlci init -q >/dev/null
cp -r "$SCRATCH/project/data" data
flip_byte data/c.bin 4000000
expect_exit 0 mlci data-version add data -j 1
(cd data && sha256sum a.bin b.bin c.bin small.txt) >"$SCRATCH/v2.sum"
# A cut in the middle of the pack's upload, on every attempt: the push
# fails, and the registry shows nothing of it.
expect_exit 3 mlci push data:v1 "$CUTS/ranges:v2" --plain-http
expect_in "$CUTS_LOG" cut-blob-put
curl -sf "http://$REG_OPEN/v2/ranges/tags/list" >"$SCRATCH/tags" || fail "listing the tags"
expect_in "$SCRATCH/tags" '"v1"'
expect_not_in "$SCRATCH/tags" '"v2"'
# The next push goes through.
expect_exit 0 mlci push data:v1 "$REG_OPEN/ranges:v2" --plain-http

cd "$SCRATCH/project"
expect_exit 0 mlci pull "$REG_OPEN/ranges:v2" --plain-http --json
received=$(json_field "$SCRATCH/out" bytes_downloaded)
((received <= 2 * MiB)) || fail "pulling v2 into a store holding v1 received $received bytes"
(($(json_field "$SCRATCH/out" packs_ranged) >= 1)) || fail "no pack was fetched by range"
expect_eq "$(json_field "$SCRATCH/out" reference)" "data:v2" "pulled under its own name"
expect_exit 0 mlci data-version checkout data:v2 --force
(cd data && sha256sum -c --quiet "$SCRATCH/v2.sum") || fail "the pulled v2 differs"
expect_exit 0 mlci data-version checkout data:v1 --force
(cd data && sha256sum -c --quiet "$SCRATCH/v1.sum") || fail "v1 differs after pulling v2"
expect_exit 0 mlci verify
# Back to the registry it came from: the packs are there.
expect_exit 0 mlci push data:v2 "$REG_OPEN/ranges:again" --plain-http
# To another registry, which lacks v2's packs: this store holds only some
# chunks of one of them, so push first fetches that pack whole from the
# registry v2 came from (verified, into the store), then sends it.
start_registry other
expect_exit 0 mlci push data:v2 "$REG_OTHER/elsewhere:v2" --plain-http
expect_exit 0 mlci verify
mkdir "$SCRATCH/other" && cd "$SCRATCH/other"
git init -q && mlci init -q >/dev/null
expect_exit 0 mlci pull "$REG_OTHER/elsewhere:v2" --plain-http
expect_exit 0 mlci verify
expect_exit 0 mlci data-version checkout data:v2
(cd data && sha256sum -c --quiet "$SCRATCH/v2.sum") || fail "v2 pushed on to another registry differs"
# A store that does not know where the version came from says so, and
# sends nothing.
mkdir "$SCRATCH/forgot" && cd "$SCRATCH/forgot"
git init -q && mlci init -q >/dev/null
expect_exit 0 mlci pull "$REG_OPEN/ranges:v1" --plain-http
expect_exit 0 mlci pull "$REG_OPEN/ranges:v2" --plain-http --json
(($(json_field "$SCRATCH/out" packs_ranged) >= 1)) || fail "no pack was fetched by range"
rm .mlci/mlci/cache/registries.json
expect_exit 3 mlci push data:v2 "$REG_OTHER/unknown:v2" --plain-http
expect_in "$SCRATCH/err" "no registry it came from is known"
expect_exit 2 mlci pull "$REG_OTHER/unknown:v2" --plain-http
expect_exit 0 mlci verify

# --- a cut in the middle of a ranged download --------------------------------
# Cut on every attempt: the pull fails and the store has no half of it.
mkdir "$SCRATCH/cut" && cd "$SCRATCH/cut"
git init -q && mlci init -q >/dev/null
expect_exit 0 mlci pull "$REG_OPEN/ranges:v1" --plain-http
expect_exit 3 mlci pull "$CUTS/ranges:v2" --plain-http
expect_in "$CUTS_LOG" cut-range-get
expect_exit 0 mlci verify
expect_exit 2 mlci show data:v2
# Cut once: the download resumes where it stopped and the pull succeeds.
expect_exit 0 mlci pull "$PROXY/ranges:v2" --plain-http --json
(($(json_field "$SCRATCH/out" retries) >= 1)) || fail "expected a resumed range: $(cat "$SCRATCH/out")"
(($(json_field "$SCRATCH/out" packs_ranged) >= 1)) || fail "no pack was fetched by range"
expect_eq "$(grep -c cut-range-get "$PROXY_FAULTS")" "1" "ranged downloads cut"
expect_exit 0 mlci data-version checkout data:v2
(cd data && sha256sum -c --quiet "$SCRATCH/v2.sum") || fail "v2 differs after a cut range"
expect_exit 0 mlci verify

pass
