# Deleting and keeping: mlci untag, mlci rm, gc --keep-last and gc.keep_last,
# with the versions a pointer file or another tag uses kept.
source "$(dirname "$0")/lib.sh"

json() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
tags() { /usr/bin/python3 -c "
import json; print(' '.join(sorted(m['annotations']['org.opencontainers.image.ref.name']
    for m in json.load(open('.mlci/index.json'))['manifests'] if 'annotations' in m)))"; }

git init -q . && echo ".mlci/" >> .git/info/exclude
mlci init >/dev/null 2>&1
for i in 1 2 3 4 5; do
    echo "x,$i" > d.csv
    mlci data-version add --name d d.csv >/dev/null 2>&1
done
echo "y" > e.csv && mlci data-version add --name e e.csv >/dev/null 2>&1
expect_eq "$(tags)" "d:latest d:v1 d:v2 d:v3 d:v4 d:v5 e:latest e:v1" "tags after add"

# untag: one tag, the artifact stays; errors are usage errors and change nothing.
expect_exit 0 mlci untag --help
expect_exit 2 mlci untag d:v9
expect_in "$SCRATCH/err" "no tag 'd:v9'"
expect_exit 2 mlci untag d:v5 d:v9
expect_in "$SCRATCH/err" "d:v9"
expect_exit 2 mlci untag d
expect_in "$SCRATCH/err" "mlci rm d"
expect_eq "$(tags)" "d:latest d:v1 d:v2 d:v3 d:v4 d:v5 e:latest e:v1" "tags after refused untags"
expect_exit 0 mlci untag e:latest
expect_eq "$(cat "$SCRATCH/out")" "e:latest"
expect_in "$SCRATCH/err" "removed 1 tag "
expect_exit 0 mlci show e:v1 # still there

# rm NAME:TAG: the version goes, latest moves to the newest one left.
expect_exit 0 mlci rm d:v5
expect_in "$SCRATCH/out" "d:v5"
expect_in "$SCRATCH/out" "d:latest"
expect_in "$SCRATCH/err" "d:latest now names d:v4"
expect_exit 0 mlci --json show d:latest
v4=$(mlci --json show d:v4 | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['digest'])")
expect_eq "$(json "$SCRATCH/out" "d['digest']")" "$v4" "latest follows v4"
# rm NAME: every tag of the name.
expect_exit 0 mlci --json rm e
expect_eq "$(json "$SCRATCH/out" "d[0]['removed']")" "['e:v1']" "rm e"
expect_exit 2 mlci rm e
expect_in "$SCRATCH/err" "no tags named 'e'"
expect_exit 2 mlci rm 'bad name'
expect_eq "$(tags)" "d:latest d:v1 d:v2 d:v3 d:v4" "tags after rm"

# A pointer file naming d:v1 keeps it (checkout writes the pointer).
expect_exit 0 mlci data-version checkout d:v1
expect_in d.csv.mlci "tree:"

# gc --keep-last: a dry run says what it would untag and changes nothing.
expect_exit 0 mlci --json gc --keep-last 1 --dry-run --grace 0
expect_eq "$(json "$SCRATCH/out" "sorted(d['untagged'])")" "['d:v2', 'd:v3']" "dry-run untags"
expect_eq "$(json "$SCRATCH/out" "sorted(d['spared'])")" "['d:v1']" "dry-run spares"
expect_eq "$(tags)" "d:latest d:v1 d:v2 d:v3 d:v4" "a dry run untags nothing"
expect_exit 2 mlci gc --keep-last 0
expect_exit 0 mlci gc --keep-last 1 --grace 0
expect_in "$SCRATCH/err" "untagged d:v2"
expect_in "$SCRATCH/err" "untagged d:v3"
expect_eq "$(tags)" "d:latest d:v1 d:v4" "tags after gc --keep-last"
expect_exit 0 mlci verify
expect_exit 0 mlci data-version checkout d:v4

# gc.keep_last in mlci.yaml; the flag wins over it.
for i in 6 7 8; do
    echo "x,$i" > d.csv
    mlci data-version add --name d d.csv >/dev/null 2>&1
done
printf 'gc:\n  keep_last: 0\n' > mlci.yaml
expect_exit 2 mlci gc
expect_in "$SCRATCH/err" "gc.keep_last"
printf 'gc:\n  keep_last: 2\n' > mlci.yaml
expect_exit 0 mlci --json gc --dry-run --keep-last 3
expect_eq "$(json "$SCRATCH/out" "sorted(d['untagged'])")" "['d:v1', 'd:v4']" "flag over config"
expect_exit 0 mlci gc --grace 0
expect_eq "$(tags)" "d:latest d:v7 d:v8" "tags after gc.keep_last"
expect_exit 0 mlci verify
# Without retention, gc untags nothing.
rm mlci.yaml
expect_exit 0 mlci --json gc --grace 0
expect_eq "$(json "$SCRATCH/out" "d['untagged']")" "[]" "no retention"
pass
