# Output for people: plurals ("1 file"), sizes in bytes when the rounded
# sizes read the same, reports named as well as digested, and pointer-file
# hints that work from the project root.
source "$(dirname "$0")/lib.sh"

git init -q . && echo ".mlci/" >> .git/info/exclude
mlci init >/dev/null 2>&1
mkdir -p data/sub
head -c 1030 /dev/zero | tr '\0' a > data/big.txt

# Plurals: one file, not "1 file(s)" or "1 files".
expect_exit 0 mlci data-version add data/big.txt
expect_in "$SCRATCH/err" "added big:v1: 1 file,"
expect_not_in "$SCRATCH/err" "(s)"
expect_exit 0 mlci data-version list
expect_in "$SCRATCH/out" "1 version"
expect_in "$SCRATCH/out" "1 file"
expect_not_in "$SCRATCH/out" "1 versions"
expect_exit 0 mlci verify
expect_not_in "$SCRATCH/err" "(s)"

# The pointer's hint names it from the project root, and works from there.
head -1 data/big.txt.mlci | grep -qF "'mlci data-version checkout data/big.txt.mlci'" ||
    fail "pointer hint: $(head -1 data/big.txt.mlci)"
echo x > data/sub/y.csv
(cd data/sub && mlci data-version add y.csv >/dev/null 2>&1)
head -1 data/sub/y.csv.mlci | grep -qF "'mlci data-version checkout data/sub/y.csv.mlci'" ||
    fail "pointer hint from a subfolder: $(head -1 data/sub/y.csv.mlci)"
rm data/sub/y.csv
cmd=$(head -1 data/sub/y.csv.mlci | sed "s/.*restore with '\(.*\)'/\1/")
expect_exit 0 $cmd
[[ -f data/sub/y.csv ]] || fail "the hint's command did not restore the file"

# Sizes: 1030 B -> 1031 B read "1.0 KiB" both; bytes are shown instead.
head -c 1031 /dev/zero | tr '\0' b > data/big.txt
expect_exit 0 mlci data-version add data/big.txt
expect_exit 0 mlci data-version diff big:v1 big:v2
expect_in "$SCRATCH/out" "1030 B -> 1031 B"
expect_not_in "$SCRATCH/out" "1.0 KiB -> 1.0 KiB"
head -c 4096 /dev/zero | tr '\0' c > data/big.txt
expect_exit 0 mlci data-version add data/big.txt
expect_exit 0 mlci data-version diff big:v2 big:v3
expect_in "$SCRATCH/out" "1.0 KiB -> 4.0 KiB"

# test and validate name the report they record as well as its digest.
cat > fit.py <<'PY'
import json
json.dump({"accuracy": 0.95}, open("metrics.json", "w"))
PY
git add -A && git commit -qm init
run=$(mlci train -n m --metrics metrics.json -- /usr/bin/python3 fit.py 2>/dev/null)
expect_exit 0 mlci validate "$run" --require 'accuracy>=0.9' --tag m-gate:ok
grep -qE "validation m-gate:ok \(sha256:[0-9a-f]{12}\) of m:v1: passed" "$SCRATCH/err" ||
    fail "validate names its record: $(cat "$SCRATCH/err")"
expect_exit 0 mlci validate "$run" --require 'accuracy>=0.9'
grep -qE "validation sha256:[0-9a-f]{64} of m:v1: passed" "$SCRATCH/err" ||
    fail "an untagged validation: $(cat "$SCRATCH/err")"
pass
