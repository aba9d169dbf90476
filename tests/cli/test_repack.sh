# gc --repack: a pack that is mostly dead (its chunks that kept files need
# take less than half of it) has its live chunks copied into a new pack and
# goes; no chunk a kept file needs is ever lost, every version checks out
# byte-identical, digests stay the same, and a kill -9 at any point leaves a
# store that verifies.
source "$(dirname "$0")/lib.sh"

json_field() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
packs() { grep -l MLCIPACK .mlci/blobs/sha256/* | sort; }

git init -q project && cd project
git commit -q --allow-empty -m init
mlci init -q >/dev/null
mkdir data
head -c 6M /dev/urandom >data/big.bin
expect_exit 0 mlci data-version add data
sha256sum data/big.bin >"$SCRATCH/v1.sum"
packs >"$SCRATCH/v1.packs"
expect_eq "$(wc -l <"$SCRATCH/v1.packs")" "1" "packs of v1"
# v2 keeps the first 2 MiB of v1 (in v1's pack) and replaces the rest.
{ head -c 2M data/big.bin; head -c 4M /dev/urandom; } >"$SCRATCH/big" && mv "$SCRATCH/big" data/big.bin
expect_exit 0 mlci data-version add data
sha256sum data/big.bin >"$SCRATCH/v2.sum"
expect_exit 0 mlci show data:v2 --json
cp "$SCRATCH/out" "$SCRATCH/v2.show"

# While v1 is kept, every pack is live: nothing to repack.
expect_exit 0 mlci gc --repack --grace 0s --json
expect_eq "$(json_field "$SCRATCH/out" packs_repacked)" "0" "packs repacked with v1 kept"

# v1 goes (retention): two thirds of its pack are dead, a third is v2's.
expect_exit 0 mlci gc --keep-last 1 --grace 0s
expect_exit 0 mlci gc --repack --dry-run --json
expect_eq "$(json_field "$SCRATCH/out" packs_repacked)" "1" "packs a dry run would repack"
[[ -f $(cat "$SCRATCH/v1.packs") ]] || fail "a dry run repacked"
cp -a .mlci "$SCRATCH/before.mlci"

# kill -9 at points through the repack: the store verifies and v2 checks out.
for delay in 0.005 0.01 0.02 0.03 0.05 0.08; do
    rm -rf .mlci && cp -a "$SCRATCH/before.mlci" .mlci
    # The binary itself, not the mlci function: $! is then the process killed.
    "$MLCI" gc --repack --grace 0s >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    expect_exit 0 mlci verify
    expect_exit 0 mlci data-version checkout data:v2 --force
    sha256sum -c --quiet "$SCRATCH/v2.sum" || fail "data:v2 differs after a repack killed at $delay s"
done

# The whole repack: v1's pack goes, a pack of v2's live chunks takes its place.
rm -rf .mlci && cp -a "$SCRATCH/before.mlci" .mlci
before=$(du -sb .mlci/blobs | cut -f1)
expect_exit 0 mlci gc --repack --grace 0s --json
expect_eq "$(json_field "$SCRATCH/out" packs_repacked)" "1" "packs repacked"
(($(json_field "$SCRATCH/out" chunks_moved) > 0)) || fail "no chunk moved"
[[ ! -e $(cat "$SCRATCH/v1.packs") ]] || fail "the mostly dead pack is still there"
freed=$((before - $(du -sb .mlci/blobs | cut -f1)))
((freed >= 3 * 1048576)) || fail "repacking freed $freed bytes, not the ~4 MiB v1 alone used"
expect_exit 0 mlci verify
# Digests stayed: the same manifest, and it checks out byte-identical.
expect_exit 0 mlci show data:v2 --json
cmp -s "$SCRATCH/out" "$SCRATCH/v2.show" || fail "data:v2 changed in the repack"
expect_exit 0 mlci data-version checkout data:v2 --force
sha256sum -c --quiet "$SCRATCH/v2.sum" || fail "data:v2 differs after the repack"
# Nothing is left to repack; a plain gc keeps the new pack (v2 needs it).
expect_exit 0 mlci gc --repack --grace 0s --json
expect_eq "$(json_field "$SCRATCH/out" packs_repacked)" "0" "packs repacked a second time"
expect_exit 0 mlci verify
# The chunk index is a cache: lost, the moved chunks are found again.
rm -rf .mlci/mlci/chunks
rm data/big.bin
expect_exit 0 mlci data-version checkout data:v2 --force
sha256sum -c --quiet "$SCRATCH/v2.sum" || fail "data:v2 differs without the chunk index"
expect_exit 0 mlci verify

# A new version deduplicates against the moved chunks.
printf 'Y' | dd of=data/big.bin bs=1 seek=100 conv=notrunc status=none
before=$(du -sb .mlci/blobs | cut -f1)
expect_exit 0 mlci data-version add data
grown=$(($(du -sb .mlci/blobs | cut -f1) - before))
((grown <= 1048576)) || fail "one changed byte after a repack grew the store by $grown bytes"
sha256sum data/big.bin >"$SCRATCH/v3.sum"
expect_exit 0 mlci data-version checkout data:v2 --force
sha256sum -c --quiet "$SCRATCH/v2.sum" || fail "data:v2 differs"
expect_exit 0 mlci data-version checkout data:v3 --force
sha256sum -c --quiet "$SCRATCH/v3.sum" || fail "data:v3 differs"
expect_exit 0 mlci verify

pass
