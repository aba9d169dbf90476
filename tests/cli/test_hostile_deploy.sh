# mlci deploy into folders that hold other people's things, and durations
# that overflowed: --keep prunes only releases this store's deployments made
# (never a folder someone else put in releases/), a `current` that is not a
# symlink is never replaced, `/` and the store are no targets, and every
# duration flag and mlci.yaml key refuses NaN, negative and huge values with
# exit 2 instead of timing out at once.
source "$(dirname "$0")/lib.sh"

git init -q
mlci init >/dev/null 2>&1
# Three small packages: m-image:v1, v2, v3.
for i in 1 2 3; do
    mlci train -n m -o model.pkl --metrics m.json -- \
        sh -c "echo model-$i >model.pkl; echo '{\"acc\": 1}' >m.json" >/dev/null 2>&1
    mlci validate "m:v$i" --require 'acc >= 0.5' >/dev/null 2>&1
    expect_exit 0 mlci package "m:v$i"
    expect_eq "$(cat "$SCRATCH/out")" "m-image:v$i" "package $i"
done
hex() { mlci --json show "$1" 2>/dev/null | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"][7:])'; }
v1=$(hex m-image:v1) v2=$(hex m-image:v2) v3=$(hex m-image:v3)
# A folder's entries with their types, sizes and link targets, to compare before and after.
tree_of() { (cd "$1" && find . -printf '%y %p %s %l\n' | LC_ALL=C sort); }

# --- 1. --keep removes only releases this store's deployments made ----------
mkdir -p t/releases/mine t/releases/.staging-notes t/releases/.staging-0123456789ab-x
echo DATA >t/releases/mine/f
echo NOTES >t/releases/.staging-notes/f
echo X >t/releases/.staging-0123456789ab-x/f
# Named like a release, but no deployment recorded here made it.
fake=$(printf 'a%.0s' $(seq 64))
mkdir t/releases/$fake && echo FAKE >t/releases/$fake/f
echo FILE >t/releases/notes.txt
mkdir -p elsewhere && echo KEEP >elsewhere/f && ln -s ../../elsewhere t/releases/link
# What a crashed deploy of mlci leaves: removed by the next one.
mkdir -p t/releases/.staging-0123456789ab-4242/model t/releases/.staging-deleted-$v3/model
expect_exit 0 mlci deploy m-image:v1 --env e --target dir:t --keep 1
expect_exit 0 mlci deploy m-image:v2 --env e --target dir:t --keep 1
expect_in "$SCRATCH/err" "note: left "
expect_in "$SCRATCH/err" "'mine'"
expect_eq "$(readlink t/current)" "releases/$v2" "current"
[[ ! -e t/releases/$v1 ]] || fail "--keep 1 kept the previous release"
expect_eq "$(cat t/releases/mine/f)" "DATA" "a folder mlci did not make"
expect_eq "$(cat t/releases/.staging-notes/f)" "NOTES" "a folder named .staging-* by someone"
expect_eq "$(cat t/releases/.staging-0123456789ab-x/f)" "X" "a folder almost named like mlci's"
expect_eq "$(cat t/releases/$fake/f)" "FAKE" "a digest-named folder no deployment made"
expect_eq "$(cat t/releases/notes.txt)" "FILE" "a file"
expect_eq "$(cat t/releases/link/f)" "KEEP" "a symlink"
[[ -L t/releases/link ]] || fail "the symlink was replaced"
[[ ! -e t/releases/.staging-0123456789ab-4242 && ! -e t/releases/.staging-deleted-$v3 ]] ||
    fail "mlci's own staging leftovers were not removed"

# Another store deploying to the same folder: neither prunes the other's.
mlci push m-image:v3 oci:lay:img >/dev/null 2>&1
mlci --store other.mlci init >/dev/null 2>&1
mlci --store other.mlci pull oci:lay:img >/dev/null 2>&1
expect_exit 0 mlci --store other.mlci deploy m-image:img --env e --target dir:t --keep 1
[[ -d t/releases/$v2 ]] || fail "a store pruned a release of another store"
expect_exit 0 mlci deploy m-image:v1 --env e --target dir:t --keep 1
[[ -d t/releases/$v3 ]] || fail "a store pruned a release of another store"
[[ ! -e t/releases/$v2 ]] || fail "the store's own old release was kept"
expect_eq "$(cat t/releases/mine/f)" "DATA" "a folder mlci did not make, after more deploys"
# keep N counts the current release: with 2, one previous one stays.
expect_exit 0 mlci deploy m-image:v2 --env e --target dir:t --keep 2
[[ -d t/releases/$v1 && -d t/releases/$v2 ]] || fail "--keep 2 did not keep two releases"

# --- 2. a `current` that is not a symlink is refused, never replaced --------
mkdir -p c/current && echo DATA >c/current/f
before=$(tree_of c)
expect_exit 2 mlci deploy m-image:v1 --env c --target dir:c
expect_in "$SCRATCH/err" "c/current' is a folder, not the symlink mlci switches"
expect_not_in "$SCRATCH/err" "Success"
expect_eq "$(tree_of c)" "$before" "a target whose current is a folder"
mkdir -p f && echo DATA >f/current
before=$(tree_of f)
expect_exit 2 mlci deploy m-image:v1 --env f --target dir:f
expect_in "$SCRATCH/err" "f/current' is a file"
expect_eq "$(tree_of f)" "$before" "a target whose current is a file"
expect_exit 0 mlci deploy history c
expect_in "$SCRATCH/err" "nothing was ever deployed to c"
# Made a folder after the target was opened (by the pre-start hook): still
# refused under the lock, the folder intact, the new release not left behind.
expect_exit 2 mlci deploy m-image:v1 --env h --target dir:h \
    --pre-start 'mkdir "$MLCI_RELEASE_DIR/../../current" && echo DATA >"$MLCI_RELEASE_DIR/../../current/f"'
expect_in "$SCRATCH/err" "h/current' is a folder"
expect_eq "$(cat h/current/f)" "DATA" "a current made during the deploy"
[[ ! -e h/releases/$v1 ]] || fail "a release that never ran was left behind"
expect_exit 0 mlci --json deploy history h
expect_in "$SCRATCH/out" '"outcome": "failed"'

# --- 2b. `/`, the store, inside it, or a folder holding it: no targets -----
# A pre-start hook that fails, so that a regression cannot switch anything in
# (/ included: these tests may run as root).
ln -s .mlci storelink
[[ -e /current ]] && had_current=1 || had_current=0
for t in / .mlci .mlci/ .mlci/deploy storelink/x . "$PWD" ..; do
    expect_exit 2 mlci deploy m-image:v1 --env s --target "dir:$t" --pre-start 'exit 9'
    expect_in "$SCRATCH/err" "refusing to deploy to"
done
[[ ! -e .mlci/releases && ! -e .mlci/deploy && ! -e releases && ! -e ../releases ]] ||
    fail "a refused target was changed"
[[ $had_current == 1 || ! -e /current ]] || fail "a deploy to / made /current"
# An environment in mlci.yaml naming the store, too.
printf 'environments:\n  s:\n    target: dir:.mlci/x\n' >mlci.yaml
expect_exit 2 mlci deploy m-image:v1 --env s
expect_in "$SCRATCH/err" "inside the store"
rm mlci.yaml

# --- 3. durations ------------------------------------------------------------
# train --timeout: each of these overflowed and killed the command at once.
for bad in 1e10 1e17 1e30 9223372036854775807 99999999999999999999999 nan inf -1 0 abc 5d; do
    expect_exit 2 mlci train -n slow --timeout "$bad" -- sh -c 'touch ran'
    expect_in "$SCRATCH/err" "--timeout"
    expect_in "$SCRATCH/err" "'$bad'"
    [[ ! -e ran ]] || fail "train --timeout $bad ran the command"
done
expect_in "$SCRATCH/err" "is not a duration"
expect_exit 2 mlci train -n slow --timeout 1e30 -- true
expect_in "$SCRATCH/err" "longer than the maximum of 365 days"
expect_exit 0 mlci train -n slow --timeout 8760h -- sh -c 'sleep 0.2; touch ran'
[[ -e ran ]] || fail "the command did not run"
expect_exit 0 mlci --json show slow:v1
expect_in "$SCRATCH/out" '"status": "succeeded"'
expect_in "$SCRATCH/out" '"timeout_seconds": 31536000'
expect_exit 1 mlci train -n slow --timeout 300ms -- sleep 5
expect_exit 0 mlci --json show slow:v2
expect_in "$SCRATCH/out" '"status": "timeout"'

# train.timeout in mlci.yaml: the same parser, errors at file:line.
mkdir q && cd q && git init -q && mlci init >/dev/null 2>&1
for bad in 99999999999999999999999 1e17 nan -5 0 .nan; do
    printf 'train:\n  command: [sh, -c, "touch ran"]\n  timeout: %s\n' "$bad" >mlci.yaml
    expect_exit 2 mlci train -n q
    expect_in "$SCRATCH/err" "mlci.yaml:3"
    expect_in "$SCRATCH/err" "train.timeout"
    [[ ! -e ran ]] || fail "train.timeout $bad ran the command"
done
printf 'train:\n  command: [sh, -c, "touch ran"]\n  timeout: 2h\n' >mlci.yaml
expect_exit 0 mlci train -n q
[[ -e ran ]] || fail "train.timeout 2h did not run the command"
cd ..

# deploy: --health-timeout, --health-interval, --wait and their keys.
for bad in 1e30 nan -1 0 9223372036854775807; do
    expect_exit 2 mlci deploy m-image:v3 --env d --target dir:d --health-check true \
        --health-timeout "$bad"
    expect_in "$SCRATCH/err" "--health-timeout: '$bad'"
done
for bad in 1e30 nan -1 inf; do
    expect_exit 2 mlci deploy m-image:v3 --env d --target dir:d --health-interval "$bad"
    expect_in "$SCRATCH/err" "--health-interval: '$bad'"
    expect_exit 2 mlci deploy m-image:v3 --env d --target dir:d --wait "$bad"
    expect_in "$SCRATCH/err" "--wait: '$bad'"
done
for flag in --keep --health-retries; do
    for bad in -1 1e30 1.5 nan 4294967296; do
        expect_exit 2 mlci deploy m-image:v3 --env d --target dir:d "$flag" "$bad"
        expect_in "$SCRATCH/err" "$flag"
    done
done
[[ ! -e d ]] || fail "a deploy with a bad flag touched its target"
# A healthy release with the longest timeout stays deployed (it was rolled
# back as "timed out after -9223372036854775808 ms").
expect_exit 0 mlci deploy m-image:v3 --env d --target dir:d --health-check 'test -f current/model/model.pkl' \
    --health-timeout 8760h --health-interval 0 --wait 0
expect_eq "$(readlink d/current)" "releases/$v3" "current after a long health timeout"
expect_exit 0 mlci --json deploy status d
expect_in "$SCRATCH/out" '"passed": true'
# A real timeout is reported in a unit a person reads.
expect_exit 1 mlci deploy m-image:v2 --env d --target dir:d --health-check 'sleep 5' \
    --health-timeout 200ms --health-retries 1
expect_in "$SCRATCH/err" "timed out after 200 ms"
expect_eq "$(readlink d/current)" "releases/$v3" "current after an unhealthy release"
for key in 'health_timeout: 1e30' 'health_timeout: .nan' 'health_timeout: 0' \
    'health_interval: -1' 'health_interval: 1e300h' 'health_retries: 1e30' 'keep: 1.5' \
    'keep: -1' 'health_retries: 0'; do
    printf 'environments:\n  y:\n    target: dir:y\n    %s\n' "$key" >mlci.yaml
    expect_exit 2 mlci deploy m-image:v3 --env y
    expect_in "$SCRATCH/err" "mlci.yaml:4"
    expect_in "$SCRATCH/err" "environments.y.${key%%:*}"
done
printf 'environments:\n  y:\n    target: dir:y\n    health_check: "true"\n    health_timeout: 1m\n    health_interval: 250ms\n    keep: 2\n' >mlci.yaml
expect_exit 0 mlci deploy m-image:v3 --env y
rm mlci.yaml

# The other durations: test --timeout, watch, gc --grace.
expect_exit 2 mlci test --timeout nan
expect_in "$SCRATCH/err" "--timeout: 'nan'"
expect_exit 2 mlci test --timeout 1e30
expect_in "$SCRATCH/err" "longer than the maximum"
echo '{"features": {"x": 1}}' >events.jsonl
for flag in --poll-interval --window-seconds; do
    for bad in 1e30 nan -1 0; do
        expect_exit 2 mlci watch events.jsonl --once --baseline m:v1 "$flag" "$bad"
        expect_in "$SCRATCH/err" "$flag: '$bad'"
    done
done
for bad in 1e30h nan -1s 1e30 0.5; do
    expect_exit 2 mlci watch events.jsonl --once --baseline m:v1 --window "$bad"
    expect_in "$SCRATCH/err" "--window"
done
printf 'watch:\n  poll_interval: 1e30\n' >mlci.yaml
expect_exit 2 mlci watch events.jsonl --once --baseline m:v1
expect_in "$SCRATCH/err" "watch.poll_interval"
expect_in "$SCRATCH/err" "longer than the maximum"
rm mlci.yaml
for bad in -1 nan 1e30; do
    expect_exit 2 mlci gc --grace "$bad" --dry-run
    expect_in "$SCRATCH/err" "--grace: '$bad'"
done
expect_exit 0 mlci gc --grace 0 --dry-run
expect_exit 0 mlci gc --grace 2h --dry-run
pass
