# The GitLab CI template, run for real by gitlab-ci-local (shell executor) on
# the iris example: every job passes, both ways of passing artifacts (job
# artifacts, and a real registry); with weakened params validate fails and
# nothing is deployed; a sweep spreads over a 'parallel:' job and its select
# job runs nothing.
source "$(dirname "$0")/lib.sh"
source "$MLCI_SOURCE_DIR/tests/cli/registry_fixture.sh"
command -v gitlab-ci-local >/dev/null || fail "gitlab-ci-local is not installed (share/scripts/install-deps.sh installs it)"
export PATH="$(dirname "$MLCI"):$PATH"

# project NAME: a git repository of the example with the template as its CI.
project() {
    mkdir "$1" && cp -r "$MLCI_SOURCE_DIR/share/examples/iris/." "$1/"
    cp "$MLCI_SOURCE_DIR/share/ci/gitlab-ci.yml" "$1/.gitlab-ci.yml"
    (cd "$1" && git init -q -b main && git add -A && git commit -qm example)
    # The pipeline's log is written beside the code while jobs run: not code.
    echo pipeline.log >> "$1/.git/info/exclude"
}
# run_pipeline DIR VAR=VALUE...: the pipeline's output in DIR/pipeline.log
run_pipeline() {
    local dir=$1
    shift
    local args=(--shell-executor-no-image --no-color
        --variable "MLCI_DATA_PREPARE=/usr/bin/python3 scripts/export_data.py"
        --variable "CI_REGISTRY_IMAGE=$REG_OPEN/team/iris" --variable MLCI_REGISTRY_FLAGS=--plain-http)
    for v in "$@"; do args+=(--variable "$v"); done
    (cd "$dir" && gitlab-ci-local "${args[@]}" >pipeline.log 2>&1)
}

start_registry open

# 1. artifacts mode: the whole pipeline passes, pushes the image to the
# registry and deploys to staging.
project artifacts
run_pipeline artifacts || { cat artifacts/pipeline.log >&2; fail "the pipeline failed"; }
for job in data test train validate package push deploy; do
    expect_in artifacts/pipeline.log " PASS  $job"
done
expect_in artifacts/pipeline.log "deployed iris-image:v1 to staging"
[[ -f artifacts/deploy/staging/current/model/model.pkl ]] || fail "nothing deployed"
[[ -f artifacts/reports/junit.xml && -f artifacts/reports/validate.xml ]] || fail "no JUnit reports"
xmllint --noout artifacts/reports/junit.xml artifacts/reports/validate.xml
expect_not_in artifacts/pipeline.log " FAIL "

# 2. registry mode: each job has an empty store and pulls what earlier jobs
# pushed to a real registry; push sends the image there too.
project registry
run_pipeline registry MLCI_SHARE=registry || { cat registry/pipeline.log >&2; fail "the registry pipeline failed"; }
for job in data test train validate package push deploy; do
    expect_in registry/pipeline.log " PASS  $job"
done
[[ -d registry/.mlci-jobs/deploy && -d registry/.mlci-jobs/train ]] || fail "jobs did not use stores of their own"
# Shared through the remote as NAME:TAG-<pipeline id>, one repository a name.
for name in iris-classifier iris-image; do
    tags=$(curl -sf "http://$REG_OPEN/v2/team/iris/mlci/$name/tags/list")
    [[ $tags == *'"v1-'* ]] || fail "registry tags of $name: $tags"
done
expect_in registry/pipeline.log "pulled"
curl -sf "http://$REG_OPEN/v2/team/iris/mlci/image/tags/list" | grep -q '"tags"' || fail "the image was not pushed"
[[ -f registry/deploy/staging/current/model/model.pkl ]] || fail "nothing deployed in registry mode"

# 3. a weakened model: validate fails the pipeline and no deploy job runs.
project weak
if run_pipeline weak MLCI_PARAMS_FILE=params-weak.yaml; then
    cat weak/pipeline.log >&2
    fail "the pipeline passed with a weakened model"
fi
expect_in weak/pipeline.log " FAIL  validate"
expect_not_in weak/pipeline.log "deploy starting"
[[ ! -e weak/deploy/staging/current ]] || fail "a weakened model was deployed"

# 4. a sweep (MLCI_SWEEP) in registry mode, so that every job has a store
# of its own, as on separate runners: train-shard runs in 3 parallel jobs,
# one trial each (--shard auto from CI_NODE_INDEX/CI_NODE_TOTAL), and pushes
# its run to the registry's run cache; select runs the same sweep from an
# empty store, finds every trial there, runs none, and hands the best to
# validate.
project sweep
run_pipeline sweep MLCI_SHARE=registry "MLCI_SWEEP=--grid max_depth=1,3,5" ||
    { cat sweep/pipeline.log >&2; fail "the sweep pipeline failed"; }
for job in data test "train-shard: \[1/3\]" "train-shard: \[2/3\]" "train-shard: \[3/3\]" select validate package push deploy; do
    grep -qE " PASS  $job" sweep/pipeline.log || fail "job $job did not pass"
done
expect_not_in sweep/pipeline.log " PASS  train "
expect_in sweep/pipeline.log "shard 2/3: 1 of the sweep's 3 trial(s)"
expect_in sweep/pipeline.log "[2/3] max_depth=3"
# Each trial ran once, in its own shard's job and store: one run recorded
# per shard, the three values between them.
for i in 1 2 3; do
    (cd sweep && MLCI_STORE=".mlci-jobs/train-shard: [$i/3]" mlci --json log iris-classifier) > "$SCRATCH/shard-$i.json" ||
        fail "no store for shard $i"
done
expect_eq "$(/usr/bin/python3 -c 'import json,sys; print(sorted(r["params"]["max_depth"] for f in sys.argv[1:] for r in json.load(open(f))))' "$SCRATCH"/shard-*.json)" \
    "[1, 3, 5]" "trials recorded across the shards"
# The trials reached select through the registry: select, starting from an
# empty store, took all three from the run cache there and ran none.
expect_eq "$(grep -E '^select +> ' sweep/pipeline.log | grep -c 'reused from the remote cache')" "3" "select reused from the registry"
expect_eq "$(grep -E '^select +> ' sweep/pipeline.log | grep -c 'succeeded (')" "0" "select ran"
grep -qE "^select +> selected iris-classifier:v[123]$" sweep/pipeline.log || fail "select did not select"
pass
