# Partial pulls: `pull --path` fetches the data of the selected files only,
# `data-version checkout REF PATH...` restores just those, a path whose data
# is not in the store fails with exit 3 and the pull that fetches it, and the
# store stays whole for verify and gc. Against the real registry.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/registry_fixture.sh"

# json_field FILE KEY: a value from mlci's --json output.
json_field() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

git init -q project && cd project
git commit -q --allow-empty -m init
mlci init -q >/dev/null
mkdir -p data/val
head -c 24M /dev/urandom >data/big.bin
for i in $(seq 50); do echo "row $i" >"data/small-$i.txt"; done
echo "validation image" >data/val/a.txt
echo "another one" >data/val/b.txt
expect_exit 0 mlci data-version add data
(cd data && sha256sum big.bin small-7.txt val/a.txt val/b.txt) >"$SCRATCH/v1.sum"

start_registry open
expect_exit 0 mlci push data:v1 "$REG_OPEN/partial:v1" --plain-http

# --- one small file's path into an empty store receives at most 1 MiB -------
mkdir "$SCRATCH/clone" && cd "$SCRATCH/clone"
git init -q && mlci init -q >/dev/null
expect_exit 0 mlci pull "$REG_OPEN/partial:v1" --plain-http --path data/small-7.txt --json
received=$(json_field "$SCRATCH/out" bytes_downloaded)
((received <= 1048576)) || fail "pulling one small file's path received $received bytes"
expect_eq "$(json_field "$SCRATCH/out" files_selected)" "1" "files selected"
expect_eq "$(json_field "$SCRATCH/out" files)" "53" "files in the version"
expect_eq "$(json_field "$SCRATCH/out" reference)" "data:v1" "tagged under its own name"

# The store is whole as far as verify and gc are concerned.
expect_exit 0 mlci verify
expect_exit 0 mlci gc --grace 0s
expect_exit 0 mlci verify

# checkout REF PATH restores just that file; the pointer file is not written.
expect_exit 0 mlci data-version checkout data:v1 data/small-7.txt
(cd data && sha256sum -c --quiet <(grep small-7 "$SCRATCH/v1.sum")) || fail "small-7.txt differs"
[[ ! -e data/big.bin && ! -e data/small-8.txt ]] || fail "checkout PATH wrote other files"
[[ ! -e data.mlci ]] || fail "checkout PATH wrote a pointer file"

# A path whose data is not here: exit 3, nothing written, and the pull to run.
expect_exit 3 mlci data-version checkout data:v1 data/big.bin
expect_in "$SCRATCH/err" "pulled in part"
expect_in "$SCRATCH/err" "mlci pull data:v1 --path data/big.bin"
[[ ! -e data/big.bin ]] || fail "a failed checkout left data/big.bin"
# The whole version: exit 3 too, and the workspace is unchanged.
expect_exit 3 mlci data-version checkout data:v1
[[ ! -e data/small-8.txt ]] || fail "a failed checkout wrote files"
# A path that is not in the version is a usage error.
expect_exit 2 mlci data-version checkout data:v1 data/nothing-here.txt
expect_in "$SCRATCH/err" "names no file"
expect_exit 2 mlci pull "$REG_OPEN/partial:v1" --plain-http --path 'nothing/*'
expect_in "$SCRATCH/err" "matches --path"

# A version pulled in part is not pushed on.
expect_exit 3 mlci push data:v1 "$REG_OPEN/copy:v1" --plain-http
expect_in "$SCRATCH/err" "pulled in part"

# A folder and a glob: the chunked big file and the val folder.
expect_exit 0 mlci pull "$REG_OPEN/partial:v1" --plain-http --path 'data/*.bin' --path data/val
expect_exit 0 mlci data-version checkout data:v1 data/big.bin data/val
(cd data && sha256sum -c --quiet <(grep -v small "$SCRATCH/v1.sum")) || fail "big.bin or val/ differ"
[[ ! -e data/small-8.txt ]] || fail "checkout PATH wrote other files"
expect_exit 0 mlci verify

# A pull without --path completes it: checkout of the whole version works,
# and the version can be pushed again.
expect_exit 0 mlci pull "$REG_OPEN/partial:v1" --plain-http
expect_exit 0 mlci data-version checkout data:v1
(cd data && sha256sum -c --quiet "$SCRATCH/v1.sum") || fail "the whole version differs"
[[ -f data.mlci ]] || fail "a whole checkout writes the pointer file"
expect_exit 0 mlci push data:v1 "$REG_OPEN/copy:v1" --plain-http
expect_exit 0 mlci verify

# --- kill -9 in the middle of a pull --path leaves a store that verifies ----
# (the pull takes about 0.1 s on a quiet machine: the kills span it)
mkdir "$SCRATCH/killed" && cd "$SCRATCH/killed"
git init -q && mlci init -q >/dev/null
for delay in 0.005 0.02 0.04 0.06 0.08 0.12; do
    "$MLCI" pull "$REG_OPEN/partial:v1" --plain-http --path 'data/*.bin' >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    mlci verify >verify.out 2>&1 || { cat verify.out >&2; fail "the store does not verify after killing pull --path at ${delay}s"; }
done
expect_exit 0 mlci pull "$REG_OPEN/partial:v1" --plain-http --path 'data/*.bin'
expect_exit 0 mlci data-version checkout data:v1 data/big.bin
(cd data && sha256sum -c --quiet <(grep big.bin "$SCRATCH/v1.sum")) || fail "big.bin differs after killed pulls"
expect_exit 0 mlci verify
cd "$SCRATCH/clone"

# --- checkout PATH with a default remote fetches just those files -----------
(cd "$SCRATCH/project" && mlci remote add origin "$REG_OPEN/team" --plain-http >/dev/null &&
    mlci push data:v1 >/dev/null 2>&1) || fail "pushing data:v1 to the default remote"
mkdir "$SCRATCH/fresh" && cd "$SCRATCH/fresh"
git init -q && mlci init -q >/dev/null
expect_exit 0 mlci remote add origin "$REG_OPEN/team" --plain-http
expect_exit 0 mlci data-version checkout data:v1 data/val/a.txt
expect_in "$SCRATCH/err" "the paths to check out"
(cd data && sha256sum -c --quiet <(grep val/a "$SCRATCH/v1.sum")) || fail "val/a.txt differs"
[[ ! -e data/big.bin && ! -e data/val/b.txt ]] || fail "the fetch brought other files"
expect_exit 0 mlci verify

pass
