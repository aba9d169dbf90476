# Comparing runs: log --sort/--filter, metrics diff of any number of runs,
# 6 significant digits on terminals and full precision in --json.
source "$(dirname "$0")/lib.sh"

json() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

git init -q . && echo ".mlci/" >> .git/info/exclude
mlci init >/dev/null 2>&1
cat > fit.py <<'PY'
import json, os
p = json.load(open(os.environ["MLCI_PARAMS"]))
json.dump({"accuracy": p["a"], "loss": p["l"]}, open("metrics.json", "w"))
PY
git add -A && git commit -qm init
run() { # run A L DEPTH
    mlci train -n m --metrics metrics.json -p "a=$1" -p "l=$2" -p "depth=$3" \
        -- /usr/bin/python3 fit.py >/dev/null 2>"$SCRATCH/train.err" ||
        { cat "$SCRATCH/train.err" >&2; fail "train $*"; }
}
run 0.9123456789 0.5 3   # m:v1
run 0.95 0.25 5          # m:v2
run 0.85 0.75 3          # m:v3
run 0.97 0.125 8         # m:v4

# --sort: highest first by default, METRIC:asc lowest first.
refs() { mlci --json log "$@" | /usr/bin/python3 -c "import json,sys; print(' '.join(r['reference'] for r in json.load(sys.stdin)))"; }
expect_eq "$(refs --sort accuracy)" "m:v4 m:v2 m:v1 m:v3" "sort accuracy"
expect_eq "$(refs --sort accuracy:desc)" "m:v4 m:v2 m:v1 m:v3" "sort accuracy:desc"
expect_eq "$(refs --sort loss:asc)" "m:v4 m:v2 m:v1 m:v3" "sort loss:asc"
expect_eq "$(refs --sort depth --limit 2)" "m:v4 m:v2" "sort by a param, limit"
expect_eq "$(refs --sort depth:asc)" "m:v3 m:v1 m:v2 m:v4" "ties keep the newest first"
expect_exit 2 mlci log --sort accuracy:up
expect_in "$SCRATCH/err" "invalid sort 'accuracy:up'"

# --filter: each operator, repeated filters all hold.
expect_eq "$(refs --sort accuracy --filter 'accuracy>0.9')" "m:v4 m:v2 m:v1" ">"
expect_eq "$(refs --sort accuracy --filter 'accuracy >= 0.95')" "m:v4 m:v2" ">="
expect_eq "$(refs --sort accuracy --filter 'loss<0.5')" "m:v4 m:v2" "<"
expect_eq "$(refs --sort accuracy --filter 'loss<=0.5')" "m:v4 m:v2 m:v1" "<="
expect_eq "$(refs --sort accuracy --filter 'depth==3')" "m:v1 m:v3" "=="
expect_eq "$(refs --sort accuracy --filter 'depth!=3')" "m:v4 m:v2" "!="
expect_eq "$(refs --sort accuracy --filter 'accuracy>0.9' --filter 'depth<8')" "m:v2 m:v1" "AND"
expect_eq "$(refs --filter 'nosuch>0')" "" "a missing metric does not match"
expect_exit 0 mlci log --filter 'accuracy>2'
expect_in "$SCRATCH/err" "no runs match"
for bad in 'accuracy' 'accuracy>' '>0.9' 'accuracy=>0.9' 'accuracy>high'; do
    expect_exit 2 mlci log --filter "$bad"
    expect_in "$SCRATCH/err" "invalid filter"
done

# 6 significant digits on a terminal, full precision in --json.
expect_exit 0 mlci log m --metric accuracy
expect_eq "$(awk '$1 == "m:v1" {print $5}' "$SCRATCH/out")" "0.912346" "the metric cell"
expect_in "$SCRATCH/out" "a=0.9123456789" # params are shown as given
expect_exit 0 mlci --json log m
expect_in "$SCRATCH/out" "0.9123456789"

# metrics diff: two runs keep the change column; any number side by side.
expect_exit 0 mlci metrics diff m:v1 m:v2
expect_in "$SCRATCH/out" "change"
expect_in "$SCRATCH/out" "+0.0376543"
head -1 "$SCRATCH/out" | grep -q "^metric *m:v1 *m:v2 *change$" || fail "diff header: $(head -1 "$SCRATCH/out")"
expect_exit 0 mlci metrics diff m:v1 m:v2 m:v3 m:v4
head -1 "$SCRATCH/out" | grep -q "^metric *m:v1 *m:v2 *m:v3 *m:v4$" || fail "diff of four: $(head -1 "$SCRATCH/out")"
grep -q "^accuracy *0.912346 *0.95 *0.85 *0.97$" "$SCRATCH/out" || fail "accuracy row: $(cat "$SCRATCH/out")"
grep -q "^depth *3 *5 *3 *8$" "$SCRATCH/out" || fail "params that differ: $(cat "$SCRATCH/out")"
expect_exit 0 mlci --json metrics diff m:v1 m:v3 m:v4
expect_eq "$(json "$SCRATCH/out" "d['runs']")" "['m:v1', 'm:v3', 'm:v4']" "runs"
expect_eq "$(json "$SCRATCH/out" "[m['values'] for m in d['metrics'] if m['metric'] == 'accuracy'][0]")" \
    "[0.9123456789, 0.85, 0.97]" "full precision"
expect_eq "$(json "$SCRATCH/out" "[p['param'] for p in d['params']]")" "['a', 'depth', 'l']" "params that differ"
expect_exit 0 mlci --json metrics diff m:v1 m:v2
expect_eq "$(json "$SCRATCH/out" "(d['old'], d['new'])")" "('m:v1', 'm:v2')" "two runs: old and new"
# One run: compared with the one before it.
expect_exit 0 mlci metrics diff m:v3
head -1 "$SCRATCH/out" | grep -q "^metric *m:v2 *m:v3 *change$" || fail "one run: $(head -1 "$SCRATCH/out")"
expect_exit 2 mlci metrics diff m:v1
expect_in "$SCRATCH/err" "first run of its name"
pass
