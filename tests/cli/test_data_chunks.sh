# Large files in chunks: a version that changes a few bytes of a big file
# stores, pushes and pulls only the chunks that changed, and every version
# still checks out byte-identical. Against the real registry.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/registry_fixture.sh"

git init -q project && cd project
git commit -q --allow-empty -m init
mlci init -q >/dev/null
mkdir data
head -c 64M /dev/urandom >data/big.bin
for i in $(seq 50); do echo "row $i" >"data/small-$i.txt"; done

store_size() { du -sb .mlci | cut -f1; }
# json_field FILE KEY: a number from mlci's --json output.
json_field() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

# --- versions that change a little store a little -----------------------------
expect_exit 0 mlci data-version add data
sha256sum data/big.bin >"$SCRATCH/v1.sum"
before=$(store_size)
flip_byte data/big.bin 40000000
expect_exit 0 mlci data-version add data
expect_eq "$(cat "$SCRATCH/out")" "data:v2" "reference"
sha256sum data/big.bin >"$SCRATCH/v2.sum"
grown=$(($(store_size) - before))
((grown <= 1048576)) || fail "one changed byte grew the store by $grown bytes"

before=$(store_size)
{ head -c 100 /dev/urandom; cat data/big.bin; } >"$SCRATCH/inserted" && mv "$SCRATCH/inserted" data/big.bin
expect_exit 0 mlci data-version add data
sha256sum data/big.bin >"$SCRATCH/v3.sum"
grown=$(($(store_size) - before))
((grown <= 1048576)) || fail "100 inserted bytes grew the store by $grown bytes"

# The pointer file, status and sha256sum agree on the whole file's digest.
expect_exit 0 mlci data-version status
expect_in "$SCRATCH/err" "data: clean"
for v in 1 2 3; do
    expect_exit 0 mlci data-version checkout "data:v$v" --force
    sha256sum -c --quiet "$SCRATCH/v$v.sum" || fail "data:v$v does not check out byte-identical"
    expect_exit 0 mlci data-version status
    expect_in "$SCRATCH/err" "data: clean"
done
expect_exit 0 mlci verify

# --- push and pull send only what the other side lacks ------------------------
start_registry open
expect_exit 0 mlci push data:v1 "$REG_OPEN/chunks:v1" --plain-http
expect_exit 0 mlci push data:v2 "$REG_OPEN/chunks:v2" --plain-http --json
sent=$(json_field "$SCRATCH/out" bytes_uploaded)
((sent <= 2097152)) || fail "pushing v2 after v1 sent $sent bytes"

mkdir "$SCRATCH/clone" && cd "$SCRATCH/clone"
git init -q && mlci init -q >/dev/null
expect_exit 0 mlci pull "$REG_OPEN/chunks:v1" --plain-http
expect_exit 0 mlci pull "$REG_OPEN/chunks:v2" --plain-http --json
received=$(json_field "$SCRATCH/out" bytes_downloaded)
((received <= 2097152)) || fail "pulling v2 into a store holding v1 received $received bytes"
expect_eq "$(json_field "$SCRATCH/out" reference)" "data:v2" "pulled under its own name"
expect_exit 0 mlci data-version checkout data:v2
(cd .. && cd clone && sed 's| data/| data/|' "$SCRATCH/v2.sum" | sha256sum -c --quiet) ||
    fail "the pulled v2 does not check out byte-identical"
expect_exit 0 mlci verify
cd "$SCRATCH/project"

# --- a damaged pack is found, and never written out ---------------------------
cp -a .mlci "$SCRATCH/damaged.mlci"
pack=$(ls -S "$SCRATCH"/damaged.mlci/blobs/sha256/* | sed -n 1p) # a pack of v1's (sed reads all: head would SIGPIPE ls under pipefail)
grep -q MLCIPACK "$pack" || fail "the largest blob is no pack"
chmod u+w "$pack"
printf 'Z' | dd of="$pack" bs=1 seek=5000 conv=notrunc status=none
expect_exit 1 mlci --store "$SCRATCH/damaged.mlci" verify
expect_in "$SCRATCH/out" "corrupt pack"
expect_not_in "$SCRATCH/out" "does not hold it there"
cp data/big.bin "$SCRATCH/kept"
expect_exit 3 mlci --store "$SCRATCH/damaged.mlci" data-version checkout data:v1 --force
expect_in "$SCRATCH/err" "corrupt"
cmp -s data/big.bin "$SCRATCH/kept" || fail "a failed checkout changed the workspace file"

# --- kill -9 in the middle of a chunked add loses nothing ---------------------
head -c 256M /dev/urandom >data/big.bin
"$MLCI" data-version add data >/dev/null 2>&1 &   # the binary itself, so that $! is mlci (a shell function would run in a subshell)
pid=$!
sleep 0.5
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
expect_exit 0 mlci verify
expect_exit 0 mlci data-version checkout data:v3 --force
sha256sum -c --quiet "$SCRATCH/v3.sum" || fail "data:v3 changed after a killed add"
# gc takes what the killed add left (its packs are no version's); the next
# add does not reuse chunks from a pack that is gone.
expect_exit 0 mlci gc --grace 0s
head -c 8M /dev/urandom >data/big.bin
expect_exit 0 mlci data-version add data
sha256sum data/big.bin >"$SCRATCH/v4.sum"
expect_exit 0 mlci verify
expect_exit 0 mlci data-version checkout data:v1 --force
sha256sum -c --quiet "$SCRATCH/v1.sum" || fail "data:v1 after gc"
expect_exit 0 mlci data-version checkout data:latest --force
sha256sum -c --quiet "$SCRATCH/v4.sum" || fail "data:latest after gc"

# --- a run's large outputs are chunked too ------------------------------------
# A "fine-tuned" model: the same 48 MiB of weights with a few bytes changed.
head -c 48M /dev/urandom >"$SCRATCH/weights"
cat >tune.sh <<'SH'
cp "$1" model.bin
printf "$2" | dd of=model.bin bs=1 seek=30000000 conv=notrunc status=none
echo '{"accuracy": 0.9}' >metrics.json
SH
expect_exit 0 mlci train -n tune -o model.bin --metrics metrics.json -p step=A -- sh tune.sh "$SCRATCH/weights" A
run1=$(cat "$SCRATCH/out")
sha256sum model.bin >"$SCRATCH/model1.sum"
before=$(store_size)
expect_exit 0 mlci train -n tune -o model.bin --metrics metrics.json -p step=B -- sh tune.sh "$SCRATCH/weights" B
grown=$(($(store_size) - before))
((grown <= 1048576)) || fail "a run whose model changed in one byte grew the store by $grown bytes"
expect_exit 0 mlci verify
# The first run's model comes back from the run cache byte-identical.
rm model.bin
expect_exit 0 mlci train -n tune -o model.bin --metrics metrics.json -p step=A -- sh tune.sh "$SCRATCH/weights" A
expect_in "$SCRATCH/err" "reused"
sha256sum -c --quiet "$SCRATCH/model1.sum" || fail "the cached run's model does not come back"
# Packaged, the image holds the whole model, assembled from its chunks.
expect_exit 0 mlci package "$run1" --allow-unvalidated --tag tuned:1
umoci unpack --rootless --image .mlci:tuned:1 "$SCRATCH/bundle" >/dev/null 2>&1 || fail "umoci unpack"
(cd "$SCRATCH/bundle/rootfs/model" && sha256sum -c --quiet "$SCRATCH/model1.sum") ||
    fail "the packaged model differs from the run's output"
# A failed run puts the large output back as it was, from its chunks.
sha256sum model.bin >"$SCRATCH/model-now.sum"
expect_exit 1 mlci train -n tune -o model.bin --metrics metrics.json -p step=C -- \
    sh -c 'printf Q | dd of=model.bin bs=1 seek=100 conv=notrunc status=none; exit 7'
sha256sum -c --quiet "$SCRATCH/model-now.sum" || fail "a failed run left the model changed"

pass
