# mlci train on the iris example: records, the run cache, params, data and
# code changes, failures, the command's environment, log/metrics diff/lineage.
source "$(dirname "$0")/lib.sh"

# The example project in git, its data exported and versioned.
cp -r "$MLCI_SOURCE_DIR/share/examples/iris" iris && cd iris
/usr/bin/python3 scripts/export_data.py
git init -q . && echo ".mlci/" >> .git/info/exclude
mlci init >/dev/null 2>&1
mlci data-version add data/iris.csv >/dev/null 2>&1
git add -A && git commit -qm init

# Help works inside and outside a store.
expect_exit 0 mlci train --help
expect_in "$SCRATCH/out" "--grid"
(cd "$SCRATCH" && expect_exit 0 mlci help train)
expect_in "$SCRATCH/out" "Run cache"

json() { # json FILE EXPR: evaluates a Python expression over the JSON document `d`
    /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}

# The train section of mlci.yaml: one line in CI.
expect_exit 0 mlci train
expect_eq "$(cat "$SCRATCH/out")" "iris-classifier:v1" "first run"
expect_in "$SCRATCH/err" "accuracy"   # the command's own output, on stderr
[[ -f model.pkl && -f metrics.json ]] || fail "outputs not written"
cp model.pkl "$SCRATCH/model-v1.pkl"

# The run record keeps the contract.
expect_exit 0 mlci --json show iris-classifier:v1
cp "$SCRATCH/out" "$SCRATCH/show.json"
rec() { json "$SCRATCH/show.json" "d['config']$1"; }
man() { json "$SCRATCH/show.json" "d['manifest']$1"; }
expect_eq "$(man "['artifactType']")" "application/vnd.mlci.run.v1" "artifactType"
expect_eq "$(rec "['kind']")" "run" "kind"
expect_eq "$(rec "['status']")" "succeeded" "status"
expect_eq "$(rec "['exit_code']")" "0" "exit_code"
expect_eq "$(rec "['command']")" "['/usr/bin/python3', 'src/train.py', 'data/iris.csv']" "command"
expect_eq "$(rec "['params']['n_estimators']")" "50" "params"
expect_eq "$(rec "['params']['test_size']")" "0.3" "typed params"
expect_eq "$(rec "['inputs'][0]['name']")" "iris" "input name"
expect_eq "$(rec "['inputs'][0]['reference']")" "iris:v1" "input reference"
dataset=$(mlci --json show iris:v1 | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])')
expect_eq "$(rec "['inputs'][0]['digest']")" "$dataset" "input digest"
expect_eq "$(rec "['code']['commit']")" "$(git rev-parse HEAD)" "code commit"
expect_eq "$(rec "['code']['dirty']")" "False" "code dirty"
expect_eq "$(rec "['metrics']['train.rows']")" "105.0" "flattened metrics"
expect_eq "$(rec "['outputs'][0]['path']")" "model.pkl" "outputs"
expect_eq "$(rec "['environment']['python']['version'] > '3'")" "True" "python version"
expect_eq "$(rec "['max_rss_bytes'] > 10_000_000")" "True" "peak memory"
expect_eq "$(rec "['cache']['key'].startswith('sha256:')")" "True" "cache key"
expect_eq "$(man "['annotations']['dev.mlci.metric.accuracy']")" "$(rec "['metrics']['accuracy']")" \
    "metric annotation"
expect_eq "$(man "['annotations']['dev.mlci.lineage.inputs']")" "$dataset" "lineage annotation"
expect_eq "$(man "['annotations']['dev.mlci.status']")" "succeeded" "status annotation"
expect_eq "$(man "['annotations']['org.opencontainers.image.revision']")" "$(git rev-parse HEAD)" \
    "revision annotation"
expect_eq "$(man "[\"layers\"][1][\"annotations\"][\"org.opencontainers.image.title\"]")" "log" "log layer"
# No secrets: the environment is not recorded wholesale.
SECRET_TOKEN=hunter2 expect_exit 0 mlci train --force -n secret-check
expect_exit 0 mlci --json show secret-check:v1
expect_not_in "$SCRATCH/out" "hunter2"

# The same again is a cache hit: the earlier reference, nothing new recorded.
expect_exit 0 mlci train
expect_eq "$(cat "$SCRATCH/out")" "iris-classifier:v1" "cache hit"
expect_in "$SCRATCH/err" "reused"
expect_not_in "$SCRATCH/err" "  f1_macro"   # the command (it prints two spaces) did not run

# A counting command shows that a hit does not run it, and that deleted
# outputs come back byte for byte.
counted=(-i iris -o model.pkl --metrics metrics.json -n counted --
    sh -c 'echo run >> "$COUNTER"; exec /usr/bin/python3 src/train.py data/iris.csv')
export COUNTER="$SCRATCH/counter"
expect_exit 0 mlci train "${counted[@]}"
expect_eq "$(cat "$SCRATCH/out")" "counted:v1" "counted run"
cp model.pkl "$SCRATCH/model.pkl" && cp metrics.json "$SCRATCH/metrics.json"
rm model.pkl metrics.json
expect_exit 0 mlci train "${counted[@]}"
expect_eq "$(cat "$SCRATCH/out")" "counted:v1" "counted hit"
expect_eq "$(wc -l < "$COUNTER")" "1" "runs of the command"
cmp model.pkl "$SCRATCH/model.pkl" || fail "model.pkl not restored byte for byte"
cmp metrics.json "$SCRATCH/metrics.json" || fail "metrics.json not restored"
echo garbage > model.pkl
expect_exit 0 mlci train "${counted[@]}"
cmp model.pkl "$SCRATCH/model.pkl" || fail "a changed output not restored"
expect_eq "$(wc -l < "$COUNTER")" "1" "runs of the command"
# --force runs it anyway.
expect_exit 0 mlci train --force "${counted[@]}"
expect_eq "$(cat "$SCRATCH/out")" "counted:v2" "forced run"
expect_eq "$(wc -l < "$COUNTER")" "2" "runs of the command"

# A changed param, data or code is a miss.
expect_exit 0 mlci train -p max_depth=2 "${counted[@]}"
expect_eq "$(cat "$SCRATCH/out")" "counted:v3" "changed param"
expect_eq "$(wc -l < "$COUNTER")" "3" "runs after a param change"
expect_exit 0 mlci --json show counted:v3
expect_eq "$(json "$SCRATCH/out" "d['config']['params']['max_depth']")" "2" "typed override"
expect_exit 0 mlci train -p max_depth=2 "${counted[@]}"
expect_eq "$(wc -l < "$COUNTER")" "3" "same param again is a hit"

/usr/bin/python3 scripts/export_data.py --perturb
expect_exit 0 mlci data-version add data/iris.csv
expect_eq "$(cat "$SCRATCH/out")" "iris:v2" "new data version"
expect_exit 0 mlci train -p max_depth=2 "${counted[@]}"
expect_eq "$(wc -l < "$COUNTER")" "4" "runs after a data change"
expect_exit 0 mlci --json show counted:latest
expect_eq "$(json "$SCRATCH/out" "d['config']['inputs'][0]['reference']")" "iris:v2" "new input"

echo "# tuning" >> src/train.py
expect_exit 0 mlci train -p max_depth=2 "${counted[@]}"
expect_eq "$(wc -l < "$COUNTER")" "5" "runs after a code change"
expect_exit 0 mlci --json show counted:latest
expect_eq "$(json "$SCRATCH/out" "d['config']['code']['dirty']")" "True" "dirty code"
expect_eq "$(json "$SCRATCH/out" "d['config']['code']['diff_digest'].startswith('sha256:')")" \
    "True" "diff digest"
git checkout -q src/train.py
expect_exit 0 mlci train -p max_depth=2 "${counted[@]}"
expect_eq "$(wc -l < "$COUNTER")" "5" "the committed code again is a hit"

# A data change that is not versioned refuses the run.
echo "5.0,3.0,1.0,0.2,setosa" >> data/iris.csv
expect_exit 2 mlci train
expect_in "$SCRATCH/err" "data/iris.csv"
expect_in "$SCRATCH/err" "mlci data-version add"
# A missing input file is restored from the store.
rm data/iris.csv
expect_exit 0 mlci train -p max_depth=3
expect_in "$SCRATCH/err" "restored"
expect_eq "$(mlci data-version status >/dev/null 2>&1; echo $?)" "0" "data restored"

# The command's environment.
expect_exit 0 mlci train -i iris -n envcheck -- sh -c 'env | grep ^MLCI_ > env.txt; cat "$MLCI_PARAMS" > params.txt'
expect_in env.txt "MLCI_INPUT_IRIS=$PWD/data/iris.csv"
expect_in env.txt "MLCI_RUN_ID="
expect_in env.txt '"reference":"iris:v2"'
expect_eq "$(json params.txt "d['n_estimators'] + 1")" "51" "MLCI_PARAMS is typed JSON"

# A failing command is recorded as failed, exits 1, and leaves the outputs as they were.
cp model.pkl "$SCRATCH/before-fail.pkl"
expect_exit 1 mlci train -o model.pkl -n failing -- sh -c 'echo partial > model.pkl; echo boom >&2; exit 4'
expect_eq "$(cat "$SCRATCH/out")" "failing:v1" "failed run reference"
expect_in "$SCRATCH/err" "boom"
expect_in "$SCRATCH/err" "failed"
cmp model.pkl "$SCRATCH/before-fail.pkl" || fail "a failed run changed model.pkl"
expect_exit 0 mlci --json show failing:v1
expect_eq "$(json "$SCRATCH/out" "d['config']['status'], d['config']['exit_code']")" "failed 4" \
    "failed record"
# ...and so is a command that exits 0 without writing its declared output.
expect_exit 1 mlci train -o missing.bin -n no-output -- true
expect_in "$SCRATCH/err" "missing.bin"
# A failed run is never a cache hit.
expect_exit 1 mlci train -o model.pkl -n failing -- sh -c 'echo partial > model.pkl; echo boom >&2; exit 4'
expect_eq "$(cat "$SCRATCH/out")" "failing:v2" "failed runs are not reused"

# Usage and environment errors: nothing is recorded.
expect_exit 3 mlci train -n nope -- no-such-program-mlci
expect_in "$SCRATCH/err" "not found"
expect_exit 2 mlci train -i no-such-dataset -- true
expect_in "$SCRATCH/err" "no-such-dataset"
expect_exit 2 mlci train -p novalue -- true
expect_exit 2 mlci train --select accuracy:best --grid a=1,2 -- true
expect_exit 0 mlci log nope
expect_eq "$(cat "$SCRATCH/out")" "" "nothing recorded for a missing program"
cp mlci.yaml "$SCRATCH/mlci.yaml"
printf 'train:\n  command: [python3, x.py]\n  outputs: model.pkl\n  bogus: 1\n' > mlci.yaml
expect_exit 2 mlci train
expect_in "$SCRATCH/err" "mlci.yaml:"
printf 'train:\n  command: [python3\n  outputs: [a]\n' > mlci.yaml
expect_exit 2 mlci train
expect_in "$SCRATCH/err" "mlci.yaml:3"
cp "$SCRATCH/mlci.yaml" mlci.yaml

# log: a table of runs, or JSON.
expect_exit 0 mlci log iris-classifier
expect_in "$SCRATCH/out" "iris-classifier:v1"
expect_in "$SCRATCH/out" "accuracy"
expect_exit 0 mlci log --metric accuracy
expect_in "$SCRATCH/out" "counted:v3"
grep -qE '^failing:v1 +failed ' "$SCRATCH/out" || fail "failed run not listed as failed"
expect_not_in "$SCRATCH/out" "f1_macro"
expect_exit 0 mlci --json log counted
expect_eq "$(json "$SCRATCH/out" "len(d), d[0]['reference'], d[-1]['reference']")" \
    "5 counted:v5 counted:v1" "log order"

# metrics diff: the previous run of the name by default, or two runs.
expect_exit 0 mlci metrics diff counted:v3
expect_in "$SCRATCH/out" "counted:v2"
expect_in "$SCRATCH/out" "accuracy"
expect_in "$SCRATCH/out" "max_depth"
expect_exit 0 mlci --json metrics diff counted:v2 counted:v3
expect_eq "$(json "$SCRATCH/out" "[p['new'] for p in d['params'] if p['param']=='max_depth']")" \
    "[2]" "param diff"
expect_eq "$(json "$SCRATCH/out" "sorted(m['metric'] for m in d['metrics'])")" \
    "['accuracy', 'f1_macro', 'test.rows', 'train.rows']" "metric diff"
expect_exit 2 mlci metrics diff counted:v1
expect_in "$SCRATCH/err" "first run"
expect_exit 2 mlci metrics diff iris:v1 counted:v1

# lineage: from data and code to the run, and from the data on to its runs.
expect_exit 0 mlci lineage counted:v1
expect_in "$SCRATCH/out" "counted:v1  (run, succeeded)"
expect_in "$SCRATCH/out" "iris:v1  (dataset)"
expect_in "$SCRATCH/out" "[inputs]"
expect_in "$SCRATCH/out" "(code"
expect_exit 0 mlci lineage iris:v2
expect_in "$SCRATCH/out" "counted:v4"
expect_not_in "$SCRATCH/out" "counted:v1 "
expect_exit 0 mlci --json lineage iris:v1
expect_eq "$(json "$SCRATCH/out" "d['root'] == '$dataset' and any(e['relation']=='inputs' for e in d['edges'])")" \
    "True" "lineage json"

# The store is whole after all that.
expect_exit 0 mlci verify
pass
