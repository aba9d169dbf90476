# mlci status: data pointers and whether the workspace matches, the run
# cache for the current state, runs awaiting validation, what each
# environment runs; and --json.
source "$(dirname "$0")/lib.sh"

json() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

expect_exit 0 mlci status --help
expect_in "$SCRATCH/out" "validation"

# The project in a folder of its own: expect_exit writes $SCRATCH/out and err.
mkdir proj && cd proj
cp -r "$MLCI_SOURCE_DIR/share/examples/iris/." .
/usr/bin/python3 scripts/export_data.py
git init -q . && echo ".mlci/" >> .git/info/exclude
mlci init >/dev/null 2>&1

# Nothing versioned yet: the dataset of mlci.yaml says how to version it.
expect_exit 0 mlci status
expect_in "$SCRATCH/out" "not versioned ('mlci data-version add data/iris.csv')"
expect_in "$SCRATCH/out" "awaiting validation: none"
expect_in "$SCRATCH/out" "environments: none deployed"

mlci data-version add data/iris.csv >/dev/null 2>&1
git add -A && git commit -qm init
expect_exit 0 mlci status
grep -q "^  iris *data/iris.csv.mlci *iris:v1 *up to date$" "$SCRATCH/out" ||
    fail "data line: $(cat "$SCRATCH/out")"
expect_in "$SCRATCH/out" "train iris-classifier: not cached: 'mlci train' would run"

# A run: now cached, and awaiting validation.
run=$(mlci train 2>/dev/null)
expect_eq "$run" "iris-classifier:v1" "the run"
expect_exit 0 mlci status
expect_in "$SCRATCH/out" "train iris-classifier: cached: 'mlci train' restores iris-classifier:v1"
expect_in "$SCRATCH/out" "awaiting validation: 1 run"
grep -q "^  iris-classifier:v1 " "$SCRATCH/out" || fail "awaiting run: $(cat "$SCRATCH/out")"
# A change of params is a miss.
sed -i 's/^n_estimators: .*/n_estimators: 7/' params.yaml
expect_exit 0 mlci status
expect_in "$SCRATCH/out" "not cached"
git checkout -q params.yaml

# Validated: no longer awaiting. Deployed: the environment runs its package.
mlci validate "$run" >/dev/null 2>&1
pkg=$(mlci package "$run" 2>/dev/null)
mlci deploy "$pkg" --env staging >/dev/null 2>&1 || fail "deploy"
expect_exit 0 mlci status
expect_in "$SCRATCH/out" "awaiting validation: none"
grep -q "^  staging *$pkg *deploy-staging:v1 " "$SCRATCH/out" || fail "environment: $(cat "$SCRATCH/out")"

# The data changes: the pointer no longer matches.
echo "5.0,3.0,1.5,0.2,setosa" >> data/iris.csv
expect_exit 0 mlci status
expect_in "$SCRATCH/out" "1 file changed ('mlci data-version status data/iris.csv.mlci')"

# From a subfolder, the same project; --json has it all.
mkdir -p sub && cd sub
expect_exit 0 mlci --json status
cp "$SCRATCH/out" "$SCRATCH/status.json"
expect_eq "$(json "$SCRATCH/status.json" "d['datasets'][0]['version']")" "iris:v1" "json version"
expect_eq "$(json "$SCRATCH/status.json" "d['datasets'][0]['clean']")" "False" "json clean"
expect_eq "$(json "$SCRATCH/status.json" "d['datasets'][0]['pointer']")" "data/iris.csv.mlci" "json pointer"
# train reads the version the pointer records (iris:v1), not the changed file: still a hit.
expect_eq "$(json "$SCRATCH/status.json" "d['train']['cache']")" "hit" "json cache"
expect_eq "$(json "$SCRATCH/status.json" "d['awaiting_validation']")" "[]" "json awaiting"
expect_eq "$(json "$SCRATCH/status.json" "d['environments'][0]['environment']")" "staging" "json env"
expect_eq "$(json "$SCRATCH/status.json" "d['environments'][0]['package']")" "$pkg" "json package"
pass
