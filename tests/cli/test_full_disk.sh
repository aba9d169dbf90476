# A full disk: a store and a deploy target on a small tmpfs. A step that runs
# out of space fails with a clear error (exit 3), nothing half-made becomes
# visible, the store verifies, and once there is room the step completes.
source "$(dirname "$0")/lib.sh"
mkdir small
if ! mount -t tmpfs -o size=6m tmpfs small 2>mount.err; then
    echo "SKIP: cannot mount a tmpfs here ($(cat mount.err)); needs root" >&2
    pass
    exit 0
fi
trap 'umount "$SCRATCH/small" 2>/dev/null; rm -rf "$SCRATCH"' EXIT

mlci --store small/.mlci init >/dev/null 2>&1
head -c 1000000 /dev/urandom >fits.bin
head -c 9000000 /dev/urandom >too-big.bin
expect_exit 0 mlci --store small/.mlci data-version add fits.bin --name fits
index_before=$(sha256sum small/.mlci/index.json)
expect_exit 3 mlci --store small/.mlci data-version add too-big.bin --name big
expect_in err "No space left on device"
expect_eq "$(sha256sum small/.mlci/index.json)" "$index_before" "index after a failed add"
expect_exit 0 mlci --store small/.mlci verify
expect_exit 2 mlci --store small/.mlci show big
[[ -z $(find small/.mlci/mlci/tmp -type f 2>/dev/null) ]] || fail "temporary files left behind"
cmp fits.bin <(head -c 1000000 fits.bin) || fail "the user's file changed"
expect_exit 0 mlci --store small/.mlci show fits

# A deploy that does not fit: refused, current unchanged, no staging left.
cp -r "$MLCI_SOURCE_DIR/share/examples/iris/." project
cd project
git init -q && git add -A && git commit -qm example
mlci init >/dev/null 2>&1
/usr/bin/python3 scripts/export_data.py
mlci data-version add data/iris.csv >/dev/null 2>&1
run=$(mlci train 2>/dev/null)
mlci validate "$run" >/dev/null 2>&1
small_image=$(mlci package "$run" 2>/dev/null)
big_image=$(mlci package "$run" --add src/serve.py --add ../too-big.bin --tag big-image --compression gzip 2>/dev/null)
expect_exit 0 mlci deploy "$small_image" --env tiny --target "dir:$SCRATCH/small/deploy"
current=$(readlink "$SCRATCH/small/deploy/current")
status=0
mlci deploy "$big_image" --env tiny --target "dir:$SCRATCH/small/deploy" >/dev/null 2>"$SCRATCH/deploy.err" || status=$?
expect_eq "$status" "3" "exit status of a deploy that does not fit"
expect_in "$SCRATCH/deploy.err" "No space left on device"
expect_eq "$(readlink "$SCRATCH/small/deploy/current")" "$current" "current after a failed deploy"
[[ -z $(ls -A "$SCRATCH/small/deploy/releases" | grep '^\.staging' || true) ]] || fail "staging left behind"
expect_exit 0 mlci deploy status tiny
pass
