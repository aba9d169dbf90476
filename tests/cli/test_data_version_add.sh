# data-version add, log, list, show, and the store that holds them.
source "$(dirname "$0")/lib.sh"

git init -q project && cd project
git commit -q --allow-empty -m init
mlci init >/dev/null
mkdir -p data/images
printf 'a,b\n1,x\n2,y\n' > data/table.csv
for i in $(seq 1 50); do echo "image $i" > data/images/img$i.txt; done

# A file and a folder: references on stdout, tagged NAME:vN.
expect_exit 0 mlci data-version add data/table.csv -m "first table"
expect_eq "$(cat "$SCRATCH/out")" "table:v1" "reference"
expect_exit 0 mlci data-version add data/images --name images
expect_eq "$(cat "$SCRATCH/out")" "images:v1" "reference"

# Pointer files are small and deterministic; the data is ignored by git.
expect_in data/table.csv.mlci "path: table.csv"
expect_in data/table.csv.mlci "dataset: table"
expect_in data/.gitignore "/table.csv"
expect_in data/.gitignore "/images"
[[ -z $(git status --porcelain data/table.csv data/images) ]] || fail "data not ignored by git"
cp data/table.csv.mlci "$SCRATCH/pointer1"

# Re-adding unchanged content makes no new version.
expect_exit 0 mlci data-version add data/table.csv
expect_eq "$(cat "$SCRATCH/out")" "table:v1" "unchanged add"
expect_in "$SCRATCH/err" "unchanged"
cmp data/table.csv.mlci "$SCRATCH/pointer1" || fail "pointer changed on an unchanged add"

# A change makes v2; latest follows; the git commit is recorded.
printf 'a,b\n1,x\n2,y\n3,z\n' > data/table.csv
expect_exit 0 mlci data-version add data/table.csv -m "third row"
expect_eq "$(cat "$SCRATCH/out")" "table:v2" "second version"
expect_exit 0 mlci --json show table
commit=$(git rev-parse HEAD)
python3 - "$SCRATCH/out" "$commit" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["kind"] == "dataset", doc["kind"]
assert doc["manifest"]["annotations"]["org.opencontainers.image.revision"] == sys.argv[2]
assert doc["config"]["git"]["commit"] == sys.argv[2]
assert [f["path"] for f in doc["files"]] == ["table.csv"]
prof = doc["profiles"]["data/table.csv"]
assert prof["rows"] == 3, prof
cols = {c["name"]: c for c in prof["columns"]}
assert cols["a"]["type"] == "int" and cols["a"]["max"] == 3, cols["a"]
assert cols["b"]["type"] == "string", cols["b"]
PY

# log and list
expect_exit 0 mlci data-version log table
expect_in "$SCRATCH/out" "table:v2"
expect_in "$SCRATCH/out" "third row"
expect_in "$SCRATCH/out" "git ${commit:0:8}"
[[ $(head -1 "$SCRATCH/out") == table:v2* ]] || fail "log is not newest first"
expect_exit 0 mlci data-version list
expect_in "$SCRATCH/out" "images"
expect_in "$SCRATCH/out" "2 versions"

# References: short digests, NAME@digest, stdin, ambiguity and unknowns.
digest=$(mlci --json show table:v1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])')
expect_exit 0 mlci show "${digest:7:12}"
expect_in "$SCRATCH/out" "$digest"
expect_exit 0 mlci show "table@$digest"
echo table:v1 | expect_exit 0 mlci show -
expect_in "$SCRATCH/out" "$digest"
expect_exit 2 mlci show table:v9
expect_in "$SCRATCH/err" "unknown reference 'table:v9'"
expect_exit 2 mlci show "${digest:7:4}"

# Content is stored once whatever the number of datasets holding it.
blobs_before=$(ls ../project/.mlci/blobs/sha256 | wc -l)
mkdir -p copy && cp data/images/* copy/
expect_exit 0 mlci data-version add copy
blobs_after=$(ls .mlci/blobs/sha256 | wc -l)
(( blobs_after - blobs_before <= 3 )) || fail "identical files stored again ($blobs_before -> $blobs_after)"

# Bad input: each a one-line error with exit 2, nothing half-written.
expect_exit 2 mlci data-version add no/such/path
expect_in "$SCRATCH/err" "'no/such/path' does not exist"
expect_exit 2 mlci data-version add /etc/hostname
expect_in "$SCRATCH/err" "outside the project"
expect_exit 2 mlci data-version add data/table.csv --name 'bad name!'
ln -s table.csv data/link.csv
expect_exit 2 mlci data-version add data/link.csv
rm data/link.csv
chmod 000 data/images/img1.txt
if [[ $(id -u) != 0 ]]; then
    expect_exit 3 mlci data-version add data/images
fi
chmod 644 data/images/img1.txt

# --link: the store shares the file's inode (or a reflink); the workspace
# copy is read-only so an edit in place cannot corrupt the store. Root
# ignores the read-only bit, so as root the file is copied instead (and
# test_hostile_data.sh shows an append then leaving the store intact).
mkdir linked && head -c 100000 /dev/urandom > linked/blob.bin
expect_exit 0 mlci data-version add linked --link
expect_exit 0 mlci verify
perms=$(stat -c %a linked/blob.bin)
if [[ $(id -u) == 0 ]]; then
    expect_eq "$perms" "644" "mode of a file root's --link copied"
else
    [[ $perms != *[2367]* ]] || fail "linked file left writable ($perms)"
    if ( echo tamper >> linked/blob.bin ) 2>/dev/null; then
        fail "an edit in place of a linked file succeeded"
    fi
fi
# An editor's save (write a new file, rename over) leaves the store intact.
cp linked/blob.bin "$SCRATCH/edited" && echo edit >> "$SCRATCH/edited"
mv -f "$SCRATCH/edited" linked/blob.bin

expect_exit 0 mlci verify
expect_in "$SCRATCH/err" "ok"

# A workspace file that is itself a blob (hard-linked by an earlier --link
# run as a user) gets an inode of its own when root adds it with --link: a
# later edit in place can no longer reach the store.
if [[ $(id -u) == 0 ]]; then
    mkdir shared && head -c 300000 /dev/urandom >shared/w.bin
    expect_exit 0 mlci data-version add shared
    blob=.mlci/blobs/sha256/$(sha256sum shared/w.bin | cut -d' ' -f1)
    rm shared/w.bin && ln "$blob" shared/w.bin
    expect_exit 0 mlci data-version add shared --link
    [[ $(stat -c %i shared/w.bin) != $(stat -c %i "$blob") ]] || fail "the file still shares the blob's inode"
    cmp -s shared/w.bin "$blob" || fail "the file's own copy differs from the blob"
    chmod u+w shared/w.bin && echo tamper >>shared/w.bin
    expect_exit 0 mlci verify
fi
pass
