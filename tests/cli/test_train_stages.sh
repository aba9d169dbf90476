#!/usr/bin/env bash
# mlci train with train.stages: a graph of runs, each cached on its own, run
# in order (independent stages at once with -j), one stage and its upstream
# with `mlci train STAGE`, and the runs linked in the lineage.
source "$(dirname "$0")/lib.sh"

COUNT=$SCRATCH/count # one line per stage execution (outside the project: not a dep)
MARK=$SCRATCH/marks  # -j's overlap proof
mkdir -p "$MARK"
: >"$COUNT"
json() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
count_of() { grep -cx "$1" "$COUNT" || true; }
total() { wc -l <"$COUNT" | tr -d ' '; }

mkdir P && cd P && git init -q && mlci init -q >/dev/null
cat >mlci.yaml <<EOF
params: params.yaml
train:
  name: iris
  env: {COUNT: "$COUNT", MARK: "$MARK"}
  stages:
    evaluate:
      command: sh evaluate.sh
      deps: [evaluate.sh, model.txt]
      metrics: metrics.json
    fit:
      command: sh fit.sh
      deps: [fit.sh, data/features.txt]
      outputs: [model.txt]
      params: [lr]
    featurize:
      command: sh featurize.sh
      deps: [featurize.sh, data/clean.csv]
      outputs: [data/features.txt]
    stats:
      command: sh stats.sh
      needs: [prepare]
      deps: [stats.sh]
      outputs: [stats.txt]
    prepare:
      command: sh prepare.sh
      deps: [prepare.sh]
      outputs: [data/clean.csv]
      params: [seed]
EOF
printf 'lr: 0.1\nseed: 1\n' >params.yaml
# With $MARK/wait present, featurize and stats each wait (10 s at most) for
# the other to have started: both see the other only when they overlap.
overlap='touch "$MARK/$1.started"
if [ -e "$MARK/wait" ]; then
  i=0; while [ ! -e "$MARK/$2.started" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
  [ -e "$MARK/$2.started" ] && touch "$MARK/$1.saw-$2"
fi'
cat >prepare.sh <<'EOF'
echo prepare >>"$COUNT"
mkdir -p data && printf '1,2\n3,4\n' >data/clean.csv
EOF
cat >featurize.sh <<EOF
echo featurize >>"\$COUNT"
set -- featurize stats
$overlap
sed 's/,/ /' data/clean.csv >data/features.txt
EOF
cat >stats.sh <<EOF
echo stats >>"\$COUNT"
set -- stats featurize
$overlap
wc -l <data/clean.csv >stats.txt
EOF
cat >fit.sh <<'EOF'
echo fit >>"$COUNT"
cat data/features.txt "$MLCI_PARAMS" >model.txt
EOF
cat >evaluate.sh <<'EOF'
echo evaluate >>"$COUNT"
echo '{"accuracy": 0.9}' >metrics.json
EOF
git add -A && git commit -qm stages

# 1. The first run runs every stage once, upstream first.
expect_exit 0 mlci train
expect_eq "$(total)" 5 "executions of the first run"
# Upstream first; where the graph leaves a choice, mlci.yaml's order.
expect_eq "$(tr '\n' ' ' <"$COUNT")" "prepare featurize fit evaluate stats " "the order of the stages"
expect_eq "$(wc -l <"$SCRATCH/out" | tr -d ' ')" 5 "references printed"
expect_in "$SCRATCH/out" "iris/prepare:v1"
expect_in "$SCRATCH/out" "iris/evaluate:v1"
expect_in "$SCRATCH/err" "stage prepare: ran, iris/prepare:v1: succeeded"
expect_in "$SCRATCH/err" "stage evaluate: ran, iris/evaluate:v1: succeeded"
cp "$SCRATCH/out" first.refs
# A stage gets the params it declares, no others.
expect_in model.txt '"lr": 0.1'
expect_not_in model.txt seed
[[ -f metrics.json && -f stats.txt ]] || fail "outputs missing"

# 2. Nothing changed: every stage is reused, the same references printed.
expect_exit 0 mlci train
expect_eq "$(total)" 5 "executions after a second run"
for s in prepare featurize stats fit evaluate; do
    expect_in "$SCRATCH/err" "stage $s: iris/$s:v1: reused"
done
cmp -s "$SCRATCH/out" first.refs || fail "the second run printed other references"

# 3. Editing the evaluation script runs evaluate again, nothing before it.
echo '# scored again' >>evaluate.sh
expect_exit 0 mlci train
expect_eq "$(total)" 6 "executions after editing evaluate.sh"
expect_eq "$(count_of evaluate)" 2 "evaluate runs"
expect_in "$SCRATCH/err" "stage evaluate: ran, iris/evaluate:v2"
expect_in "$SCRATCH/err" "stage fit: iris/fit:v1: reused"

# 4. A param only fit reads runs fit, and evaluate after it (the model changed).
expect_exit 0 mlci train -p lr=0.5
expect_eq "$(count_of fit)" 2 "fit runs after -p lr"
expect_eq "$(count_of evaluate)" 3 "evaluate runs after -p lr"
expect_eq "$(count_of prepare)" 1 "prepare runs after -p lr"
expect_in model.txt '"lr": 0.5'

# 5. mlci train STAGE: that stage and what it needs, nothing else.
echo '# again' >>featurize.sh
echo '# again' >>stats.sh
expect_exit 0 mlci train featurize
expect_eq "$(count_of featurize)" 2 "featurize runs"
expect_eq "$(count_of stats)" 1 "stats runs (not needed by featurize)"
expect_eq "$(wc -l <"$SCRATCH/out" | tr -d ' ')" 2 "references of train featurize"
expect_in "$SCRATCH/out" "iris/prepare:v1"
expect_in "$SCRATCH/out" "iris/featurize:v2"
expect_not_in "$SCRATCH/err" "stage fit"
# --force runs the named stage again, its upstream still from the cache.
expect_exit 0 mlci train -f fit
expect_eq "$(count_of fit)" 3 "fit runs after train -f fit"
expect_eq "$(count_of prepare)" 1 "prepare runs after train -f fit"

# 6. -j 2: featurize and stats need only prepare, and run at once.
rm -f "$MARK"/*.started
touch "$MARK/wait"
expect_exit 0 mlci train -j 2 -f featurize stats
rm "$MARK/wait"
[[ -e $MARK/featurize.saw-stats && -e $MARK/stats.saw-featurize ]] ||
    fail "featurize and stats did not overlap with -j 2"

# 7. Lineage: a stage's run names its stage and the upstream runs it consumed.
expect_exit 0 mlci --json show iris/evaluate:latest
json "$SCRATCH/out" "d['config']['stage']" >stage
expect_eq "$(cat stage)" evaluate "the record names its stage"
json "$SCRATCH/out" "' '.join(u['stage'] + ' ' + u['digest'] for u in d['config']['upstream'])" >up
read -r up_stage fit <up
expect_eq "$up_stage" fit "evaluate's upstream stage"
expect_exit 0 mlci --json lineage iris/evaluate:latest
json "$SCRATCH/out" "any(e['from'] == '$fit' and e['relation'] == 'stages' for e in d['edges'])" >lin
expect_eq "$(cat lin)" True "evaluate's run linked to fit's run in the lineage"
expect_exit 0 mlci lineage iris/evaluate:latest
expect_in "$SCRATCH/out" "iris/fit:v"
expect_in "$SCRATCH/out" "iris/prepare:v1" # through featurize, two steps up
expect_exit 0 mlci log
expect_in "$SCRATCH/out" "iris/prepare"
expect_in "$SCRATCH/out" "iris/evaluate"

# 8. A failing stage stops what needs it; the others still run; exit 1.
echo 'exit 7' >>featurize.sh
echo '# changed' >>stats.sh
expect_exit 1 mlci train
expect_in "$SCRATCH/err" "stage featurize: iris/featurize:v"
expect_in "$SCRATCH/err" "(exit code 7;"
expect_in "$SCRATCH/err" "stage fit: not run"
expect_in "$SCRATCH/err" "stage evaluate: not run"
expect_in "$SCRATCH/err" "stage stats: ran"
git checkout -q featurize.sh stats.sh

# 9. Bad graphs, names and flags: exit 2 with the reason.
expect_exit 2 mlci train fitt
expect_in "$SCRATCH/err" "'fitt' is not a stage"
expect_exit 2 mlci train -o x.txt
expect_in "$SCRATCH/err" "--output describe one command"
cp mlci.yaml good.yaml
sed -i 's/deps: \[prepare.sh\]/deps: [prepare.sh, model.txt]/' mlci.yaml
expect_exit 2 mlci train
expect_in "$SCRATCH/err" "cycle: fit -> prepare -> featurize -> fit"
cp good.yaml mlci.yaml
sed -i 's/outputs: \[stats.txt\]/outputs: [model.txt]/' mlci.yaml
expect_exit 2 mlci train
expect_in "$SCRATCH/err" "both write 'model.txt'"
cp good.yaml mlci.yaml
sed -i 's/needs: \[prepare\]/needs: [prep]/' mlci.yaml
expect_exit 2 mlci train
expect_in "$SCRATCH/err" "stage 'stats' needs 'prep', which is not a stage"
cp good.yaml mlci.yaml

# 10. A command after '--' still runs on its own, beside the stages.
expect_exit 0 mlci train -n adhoc -o adhoc.txt -- sh -c 'echo hi >adhoc.txt'
expect_eq "$(cat "$SCRATCH/out")" "adhoc:v1" "a command after --"

pass
