# mlci deploy into folders that hold other people's things: --keep prunes
# only releases this store's deployments made (never a folder someone else
# put in releases/), a `current` that is not a symlink is never replaced,
# and `/` and the store are no targets.
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
expect_exit 0 mlci --store other.mlci deploy lay:img --env e --target dir:t --keep 1
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

pass
