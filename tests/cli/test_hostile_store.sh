# Regressions from hostile testing of the store and its inputs: repeated
# mlci.yaml keys, a push to an oci: layout on another file system, text that
# is not UTF-8, a corrupt index.json, references whose name and digest
# disagree, more than one reference on standard input, and read-only stores.
source "$(dirname "$0")/lib.sh"

git init -q P && cd P
mlci init -q >/dev/null
mlci train -n m -o model.pkl --metrics m.json -- \
    sh -c 'echo m>model.pkl; echo "{\"acc\":0.5}">m.json' >/dev/null 2>&1
echo "a,b" >d.csv && echo "1,2" >>d.csv
mlci data-version add d.csv -n d >/dev/null 2>&1

# --- repeated keys in mlci.yaml are refused, naming file, line and key -----
cat >mlci.yaml <<'EOF'
validate:
  require: ["acc >= 0.1"]
validate:
  require: ["acc >= 0.99"]
EOF
expect_exit 2 mlci validate m:v1
expect_in "$SCRATCH/err" "mlci.yaml:3: key 'validate' is repeated (first on line 1)"
# ... at any depth, and in params files too
cat >mlci.yaml <<'EOF'
validate:
  require: ["acc >= 0.1"]
  require: ["acc >= 0.99"]
EOF
expect_exit 2 mlci validate m:v1
expect_in "$SCRATCH/err" "key 'require' is repeated"
rm mlci.yaml
printf 'lr: 0.1\nlr: 0.2\n' >params.yaml
expect_exit 2 mlci train -n p --params params.yaml -- true
expect_in "$SCRATCH/err" "params.yaml:2: key 'lr' is repeated"
expect_exit 0 mlci validate m:v1 --require 'acc >= 0.1'

# --- push to an oci: layout on another file system -------------------------
shm=/dev/shm/mlci-test-layout-$$
if [[ -d /dev/shm && $(stat -c %d /dev/shm) != $(stat -c %d "$SCRATCH") ]]; then
    trap 'rm -rf "$SCRATCH" "$shm"' EXIT
    expect_exit 0 mlci push m:v1 "oci:$shm:t"
    skopeo inspect --raw "oci:$shm:t" >/dev/null || fail "skopeo cannot read the layout on tmpfs"
    # and back from it, into a store on this file system
    (mkdir "$SCRATCH/other" && cd "$SCRATCH/other" && mlci init -q >/dev/null)
    expect_exit 0 mlci --store "$SCRATCH/other/.mlci" pull "oci:$shm:t"
    expect_exit 0 mlci --store "$SCRATCH/other/.mlci" verify
else
    echo "skip: /dev/shm is not another file system here" >&2
fi

# --- text that is not UTF-8 is refused by name, not by the JSON writer -----
bad=$(printf 'data-\xff.csv')
cp d.csv "$bad"
expect_exit 2 mlci data-version add "$bad"
expect_in "$SCRATCH/err" "argument 3"
expect_in "$SCRATCH/err" "is not valid UTF-8"
expect_not_in "$SCRATCH/err" "json.exception"
mkdir folder && mv "$bad" folder/
expect_exit 2 mlci data-version add folder -n folder
expect_in "$SCRATCH/err" "folder/data-"
expect_in "$SCRATCH/err" "is not valid UTF-8"
expect_exit 2 mlci data-version add d.csv -n d -m "$(printf 'msg \xfe')"
expect_in "$SCRATCH/err" "is not valid UTF-8"
expect_exit 2 mlci train -n u -p "x=$(printf '\xc3')" -- true
expect_in "$SCRATCH/err" "is not valid UTF-8"
expect_not_in "$SCRATCH/err" "json.exception"

# --- references: a name and a digest that disagree, a dangling '@', two on stdin
d_digest=$(mlci --json show d:v1 | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])')
m_digest=$(mlci --json show m:v1 | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])')
expect_exit 0 mlci show "d:v1@$d_digest"
expect_exit 0 mlci show "d@$d_digest"
expect_exit 2 mlci show "d:v1@$m_digest"
expect_in "$SCRATCH/err" "disagrees"
expect_exit 2 mlci show "d@$m_digest"
expect_in "$SCRATCH/err" "named 'm', not 'd'"
expect_exit 2 mlci show "m:v1@"
expect_in "$SCRATCH/err" "invalid reference"
printf 'd:v1\nm:v1\n' >two
expect_exit 2 mlci show - <two
expect_in "$SCRATCH/err" "more than one reference"
printf '\nd:v1\n\n' >one
expect_exit 0 mlci show - <one

# --- verify on a truncated or garbage index.json is a store that fails (1) --
cp .mlci/index.json index.good
head -c 40 index.good >.mlci/index.json
expect_exit 1 mlci verify
expect_in "$SCRATCH/out" "index.json"
printf '\x00garbage' >.mlci/index.json
expect_exit 1 mlci verify
cp index.good .mlci/index.json
expect_exit 0 mlci verify

# --- a read-only store: reading commands work ------------------------------
if mount --bind "$SCRATCH/P/.mlci" "$SCRATCH/P/.mlci" 2>/dev/null; then
    if mount -o remount,ro,bind "$SCRATCH/P/.mlci" 2>/dev/null; then
        trap 'umount "$SCRATCH/P/.mlci" 2>/dev/null || true; rm -rf "$SCRATCH" "$shm"' EXIT
        expect_exit 0 mlci gc --dry-run
        expect_exit 0 mlci verify
        expect_exit 0 mlci data-version checkout d:v1 --to "$SCRATCH/restored"
        cmp d.csv "$SCRATCH/restored/d.csv" || fail "checkout --to from a read-only store"
        expect_exit 0 mlci show d:v1
    else
        echo "skip: cannot remount read-only here" >&2
    fi
    umount "$SCRATCH/P/.mlci"
else
    echo "skip: cannot bind-mount here (read-only store)" >&2
fi

pass
