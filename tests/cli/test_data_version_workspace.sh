# data-version status, checkout and diff: the workspace against its versions.
source "$(dirname "$0")/lib.sh"

git init -q project && cd project
git commit -q --allow-empty -m init
expect_exit 0 mlci init
mkdir -p data/images/sub
for i in 1 2 3; do echo "image $i" > data/images/img$i.txt; done
echo deep > data/images/sub/deep.txt
printf 'a,b\n1,x\n2,y\n' > data/iris.csv
expect_exit 0 mlci data-version add data/images
expect_eq "$(cat "$SCRATCH/out")" "images:v1" "reference"
expect_exit 0 mlci data-version add data/iris.csv
expect_eq "$(cat "$SCRATCH/out")" "iris:v1" "reference"
cp -a data "$SCRATCH/v1"

# A clean workspace: exit 0 and nothing on stdout, from anywhere in the project.
expect_exit 0 mlci data-version status
[[ ! -s $SCRATCH/out ]] || fail "a clean status printed changes"
expect_in "$SCRATCH/err" "data/images: clean"
expect_in "$SCRATCH/err" "data/iris.csv: clean"
(cd data/images/sub && expect_exit 0 mlci data-version status)
expect_exit 0 mlci data-version status data/images data/iris.csv.mlci

# Each kind of change is listed, and status exits 1 (a gate, for CI).
echo "image 1 changed" > data/images/img1.txt
rm data/images/img2.txt
echo new > data/images/new.txt
printf 'a,b\n1,x\n2,y\n3,z\n' > data/iris.csv
expect_exit 1 mlci data-version status
expect_in "$SCRATCH/out" "modified  data/images/img1.txt"
expect_in "$SCRATCH/out" "deleted   data/images/img2.txt"
expect_in "$SCRATCH/out" "added     data/images/new.txt"
expect_in "$SCRATCH/out" "modified  data/iris.csv"
expect_exit 1 mlci --json data-version status
python3 - "$SCRATCH/out" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["clean"] is False, doc
roots = {r["path"]: r for r in doc["roots"]}
assert roots["data/images"]["pointer"] == "data/images.mlci", roots
changes = {c["path"]: c["change"] for c in roots["data/images"]["changes"]}
assert changes == {"data/images/img1.txt": "modified", "data/images/img2.txt": "deleted",
                   "data/images/new.txt": "added"}, changes
assert [c["change"] for c in roots["data/iris.csv"]["changes"]] == ["modified"], roots
PY
# A path limits the report; a path inside a versioned folder too.
expect_exit 1 mlci data-version status data/iris.csv
expect_not_in "$SCRATCH/out" "images"
expect_exit 0 mlci data-version status data/images/sub
(cd data/images/sub && expect_exit 0 mlci data-version status)

# A second version, then what changed between the two.
expect_exit 0 mlci data-version add data/images
expect_eq "$(cat "$SCRATCH/out")" "images:v2" "reference"
expect_exit 0 mlci data-version status data/images
cp -a data/images "$SCRATCH/images-v2"
expect_exit 0 mlci data-version diff images:v1 images:v2
expect_in "$SCRATCH/out" "data/images/img1.txt"
grep -E '^modified .*data/images/img1\.txt$' "$SCRATCH/out" >/dev/null || fail "img1 not modified"
grep -E '^deleted .*data/images/img2\.txt$' "$SCRATCH/out" >/dev/null || fail "img2 not deleted"
grep -E '^added .*data/images/new\.txt$' "$SCRATCH/out" >/dev/null || fail "new not added"
expect_in "$SCRATCH/out" "images:v1 -> images:v2: 3 files changed"
expect_not_in "$SCRATCH/out" "deep.txt"
expect_exit 1 mlci data-version diff images:v1 images:v2 --exit-code
v1_digest=$(mlci --json show images:v1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])')
expect_exit 0 mlci --json data-version diff "${v1_digest:7:10}" images
python3 - "$SCRATCH/out" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["from"]["reference"] == "images:v1" and doc["to"]["reference"] == "images:v2", doc
t = doc["totals"]
assert (t["added"], t["modified"], t["deleted"]) == (1, 1, 1), t
assert t["added_bytes"] == 4 and t["deleted_bytes"] == 8 and t["modified_bytes_delta"] == 8, t
PY
# One version: against the workspace.
expect_exit 0 mlci data-version diff images:v2
expect_in "$SCRATCH/out" "images:v2 -> workspace: no changes"
expect_exit 0 mlci data-version diff images:v1
expect_in "$SCRATCH/out" "images:v1 -> workspace: 3 files changed"

# The table's change was never added: restoring it needs --force.
expect_exit 2 mlci data-version checkout data/iris.csv.mlci
expect_in "$SCRATCH/err" "'data/iris.csv'"
expect_exit 0 mlci data-version checkout data/iris.csv.mlci --force
cmp "$SCRATCH/v1/iris.csv" data/iris.csv || fail "iris.csv not restored"

# Checkout v1: byte-identical content, the pointer back at v1, status clean.
expect_exit 0 mlci data-version checkout images:v1
expect_eq "$(cat "$SCRATCH/out")" "images:v1" "checked out"
diff -r "$SCRATCH/v1/images" data/images || fail "checkout v1 is not byte-identical"
cmp "$SCRATCH/v1/images.mlci" data/images.mlci || fail "pointer not moved back to v1"
expect_exit 0 mlci data-version status data/images
echo images:v2 | expect_exit 0 mlci data-version checkout -
diff -r "$SCRATCH/images-v2" data/images || fail "checkout - (v2) is not byte-identical"
expect_exit 0 mlci data-version status

# A file in neither version is reported and kept; --clean removes it.
echo "my own notes" > data/images/mine.txt
expect_exit 0 mlci data-version checkout images:v1
expect_in "$SCRATCH/err" "data/images/mine.txt"
expect_in "$SCRATCH/err" "--clean"
[[ -f data/images/mine.txt ]] || fail "an extra file was deleted without --clean"
expect_exit 0 mlci --json data-version checkout images:v1
python3 - "$SCRATCH/out" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
root = doc["roots"][0]
assert root["extra"] == ["data/images/mine.txt"], root
assert root["written"] == 0 and root["unchanged"] == 4, root
PY
expect_exit 0 mlci data-version checkout images:v1 --clean
[[ ! -e data/images/mine.txt ]] || fail "--clean kept an extra file"
diff -r "$SCRATCH/v1/images" data/images || fail "--clean changed the version"
expect_exit 0 mlci data-version status

# A change the store does not have blocks checkout: exit 2, nothing touched.
echo "precious edit" > data/images/img1.txt
expect_exit 2 mlci data-version checkout images:v2
expect_in "$SCRATCH/err" "'data/images/img1.txt'"
expect_in "$SCRATCH/err" "--force"
expect_eq "$(cat data/images/img1.txt)" "precious edit" "blocked file"
[[ -f data/images/img2.txt ]] || fail "a refused checkout changed other files"
cmp "$SCRATCH/v1/images.mlci" data/images.mlci || fail "a refused checkout moved the pointer"
expect_exit 0 mlci data-version checkout images:v2 --force
expect_in "$SCRATCH/err" "discarded changes to 'data/images/img1.txt'"
diff -r "$SCRATCH/images-v2" data/images || fail "checkout --force is not byte-identical"

# A pointer file (or the path it versions) restores what it records.
rm -rf data/images
expect_exit 0 mlci data-version checkout data/images.mlci
diff -r "$SCRATCH/images-v2" data/images || fail "checkout of a pointer file"
rm data/iris.csv
expect_exit 0 mlci data-version checkout data/iris.csv
expect_eq "$(cat data/iris.csv)" "$(printf 'a,b\n1,x\n2,y\n')" "iris restored"
expect_exit 0 mlci data-version status

# --to DIR: a copy elsewhere; the project and its pointers are left alone.
expect_exit 0 mlci data-version checkout images:v1 --to "$SCRATCH/export"
diff -r "$SCRATCH/v1/images" "$SCRATCH/export/images" || fail "checkout --to"
[[ ! -e $SCRATCH/export/images.mlci ]] || fail "checkout --to wrote a pointer file"
diff -r "$SCRATCH/images-v2" data/images || fail "checkout --to touched the project"
expect_exit 0 mlci data-version checkout images:v2 --to "$SCRATCH/export"
# Every file of v2 is there, byte for byte; a file of v1 that v2 dropped is
# left alone: --to deletes nothing in a folder that is the user's.
(cd "$SCRATCH/images-v2" && find . -type f) | while read -r f; do
    cmp "$SCRATCH/images-v2/$f" "$SCRATCH/export/images/$f" || fail "checkout --to of v2: $f"
done
[[ -f $SCRATCH/export/images/img2.txt ]] || fail "checkout --to deleted a file of the user's folder"
expect_eq "$(cat "$SCRATCH/export/images/img1.txt")" "image 1 changed" "--to v2"

# --link: workspace files share the blobs' inodes; checkout must replace
# them, never write into them, and edits must never reach the store.
mkdir linked
head -c 200000 /dev/urandom > linked/big.bin
echo small > linked/small.txt
expect_exit 0 mlci data-version add linked --link
expect_eq "$(cat "$SCRATCH/out")" "linked:v1" "reference"
cp -r linked "$SCRATCH/linked-v1"
expect_exit 0 mlci data-version status linked
# An edit in place is refused to a user (root ignores permission bits, so as
# root the attempt is made as nobody when setpriv can do that).
if [[ $(id -u) != 0 ]]; then
    ( echo tamper >> linked/big.bin ) 2>/dev/null && fail "an edit in place of a linked file succeeded"
elif command -v setpriv >/dev/null; then
    chmod a+x "$SCRATCH" "$SCRATCH/project"
    setpriv --reuid=nobody --regid=nogroup --clear-groups \
        sh -c 'echo tamper >> linked/big.bin' 2>/dev/null && fail "an edit in place of a linked file succeeded"
fi
# An editor's save (new file renamed over) and sed -i leave the store intact.
sed -i 's/small/SMALL/' linked/small.txt
expect_exit 1 mlci data-version status linked
expect_in "$SCRATCH/out" "modified  linked/small.txt"
expect_exit 0 mlci verify
expect_exit 0 mlci data-version add linked --link
expect_eq "$(cat "$SCRATCH/out")" "linked:v2" "reference"
expect_exit 0 mlci data-version checkout linked:v1
diff -r "$SCRATCH/linked-v1" linked || fail "checkout over linked files"
# A restored file is a copy of its own, writable: editing it in place (even
# as root) cannot reach the store. An unchanged linked file stays read-only;
# root's --link copies (root ignores the read-only bit), so its files keep
# their modes and inodes of their own.
expect_eq "$(stat -c %a linked/small.txt)" "644" "mode of a restored file"
[[ $(stat -c %h linked/small.txt) == 1 ]] || fail "a restored file shares its inode"
if [[ $(id -u) == 0 ]]; then
    expect_eq "$(stat -c %a linked/big.bin)" "644" "mode of a file root's --link copied"
    [[ $(stat -c %h linked/big.bin) == 1 ]] || fail "root's --link shares an inode with the store"
else
    [[ $(stat -c %a linked/big.bin) != *[2367]* ]] || fail "an unchanged linked file became writable"
fi
echo "edited in place" >> linked/small.txt
expect_exit 0 mlci verify
expect_exit 1 mlci data-version status linked
expect_exit 0 mlci data-version checkout linked:v2 --force
expect_exit 0 mlci verify
expect_exit 0 mlci data-version status linked

# Bad input: malformed pointer files name file:line, unknown references and
# paths are usage errors; all exit 2.
cp data/iris.csv.mlci "$SCRATCH/iris-pointer"
printf 'path: iris.csv\ntree: sha256:nothex\n' > data/iris.csv.mlci
expect_exit 2 mlci data-version status
expect_in "$SCRATCH/err" "iris.csv.mlci:2"
expect_exit 2 mlci data-version checkout data/iris.csv.mlci
expect_in "$SCRATCH/err" "iris.csv.mlci:2"
expect_exit 2 mlci data-version checkout iris:v1
expect_in "$SCRATCH/err" "iris.csv.mlci:2"
printf 'path: iris.csv\ntree: sha256:%064d\n' 0 > data/iris.csv.mlci
expect_exit 2 mlci data-version status data/iris.csv
expect_in "$SCRATCH/err" "not in the store"
cp "$SCRATCH/iris-pointer" data/iris.csv.mlci
expect_exit 2 mlci data-version checkout nope:v3
expect_in "$SCRATCH/err" "unknown reference 'nope:v3'"
expect_exit 2 mlci data-version diff images:v1 nope
expect_exit 2 mlci data-version status no/such/path
expect_in "$SCRATCH/err" "does not exist"
expect_exit 2 mlci data-version checkout
expect_exit 0 mlci data-version status

# Help works outside a store.
(cd "$SCRATCH" && expect_exit 0 mlci data-version checkout --help)
expect_in "$SCRATCH/out" "--clean"
pass
