# mlci train --shard I/N: N invocations split a sweep, each trial running
# exactly once; the same command without --shard collects: every trial a
# cache hit, nothing runs, and --select prints the best. Random search
# (--sample, --range, --seed) draws the same trials in every shard.
source "$(dirname "$0")/lib.sh"

mkdir proj && cd proj
git init -q . && echo ".mlci/" >> .git/info/exclude
printf 'model.txt\nmetrics.json\n' > .gitignore
# Each execution appends its params to a file outside the project, named by
# an environment variable: neither is part of what the run depends on.
export COUNT_FILE="$SCRATCH/executions"
cat > train.py <<'PY'
import json, os
p = json.load(open(os.environ["MLCI_PARAMS"]))
with open(os.environ["COUNT_FILE"], "a") as f:
    f.write(json.dumps(p, sort_keys=True) + "\n")
score = p["a"] * (2 if p["b"] == "y" else 1) if "a" in p else p["lr"] * p["depth"]
open("model.txt", "w").write(json.dumps(p, sort_keys=True) + "\n")
json.dump({"score": score}, open("metrics.json", "w"))
PY
mlci init >/dev/null 2>&1
git add -A && git commit -qm init

json() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
executions() { if [[ -f $COUNT_FILE ]]; then wc -l < "$COUNT_FILE"; else echo 0; fi; }
sweep=(-o model.txt --metrics metrics.json -n toy --grid a=1,2,3 --grid b=x,y)
cmd=(-- /usr/bin/python3 train.py)

# Three shards of a 6-trial sweep: shard i runs trials i and i+3, numbered
# as in the whole sweep.
for i in 1 2 3; do
    expect_exit 0 mlci --json train "${sweep[@]}" --shard "$i/3" "${cmd[@]}"
    cp "$SCRATCH/out" "$SCRATCH/shard$i.json"
    expect_in "$SCRATCH/err" "shard $i/3: 2 of the sweep's 6 trial(s)"
    expect_in "$SCRATCH/err" "[$i/6]"
    expect_in "$SCRATCH/err" "[$((i + 3))/6]"
    expect_eq "$(json "$SCRATCH/shard$i.json" "len(d['runs'])")" "2" "runs of shard $i"
    expect_eq "$(json "$SCRATCH/shard$i.json" "[r['trial'] for r in d['runs']]")" "[$i, $((i + 3))]" "trials of shard $i"
    expect_eq "$(json "$SCRATCH/shard$i.json" "d['sweep']['shard']")" "$i/3" "shard"
    json "$SCRATCH/shard$i.json" "d['sweep']['id']" >> "$SCRATCH/ids"
done
expect_in "$SCRATCH/err" "[3/6] a=2 b=x"
expect_in "$SCRATCH/err" "[6/6] a=3 b=y"
# Each trial ran exactly once across the shards.
expect_eq "$(executions)" "6" "executions after the shards"
expect_eq "$(sort -u "$COUNT_FILE" | wc -l)" "6" "distinct trials"
# Every shard computed the same sweep id, and recorded it on its runs.
expect_eq "$(sort -u "$SCRATCH/ids" | wc -l)" "1" "sweep ids of the shards"
id=$(head -1 "$SCRATCH/ids")
for v in 1 2 3 4 5 6; do
    mlci --json show "toy:v$v" 2>/dev/null > "$SCRATCH/member.json"
    expect_eq "$(json "$SCRATCH/member.json" "d['manifest']['annotations']['dev.mlci.sweep']")" "$id" "sweep id of toy:v$v"
done

# Collecting: the same command without --shard runs nothing, finds all six
# in the run cache and prints the best, whose model the workspace now holds.
expect_exit 0 mlci train "${sweep[@]}" --select score:max "${cmd[@]}"
expect_eq "$(executions)" "6" "executions after collecting"
expect_eq "$(grep -c reused "$SCRATCH/err")" "6" "all reused"
best=$(cat "$SCRATCH/out")
[[ $(wc -l < "$SCRATCH/out") == 1 ]] || fail "--select prints one reference"
expect_in "$SCRATCH/err" "selected $best"
mlci --json show "$best" > "$SCRATCH/best.json"
expect_eq "$(json "$SCRATCH/best.json" "d['config']['params']")" "{'a': 3, 'b': 'y'}" "best params"
expect_eq "$(cat model.txt)" '{"a": 3, "b": "y"}' "selected model restored"
expect_eq "$(mlci --json log toy | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" \
    "6" "nothing new recorded"
expect_exit 0 mlci --json train "${sweep[@]}" "${cmd[@]}"
expect_eq "$(json "$SCRATCH/out" "d['sweep']['id']")" "$id" "the collecting sweep id"

# --shard auto reads GitLab's variables, and says which is missing.
expect_exit 2 mlci train "${sweep[@]}" --shard auto "${cmd[@]}"
expect_in "$SCRATCH/err" "--shard auto needs CI_NODE_INDEX and CI_NODE_TOTAL"
expect_exit 0 env CI_NODE_INDEX=2 CI_NODE_TOTAL=3 "$MLCI" train "${sweep[@]}" --shard auto \
    --select score:max "${cmd[@]}"
expect_in "$SCRATCH/err" "[2/6] a=1 b=y"
expect_in "$SCRATCH/err" "[5/6] a=3 b=x"
expect_in "$SCRATCH/err" "--select picks among shard 2/3's trials only"
expect_eq "$(grep -c reused "$SCRATCH/err")" "2" "shard 2 reused"
expect_eq "$(executions)" "6" "executions after shard auto"
# A shard with no trial runs nothing and succeeds.
expect_exit 0 mlci train "${sweep[@]}" --shard 7/8 --select score:max "${cmd[@]}"
expect_in "$SCRATCH/err" "shard 7/8: 0 of the sweep's 6 trial(s)"
[[ ! -s $SCRATCH/out ]] || fail "an empty shard printed a reference"
for bad in 0/3 4/3 3 x/y; do
    expect_exit 2 mlci train "${sweep[@]}" --shard "$bad" "${cmd[@]}"
    expect_in "$SCRATCH/err" "invalid --shard '$bad'"
done
expect_exit 2 mlci train -o model.txt --metrics metrics.json -n toy --shard 1/2 "${cmd[@]}"
expect_in "$SCRATCH/err" "--shard splits a sweep"

# Random search: 4 trials drawn with a seed, split over two shards, then
# collected: the shards and the collecting job drew the same values.
rm -f "$COUNT_FILE"
search=(-o model.txt --metrics metrics.json -n search --sample 4 --seed 11
    --range lr=loguniform:1e-4,1e-1 --range depth=int:2,12)
for i in 1 2; do
    expect_exit 0 mlci train "${search[@]}" --shard "$i/2" "${cmd[@]}"
    cat "$SCRATCH/err" >> "$SCRATCH/search-err"
done
expect_eq "$(executions)" "4" "executions of the search"
expect_exit 0 mlci --json train "${search[@]}" --select score:min "${cmd[@]}"
expect_eq "$(executions)" "4" "executions after collecting the search"
expect_eq "$(json "$SCRATCH/out" "sum(r['cached'] for r in d['runs'])")" "4" "search reused"
expect_eq "$(json "$SCRATCH/out" "d['selected'] == min(d['runs'], key=lambda r: r['metrics']['score'])['reference']")" \
    "True" "search best"
# Every drawn value is in its range, and the label printed reads back as
# the recorded value, bit for bit.
/usr/bin/python3 - "$SCRATCH/out" "$SCRATCH/search-err" <<'PY'
import json, re, sys
runs = json.load(open(sys.argv[1]))["runs"]
labels = dict(re.findall(r"\[(\d)/4\] (lr=\S+ depth=\d+)", open(sys.argv[2]).read()))
assert len(runs) == 4 and len(labels) == 4, (runs, labels)
for r in runs:
    p = r["params"]
    assert 1e-4 <= p["lr"] <= 1e-1 and isinstance(p["depth"], int) and 2 <= p["depth"] <= 12, p
    lr = float(labels[str(r["trial"])].split()[0][3:])
    assert lr == p["lr"], (lr, p)
assert len({r["params"]["lr"] for r in runs}) == 4
PY
expect_exit 2 mlci train "${search[@]}" --range lr=uniform:1,0 "${cmd[@]}"
expect_exit 2 mlci train -o model.txt --metrics metrics.json -n search --range lr=uniform:0,1 "${cmd[@]}"
expect_in "$SCRATCH/err" "--range needs --sample N"
expect_exit 2 mlci train -o model.txt --metrics metrics.json -n search --sample 2 "${cmd[@]}"
expect_in "$SCRATCH/err" "--sample needs a --range"

expect_exit 0 mlci verify
pass
