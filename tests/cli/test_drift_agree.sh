# One drift rule: `mlci test`, `mlci watch` and `mlci report` give the same
# PSI for the same data against the same reference, and test and report flag
# the same columns (report used to bin differently and compare with 0.2).
source "$(dirname "$0")/lib.sh"

cp -r "$MLCI_SOURCE_DIR/share/examples/iris" proj
cd proj
git init -q . && git add -A && git commit -qm "iris example"
sed -i '/^watch:/,$d' mlci.yaml
mlci init -q >/dev/null
/usr/bin/python3 scripts/export_data.py
mlci data-version add data/iris.csv >/dev/null 2>&1
run1=$(mlci train 2>/dev/null)
/usr/bin/python3 scripts/export_data.py --perturb
mlci data-version add data/iris.csv >/dev/null 2>&1
run2=$(mlci train 2>/dev/null)

# test: the perturbed version against the first (its gate fails: exit 1).
expect_exit 1 mlci --json test --no-suites iris:v2 --reference iris:v1
cp "$SCRATCH/out" test.json
# report: the second run against the first, whose inputs are those versions.
expect_exit 0 mlci --json report "$run2" --baseline "$run1"
cp "$SCRATCH/out" report.json
# watch: every row of the perturbed export as one window of live events.
rows=$(($(wc -l <data/iris.csv) - 1))
/usr/bin/python3 scripts/simulate_traffic.py --data data/iris.csv >events.jsonl
expect_exit 0 mlci --json watch --once --baseline iris:v1 --window "$rows" \
    --rule 'psi(*) > 1000' events.jsonl
cp "$SCRATCH/out" watch.json

/usr/bin/python3 - <<'PY' || fail "test, watch and report disagree on drift"
import json, math
test = json.load(open("test.json"))
checks = [c for d in test["data"] for f in d["files"] for c in f["checks"] if c["check"] == "drift"]
t_psi = {c["column"]: c["stats"]["psi"] for c in checks}
t_drift = {c["column"] for c in checks if c["outcome"] == "failed"}
report = json.load(open("report.json"))
cols = [c for d in report["datasets"] for c in d["drift"]]
r_psi = {c["column"]: c["psi"] for c in cols}
r_drift = {c["column"] for c in cols if c["drifted"]}
watch = json.load(open("watch.json"))
w_psi = {f["name"]: f["psi"] for f in watch["features"] if f["numeric"]}
assert set(t_psi) == {"sepal_length", "sepal_width", "petal_length", "petal_width", "species"}, t_psi
assert t_psi == r_psi, (t_psi, r_psi)
assert t_drift == r_drift and t_drift, (t_drift, r_drift)
assert set(w_psi) == set(t_psi) - {"species"}, w_psi
for name, v in w_psi.items():
    assert math.isclose(v, t_psi[name], rel_tol=1e-12, abs_tol=1e-12), (name, v, t_psi[name])
assert max(t_psi.values()) > 1, t_psi  # the perturbation is seen at all
print("psi per column:", {k: round(v, 4) for k, v in sorted(t_psi.items())})
PY

# The Markdown page states the limit it applied and marks the same columns.
expect_exit 0 mlci report "$run2" --baseline "$run1" -o mr/report.md
expect_in mr/report.md "drift above 0.2 unless the sample is too small to tell"
expect_in mr/report.md "| sepal\\_length | "
grep -F "| sepal\\_length | " mr/report.md | grep -qF "drift" || fail "sepal_length not marked as drift"
pass
