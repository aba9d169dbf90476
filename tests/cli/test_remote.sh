# mlci remote, and push / pull / data-version checkout through the default
# remote, against a real registry: names survive the round trip, and a fresh
# clone checks out a pointer file without pulling by hand.
source "$(dirname "$0")/lib.sh"
source "$MLCI_SOURCE_DIR/tests/cli/registry_fixture.sh"

export HOME="$SCRATCH/home"
mkdir -p "$HOME"
unset MLCI_REGISTRY_USER MLCI_REGISTRY_PASSWORD CI_REGISTRY CI_REGISTRY_USER CI_REGISTRY_PASSWORD \
    DOCKER_CONFIG XDG_CONFIG_HOME MLCI_AUTH_FILE
json() { /usr/bin/python3 -c "import json,sys; d=json.load(open('$SCRATCH/out')); print($1)"; }

start_registry open

# --- a project with two versions of a dataset ----------------------------------
git init -q project && cd project
mlci init -q >/dev/null
mkdir data
/usr/bin/python3 -c '
import random
random.seed(3)
with open("data/iris.csv", "w") as f:
    f.write("a,b,species\n")
    for i in range(300):
        f.write(f"{random.random():.4f},{random.random():.4f},s{i % 3}\n")
'
head -c 2000000 /dev/urandom >data/big.bin # chunked (1 MiB or more)
expect_exit 0 mlci data-version add data --name iris-data
echo "1,2,s0" >>data/iris.csv
expect_exit 0 mlci data-version add data --name iris-data
expect_eq "$(cat "$SCRATCH/out")" "iris-data:v2" "second version"
cp -r data "$SCRATCH/data-v2"

# --- no remote yet: push without a destination says how to add one ------------
expect_exit 2 mlci push iris-data:v2
expect_in "$SCRATCH/err" "mlci remote add origin HOST/REPO -d"
expect_exit 2 mlci pull iris-data:v2
expect_in "$SCRATCH/err" "mlci remote add origin"
expect_exit 0 mlci remote list
expect_eq "$(cat "$SCRATCH/out")" "" "no remotes"

# --- remote add / list / default / remove ---------------------------------------
expect_exit 2 mlci remote add Origin "$REG_OPEN/team"
expect_in "$SCRATCH/err" "invalid remote name 'Origin'"
expect_exit 2 mlci remote add origin not-a-registry
expect_in "$SCRATCH/err" "not-a-registry"
expect_exit 2 mlci remote add origin "$REG_OPEN/team:v1"
expect_exit 2 mlci remote add origin "$REG_OPEN/Team"
[[ ! -e .mlci/mlci/remotes.json ]] || fail "a refused add wrote remotes.json"

expect_exit 0 mlci remote add origin "$REG_OPEN/team" --plain-http
expect_exit 0 mlci remote add files "oci:$SCRATCH/layout"
expect_exit 2 mlci remote add origin "$REG_OPEN/other"
expect_in "$SCRATCH/err" "remote 'origin' already exists"
expect_exit 0 mlci remote list
expect_in "$SCRATCH/out" "origin"
grep -E "^origin +$REG_OPEN/team \(default\)" "$SCRATCH/out" >/dev/null ||
    fail "origin is not listed as the default: $(cat "$SCRATCH/out")"
grep -E "^files +oci:$SCRATCH/layout$" "$SCRATCH/out" >/dev/null ||
    fail "files is not listed plainly: $(cat "$SCRATCH/out")"
expect_exit 0 mlci --json remote list
expect_eq "$(json '[r["name"] for r in d if r["default"]]')" "['origin']" "default in --json"
expect_eq "$(json '[r["plain_http"] for r in d if r["name"] == "origin"]')" "[True]" "plain_http kept"

expect_exit 0 mlci remote default files
expect_exit 0 mlci --json remote list
expect_eq "$(json '[r["name"] for r in d if r["default"]]')" "['files']" "default moved"
expect_exit 2 mlci remote default nope
expect_exit 0 mlci remote remove files
expect_exit 2 mlci remote remove files
expect_exit 0 mlci --json remote list
expect_eq "$(json '[r["name"] for r in d]')" "['origin']" "after remove"
expect_eq "$(json '[r["name"] for r in d if r["default"]]')" "[]" "no default after removing it"
# No default: push says how to pick one.
expect_exit 2 mlci push iris-data:v2
expect_in "$SCRATCH/err" "mlci remote default origin"
expect_exit 0 mlci remote default origin

# --- push with no destination: <remote>/NAME:TAG ---------------------------------
expect_exit 0 mlci push iris-data:v1
expect_in "$SCRATCH/out" "$REG_OPEN/team/iris-data:v1@sha256:"
expect_exit 0 mlci push iris-data:v2
expect_in "$SCRATCH/out" "$REG_OPEN/team/iris-data:v2@sha256:"
tags=$(curl -sf "http://$REG_OPEN/v2/team/iris-data/tags/list")
[[ $tags == *'"v1"'* && $tags == *'"v2"'* ]] || fail "registry tags: $tags"
# --tag pushes under another remote tag; --remote and DEST exclude each other.
expect_exit 0 mlci push iris-data:v2 --tag v2-ci
curl -sf "http://$REG_OPEN/v2/team/iris-data/tags/list" | grep -q '"v2-ci"' || fail "--tag not pushed"
expect_exit 2 mlci push iris-data:v2 "$REG_OPEN/x" --remote origin
expect_exit 2 mlci push iris-data:v2 --remote nope
expect_in "$SCRATCH/err" "no such remote 'nope'"

# --- pull into a fresh store keeps the name ----------------------------------------
cd "$SCRATCH"
mkdir fresh && cd fresh
mlci init -q >/dev/null
expect_exit 0 mlci remote add origin "$REG_OPEN/team" --plain-http
expect_exit 0 mlci pull iris-data:v1
expect_eq "$(cat "$SCRATCH/out")" "iris-data:v1" "pulled by NAME:TAG"
expect_exit 0 mlci data-version list
expect_in "$SCRATCH/out" "iris-data"
expect_in "$SCRATCH/out" "iris-data:v1"
# A full source keeps the artifact's own name too, not the repository's.
(cd "$SCRATCH/project" && mlci push iris-data:v2 "$REG_OPEN/shared/stuff:v2" --plain-http >/dev/null 2>&1) ||
    fail "push to an explicit destination"
expect_exit 0 mlci --store "$SCRATCH/other" init
expect_exit 0 mlci --store "$SCRATCH/other" pull "$REG_OPEN/shared/stuff:v2" --plain-http
expect_eq "$(cat "$SCRATCH/out")" "iris-data:v2" "pulled from another repository"
expect_exit 0 mlci --store "$SCRATCH/other" remote add origin "$REG_OPEN/team" --plain-http
expect_exit 0 mlci --store "$SCRATCH/other" pull iris-data:v1 --tag flowers:prod
expect_eq "$(cat "$SCRATCH/out")" "flowers:prod" "--tag wins"
expect_exit 0 mlci pull iris-data:v2
expect_exit 0 mlci --json data-version list
expect_eq "$(json '[(x["name"], x["latest"], x["versions"]) for x in d]')" \
    "[('iris-data', 'iris-data:v2', 2)]" "data-version list after pulls"
expect_exit 0 mlci data-version log iris-data
expect_in "$SCRATCH/out" "iris-data:v2"

# --- a fresh clone checks out a pointer file from the default remote -----------------
cd "$SCRATCH/project"
git add data.mlci .gitignore && git commit -qm "data v2"
cd "$SCRATCH"
git clone -q project clone && cd clone
[[ ! -e data ]] || fail "the data is in git"
mlci init -q >/dev/null
# Without a remote: today's message, saying how to add one.
expect_exit 2 mlci data-version checkout data.mlci
expect_in "$SCRATCH/err" "mlci remote add origin HOST/REPO -d"
expect_exit 0 mlci remote add origin "$REG_OPEN/team" --plain-http
expect_exit 0 mlci data-version checkout data.mlci
expect_in "$SCRATCH/err" "pulling iris-data:v2 from remote 'origin'"
diff -r "$SCRATCH/data-v2" data || fail "the checkout is not byte-identical"
expect_exit 0 mlci data-version status
expect_in "$SCRATCH/err" "data: clean"
expect_exit 0 mlci data-version list
expect_in "$SCRATCH/out" "iris-data:v2"
# A version by NAME:TAG the store lacks comes from the remote too.
expect_exit 0 mlci data-version checkout iris-data:v1
expect_in "$SCRATCH/err" "pulling iris-data:v1 from remote 'origin'"
expect_exit 0 mlci data-version checkout iris-data:v2
expect_not_in "$SCRATCH/err" "pulling"
diff -r "$SCRATCH/data-v2" data || fail "back at v2 is not byte-identical"

# --- mlci.yaml's remotes (an oci: layout, relative to the project) --------------------
cd "$SCRATCH/project"
cat >mlci.yaml <<YAML
remotes:
  shared: {url: 'oci:layout', default: true}
YAML
expect_exit 0 mlci remote list
expect_in "$SCRATCH/out" "origin"
expect_in "$SCRATCH/out" "shared"
expect_in "$SCRATCH/out" "(mlci.yaml)"
expect_exit 0 mlci push iris-data:v2 --remote shared
expect_in "$SCRATCH/out" "oci:$SCRATCH/project/layout:iris-data:v2@sha256:"
cd "$SCRATCH" && mkdir yaml-clone && cp project/mlci.yaml yaml-clone/ && cd yaml-clone
mlci init -q >/dev/null
expect_exit 0 mlci --json remote list
expect_eq "$(json '[(r["name"], r["default"], r["source"]) for r in d]')" \
    "[('shared', True, 'mlci.yaml')]" "mlci.yaml remote in a fresh store"
expect_exit 2 mlci remote remove shared
expect_in "$SCRATCH/err" "mlci.yaml"
# Without --tag, a layout's pull keeps the name as well.
sed -i "s|oci:layout|oci:$SCRATCH/project/layout|" mlci.yaml
expect_exit 0 mlci pull iris-data:v2
expect_eq "$(cat "$SCRATCH/out")" "iris-data:v2" "pulled from mlci.yaml's layout remote"
pass
