# mlci train --grid: every combination, -j at once in private mirrors,
# each recorded, the best selected and restored into the workspace.
source "$(dirname "$0")/lib.sh"

cp -r "$MLCI_SOURCE_DIR/share/examples/iris" iris && cd iris
/usr/bin/python3 scripts/export_data.py
git init -q . && echo ".mlci/" >> .git/info/exclude
mlci init >/dev/null 2>&1
mlci data-version add data/iris.csv >/dev/null 2>&1
git add -A && git commit -qm init

json() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# Each member waits until two members have started: with -j 2 they meet,
# run one at a time they would not (and the barrier would give up and fail).
mkdir "$SCRATCH/barrier"
cat > "$SCRATCH/member.sh" <<'SH'
touch "$BARRIER/$MLCI_RUN_ID"
for i in $(seq 200); do
    [ "$(ls "$BARRIER" | wc -l)" -ge 2 ] && exec /usr/bin/python3 src/train.py data/iris.csv
    sleep 0.05
done
echo "ran alone: members did not run at once" >&2
exit 9
SH
export BARRIER="$SCRATCH/barrier"
expect_exit 0 mlci train -i iris -o model.pkl --metrics metrics.json -n sweep \
    --grid max_depth=1,3 --grid n_estimators=2,30 -j 2 --select accuracy:max \
    -- sh "$SCRATCH/member.sh"
best=$(cat "$SCRATCH/out")
[[ $(wc -l < "$SCRATCH/out") == 1 ]] || fail "--select prints one reference"
expect_in "$SCRATCH/err" "[1/4] max_depth=1 n_estimators=2"
expect_in "$SCRATCH/err" "[4/4] max_depth=3 n_estimators=30"
expect_in "$SCRATCH/err" "selected $best"
expect_eq "$(ls "$BARRIER" | wc -l)" "4" "members run"

# Four runs recorded, each with its params; the best has the highest accuracy.
expect_exit 0 mlci --json log sweep
cp "$SCRATCH/out" "$SCRATCH/log.json"
expect_eq "$(json "$SCRATCH/log.json" "len(d)")" "4" "runs recorded"
expect_eq "$(json "$SCRATCH/log.json" "sorted((r['params']['max_depth'], r['params']['n_estimators']) for r in d)")" \
    "[(1, 2), (1, 30), (3, 2), (3, 30)]" "grid points"
expect_eq "$(json "$SCRATCH/log.json" "all(r['status'] == 'succeeded' for r in d)")" "True" "statuses"
expect_eq "$(json "$SCRATCH/log.json" "max(d, key=lambda r: r['metrics']['accuracy'])['metrics']['accuracy'] == [r for r in d if r['reference'] == '$best'][0]['metrics']['accuracy']")" \
    "True" "best by accuracy"
# The members share one sweep id and record how the best was chosen.
for v in 1 2 3 4; do
    mlci --json show "sweep:v$v" 2>/dev/null >"$SCRATCH/member.json"
    json "$SCRATCH/member.json" "d['manifest']['annotations']['dev.mlci.sweep']" >>"$SCRATCH/sweep-ids"
    expect_eq "$(json "$SCRATCH/member.json" "d['manifest']['annotations']['dev.mlci.sweep.select']")" "accuracy:max" "select"
done
expect_eq "$(sort -u "$SCRATCH/sweep-ids" | wc -l)" "1" "sweep ids"
# Each member wrote its own model: the digests differ.
for r in $(json "$SCRATCH/log.json" "' '.join(r['reference'] for r in d)"); do
    mlci --json show "$r" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["config"]["outputs"][0]["digest"])'
done | sort -u | wc -l > "$SCRATCH/distinct"
expect_eq "$(cat "$SCRATCH/distinct")" "4" "distinct models"
# The workspace holds the selected run's model.
expect_exit 0 mlci --json show "$best"
want=$(json "$SCRATCH/out" "d['config']['outputs'][0]['digest']")
expect_eq "sha256:$(sha256sum model.pkl | cut -d' ' -f1)" "$want" "selected model restored"
[[ -z $(ls .mlci/mlci/work 2>/dev/null) ]] || fail "sweep left its mirrors behind"

# The same sweep again: every member is a cache hit.
expect_exit 0 mlci train -i iris -o model.pkl --metrics metrics.json -n sweep \
    --grid max_depth=1,3 --grid n_estimators=2,30 -j 2 -- sh "$SCRATCH/member.sh"
expect_eq "$(wc -l < "$SCRATCH/out")" "4" "one reference per member"
expect_eq "$(grep -c reused "$SCRATCH/err")" "4" "all reused"
expect_eq "$(mlci --json log sweep | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" \
    "4" "nothing new recorded"

# A failing member is recorded and makes the exit status 1; the others still run.
expect_exit 1 mlci train -i iris -o model.pkl --metrics metrics.json -n mixed \
    --grid max_depth=2,-3 -j 2 -- /usr/bin/python3 src/train.py data/iris.csv
expect_eq "$(wc -l < "$SCRATCH/out")" "2" "both members reported"
expect_exit 0 mlci --json log mixed
expect_eq "$(json "$SCRATCH/out" "sorted(r['status'] for r in d)")" "['failed', 'succeeded']" "mixed"

# --select on a metric no run reports is a failed gate.
expect_exit 1 mlci train -i iris -o model.pkl --metrics metrics.json -n sweep \
    --grid max_depth=1,3 --select no_such_metric:min -- /usr/bin/python3 src/train.py data/iris.csv
expect_in "$SCRATCH/err" "no_such_metric"

# Runs at once are numbered in grid order, not in the order they finish:
# here the first trial sleeps longest and finishes last.
cat > "$SCRATCH/slow.sh" <<'SH'
d=$(/usr/bin/python3 -c 'import json,os; print(json.load(open(os.environ["MLCI_PARAMS"]))["d"])')
sleep "$d" && echo "$d" > slow.txt
SH
expect_exit 0 mlci train -n ordered -o slow.txt --grid d=1.5,0.8,0.1 -j 3 -- sh "$SCRATCH/slow.sh"
expect_exit 0 mlci --json log ordered
expect_eq "$(json "$SCRATCH/out" "' '.join(r['reference'] + '=' + str(r['params']['d']) for r in sorted(d, key=lambda r: r['reference']))")" \
    "ordered:v1=1.5 ordered:v2=0.8 ordered:v3=0.1" "versions in grid order"

expect_exit 0 mlci verify
pass
