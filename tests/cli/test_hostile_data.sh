# data-version add against hostile data and surroundings: --link as root and
# across file systems, a folder with broken CSV files, tables made to blow up
# a profile, and parallel adds of one content.
source "$(dirname "$0")/lib.sh"

SHM=
trap 'rm -rf "$SCRATCH" ${SHM:+"$SHM"}' EXIT

git init -q project && cd project
git commit -q --allow-empty -m init
mlci init -q >/dev/null
mkdir data

# Runs the rest of the line as an unprivileged user, when this test can.
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$SCRATCH/nobody" "$@"; }
can_drop=false
if [[ $(id -u) == 0 ]] && command -v setpriv >/dev/null && as_nobody true 2>/dev/null; then
    can_drop=true
fi

# --- --link as root: no hard link root could write through (item 3) ---------
printf 'a,b\n1,2\n' >data/x.csv
chmod 644 data/x.csv
cp data/x.csv "$SCRATCH/x.orig"
expect_exit 0 mlci data-version add data/x.csv --link
expect_eq "$(cat "$SCRATCH/out")" "x:v1" "reference"
if [[ $(id -u) == 0 ]]; then
    expect_in "$SCRATCH/err" "a hard link would not protect the stored version from root; copied instead"
    expect_eq "$(grep -c 'copied instead' "$SCRATCH/err")" "1" "notes"
fi
expect_eq "$(stat -c %a data/x.csv)" "644" "mode of the file --link copied"
echo 3,4 >>data/x.csv # root may: the stored version must not change with it
expect_exit 0 mlci verify
expect_exit 0 mlci data-version checkout x:v1 --force
cmp data/x.csv "$SCRATCH/x.orig" || fail "checkout of x:v1 is not the original bytes"

if $can_drop; then
    # Unprivileged, the hard link stays: the file is made read-only and the
    # write is refused. Root adding the same file later breaks the link.
    chmod 755 "$SCRATCH"
    mkdir -p "$SCRATCH/nobody/data" && cd "$SCRATCH/nobody"
    printf 'a\n1\n' >data/n.csv
    chown -R 65534:65534 "$SCRATCH/nobody"
    expect_exit 0 as_nobody "$MLCI" init -q
    expect_exit 0 as_nobody "$MLCI" data-version add data/n.csv --link
    expect_not_in "$SCRATCH/err" "copied instead"
    expect_eq "$(stat -c %a data/n.csv)" "444" "mode of a hard-linked file"
    blob=.mlci/blobs/sha256/$(sha256sum data/n.csv | cut -c1-64)
    expect_eq "$(stat -c %i data/n.csv)" "$(stat -c %i "$blob")" "inode of a hard-linked file"
    if as_nobody sh -c 'echo 2 >>data/n.csv' 2>/dev/null; then
        fail "an unprivileged edit in place of a linked file succeeded"
    fi
    expect_exit 0 mlci data-version add data/n.csv --link
    [[ $(stat -c %i data/n.csv) != $(stat -c %i "$blob") ]] || fail "root left the hard link in place"
    echo 2 >>data/n.csv
    expect_exit 0 mlci verify
    cd "$SCRATCH/project"
fi

# --- --link across file systems: copied, the user's file untouched (item 4) --
if [[ -d /dev/shm && $(stat -c %d /dev/shm) != $(stat -c %d "$SCRATCH") ]]; then
    SHM=$(mktemp -d /dev/shm/mlci-test.XXXXXX)
    mlci --store "$SHM/store" init -q >/dev/null
    printf 'a,b\n5,6\n' >data/y.csv
    chmod 640 data/y.csv
    expect_exit 0 mlci --store "$SHM/store" data-version add data/y.csv --link
    expect_in "$SCRATCH/err" "copied instead"
    expect_eq "$(stat -c %a data/y.csv)" "640" "mode after --link across file systems"
    expect_exit 0 mlci --store "$SHM/store" verify
    if $can_drop; then
        # Unprivileged, the link is tried: it fails (EXDEV) before the file's
        # mode is touched, and a copy is made instead.
        chmod 777 "$SHM" && mkdir "$SHM/nb" && chown 65534:65534 "$SHM/nb"
        cd "$SCRATCH/nobody"
        printf 'c\n7\n' >data/z.csv && chown 65534:65534 data/z.csv && chmod 644 data/z.csv
        expect_exit 0 as_nobody "$MLCI" --store "$SHM/nb/store" init -q
        expect_exit 0 as_nobody "$MLCI" --store "$SHM/nb/store" data-version add data/z.csv --link
        expect_in "$SCRATCH/err" "is on another file system; copied instead"
        expect_eq "$(stat -c %a data/z.csv)" "644" "mode after a failed hard link"
        expect_exit 0 as_nobody "$MLCI" --store "$SHM/nb/store" verify
        cd "$SCRATCH/project"
    fi
else
    echo "skip: /dev/shm is missing or on the same file system as $SCRATCH"
fi

# --- a folder with broken CSV files: every file versioned (item 13) ---------
mkdir data/mixed
printf 'a,b\n1,x\n2,y\n' >data/mixed/good.csv
: >data/mixed/empty.csv
printf 'a,b\n1,2,3\n' >data/mixed/ragged.csv
printf 'a,a\n1,2\n' >data/mixed/dup.csv
printf 'a,b\n1,"never closed\n2,3\n' >data/mixed/quote.csv
echo notes >data/mixed/readme.txt
cp -r data/mixed "$SCRATCH/mixed.orig"
expect_exit 0 mlci data-version add data/mixed
expect_eq "$(cat "$SCRATCH/out")" "mixed:v1" "reference"
for f in empty ragged dup quote; do
    expect_in "$SCRATCH/err" "warning: 'data/mixed/$f.csv' is versioned but not profiled"
done
expect_in "$SCRATCH/err" "'data/mixed/empty.csv' is empty"
expect_in "$SCRATCH/err" "record at 'data/mixed/ragged.csv:2' has 3 fields"
expect_in "$SCRATCH/err" "column 'a' appears twice"
expect_in "$SCRATCH/err" "quoted field is not closed"
expect_not_in "$SCRATCH/err" "good.csv"
expect_exit 0 mlci --json show mixed
/usr/bin/python3 - "$SCRATCH/out" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
files = sorted(f["path"] for f in doc["files"])
assert files == ["mixed/dup.csv", "mixed/empty.csv", "mixed/good.csv", "mixed/quote.csv",
                 "mixed/ragged.csv", "mixed/readme.txt"], files
assert list(doc["profiles"]) == ["data/mixed/good.csv"], list(doc["profiles"])
PY
rm -rf data/mixed
expect_exit 0 mlci data-version checkout mixed:v1
diff -r data/mixed "$SCRATCH/mixed.orig" || fail "checkout of mixed:v1 differs"

# --- tables made to blow up a profile (item 14) ------------------------------
# A profile is at most 1 MiB (1,000 columns at most, texts cut to 256 bytes);
# memory stays bounded (the reader keeps at most 1 MiB of a field).
mkdir data/wide data/long
/usr/bin/python3 - <<'PY'
n = 100_000
with open("data/wide/wide.csv", "w") as f:
    f.write(",".join(f"c{i}" for i in range(n)) + "\n")
    for r in range(4):
        f.write(",".join(str((i * 7 + r) % 10) for i in range(n)) + "\n")
with open("data/long/long.csv", "w") as f:
    f.write("id,text\n")
    f.write('1,"' + "é" * (10 << 20) + '"\n')  # 20 MiB of two-byte characters
    f.write("2,short\n")
PY
max_rss_kb() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$SCRATCH/err"; }
for d in wide long; do
    expect_exit 0 /usr/bin/time -v "$MLCI" data-version add "data/$d"
    rss=$(max_rss_kb)
    echo "max RSS of adding data/$d: $rss KiB"
    # Under AddressSanitizer (the suite's second pass sets ASAN_OPTIONS) its
    # shadow memory and quarantine multiply RSS: the bound is for the real build.
    if [[ -z ${ASAN_OPTIONS:-} ]]; then
        ((rss < 150 * 1024)) || fail "adding data/$d took $rss KiB of memory"
    fi
done
expect_exit 0 mlci --json show wide
/usr/bin/python3 - "$SCRATCH/out" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
sizes = [l["size"] for l in doc["manifest"]["layers"] if "profile" in l["mediaType"]]
assert len(sizes) == 1 and sizes[0] <= 1 << 20, sizes
prof = doc["profiles"]["data/wide/wide.csv"]
n = len(prof["columns"])
assert 0 < n <= 1000, n
assert n + prof["unprofiled_columns"] == 100_000, prof["unprofiled_columns"]
assert prof["rows"] == 4 and prof["columns"][0]["name"] == "c0", prof["columns"][0]
PY
expect_exit 0 mlci --json show long
/usr/bin/python3 - "$SCRATCH/out" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
sizes = [l["size"] for l in doc["manifest"]["layers"] if "profile" in l["mediaType"]]
assert len(sizes) == 1 and sizes[0] < 16 << 10, sizes
prof = doc["profiles"]["data/long/long.csv"]
text = {c["name"]: c for c in prof["columns"]}["text"]
assert text["type"] == "string" and text["distinct"] == 2, text
values = [t["value"] for t in text["top"]]
assert "short" in values, values
cut = [v for v in values if v != "short"][0]
assert cut.endswith("\u2026") and len(cut.encode()) <= 256 + 3, len(cut.encode())
assert set(cut[:-1]) == {"é"}, "cut inside a character"
PY
expect_exit 0 mlci verify

# --- parallel adds of one content: one version (item 15) --------------------
printf 'k,v\n1,one\n' >data/same.csv
pids=()
for i in 1 2 3 4 5; do
    "$MLCI" data-version add data/same.csv >"$SCRATCH/par.$i" 2>"$SCRATCH/parerr.$i" &
    pids+=($!)
done
for i in 0 1 2 3 4; do
    wait "${pids[$i]}" || { cat "$SCRATCH/parerr.$((i + 1))" >&2; fail "parallel add $((i + 1)) failed"; }
done
for i in 1 2 3 4 5; do
    expect_eq "$(cat "$SCRATCH/par.$i")" "same:v1" "reference printed by parallel add $i"
done
expect_exit 0 mlci data-version log same
expect_eq "$(grep -c '^same:' "$SCRATCH/out")" "1" "versions after 5 parallel adds of one content"
expect_in data/.gitignore "/same.csv"
printf 'k,v\n1,one\n2,two\n' >data/same.csv
expect_exit 0 mlci data-version add data/same.csv
expect_eq "$(cat "$SCRATCH/out")" "same:v2" "changed content"
expect_exit 0 mlci verify
pass
