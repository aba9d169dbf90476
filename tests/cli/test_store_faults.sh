# The store under faults: corruption found, crashes survived, concurrent
# writers all land, gc keeps what is reachable.
source "$(dirname "$0")/lib.sh"

mlci init >/dev/null
mkdir data
for i in $(seq 1 20); do head -c $((i * 1000)) /dev/urandom > data/f$i.bin; done
expect_exit 0 mlci data-version add data

# A flipped byte in a blob is found by verify (exit 1, the blob named).
victim=$(ls -S .mlci/blobs/sha256 | head -1)
cp ".mlci/blobs/sha256/$victim" "$SCRATCH/saved"
chmod u+w ".mlci/blobs/sha256/$victim"
printf '\xff' | dd of=".mlci/blobs/sha256/$victim" bs=1 seek=10 conv=notrunc 2>/dev/null
expect_exit 1 mlci verify
expect_in "$SCRATCH/out" "corrupt blob 'sha256:$victim'"
# A missing blob is named with the artifact that needs it.
rm ".mlci/blobs/sha256/$victim"
expect_exit 1 mlci verify
expect_in "$SCRATCH/out" "missing blob 'sha256:$victim'"
cp "$SCRATCH/saved" ".mlci/blobs/sha256/$victim"
expect_exit 0 mlci verify

# kill -9 in the middle of add: the store still verifies and a re-run completes.
mkdir big
for i in $(seq 1 400); do head -c 200000 /dev/urandom > big/f$i.bin; done
for attempt in 1 2 3 4 5; do
    "$MLCI" data-version add big --name big >/dev/null 2>&1 &   # $! is mlci itself, not a subshell
    pid=$!
    sleep "0.0$((attempt * 2))"
    kill -9 $pid 2>/dev/null || true
    wait $pid 2>/dev/null || true
    expect_exit 0 mlci verify
done
expect_exit 0 mlci data-version add big --name big
expect_exit 0 mlci verify
expect_exit 0 mlci data-version log big

# Four concurrent adds into one store all land, each with its own version.
for n in 1 2 3 4; do
    mkdir -p "c$n" && head -c 50000 /dev/urandom > "c$n/data.bin"
done
for n in 1 2 3 4; do mlci data-version add "c$n" --name shared -m "writer $n" >"$SCRATCH/add$n" 2>&1 & done
wait
expect_exit 0 mlci data-version log shared
expect_eq "$(wc -l < "$SCRATCH/out")" "4" "concurrent versions"
for v in 1 2 3 4; do expect_in "$SCRATCH/out" "shared:v$v"; done
expect_exit 0 mlci verify

# gc: nothing reachable goes; unreferenced blobs go after the grace period.
expect_exit 0 mlci gc --grace 0
expect_exit 0 mlci verify
head -c 3000 /dev/urandom > "$SCRATCH/orphan"
orphan=$(sha256sum "$SCRATCH/orphan" | cut -d' ' -f1)
cp "$SCRATCH/orphan" ".mlci/blobs/sha256/$orphan"
expect_exit 0 mlci gc
[[ -f .mlci/blobs/sha256/$orphan ]] || fail "gc removed a blob inside the grace period"
expect_exit 0 mlci gc --grace 0 --dry-run
expect_in "$SCRATCH/out" "sha256:$orphan"
[[ -f .mlci/blobs/sha256/$orphan ]] || fail "dry run deleted"
expect_exit 0 mlci gc --grace 0
expect_in "$SCRATCH/out" "sha256:$orphan"
[[ ! -f .mlci/blobs/sha256/$orphan ]] || fail "gc kept an unreferenced blob"
expect_exit 0 mlci verify
# A malformed index is a store that does not verify (exit 1), not a crash;
# other commands refuse it as malformed input.
cp .mlci/index.json "$SCRATCH/index.json"
echo '{"manifests": [' > .mlci/index.json
expect_exit 1 mlci verify
expect_in "$SCRATCH/out" "malformed"
expect_exit 2 mlci show data:v1
expect_in "$SCRATCH/err" "malformed"
cp "$SCRATCH/index.json" .mlci/index.json
pass
