# mlci report on the iris example: a Markdown page for a merge request with
# the verdict, metrics against the baseline, data changes and drift, the
# lineage as Mermaid, SVG plots beside it; --html checked in headless Chromium.
source "$(dirname "$0")/lib.sh"

out=$SCRATCH/out err=$SCRATCH/err # what expect_exit kept
cp -r "$MLCI_SOURCE_DIR/share/examples/iris" proj
cd proj
git init -q . && git add -A && git commit -qm "iris example"

# Help works outside a store.
(cd "$SCRATCH" && expect_exit 0 mlci report --help && expect_in "$out" "--assets-dir")
(cd "$SCRATCH" && expect_exit 0 mlci help report && expect_in "$out" "Mermaid")

expect_exit 0 mlci init
/usr/bin/python3 scripts/export_data.py
expect_exit 0 mlci data-version add data/iris.csv -m "first export"
# Nothing trained yet: no run to report on.
expect_exit 2 mlci report
expect_in "$err" "no runs in the store"
expect_exit 0 mlci train
run1=$(cat "$out")
expect_exit 0 mlci validate "$run1"
val1=$(cat "$out")
# Packaged and deployed to staging: the lineage goes on to the deployment.
expect_exit 0 mlci package "$run1"
pkg1=$(cat "$out")
expect_exit 0 mlci deploy "$pkg1" --env staging

# A second data version (shifted, fewer rows) and a sweep over it.
/usr/bin/python3 scripts/export_data.py --perturb
expect_exit 0 mlci data-version add data/iris.csv -m "perturbed export"
expect_exit 0 mlci train --grid max_depth=2,4 -j 2 --select accuracy:max
best=$(tail -n 1 "$out")
mlci validate "$best" --baseline "$run1" >/dev/null 2>&1 || true # may fail the gate

# --- Markdown with plots beside it --------------------------------------------
expect_exit 0 mlci report "$best" -o mr/report.md
expect_in "$out" "mr/report.md"
expect_in "$out" "mr/report-sweep.svg"
expect_in "$out" "mr/report-drift.svg"
md=mr/report.md
for section in "## mlci report: iris-classifier" "**Verdict:**" "### Metrics" "### Params" \
    "### Data" "### Lineage" "### Sweep" '```mermaid' "flowchart LR" "| criterion |" \
    "Compared with the baseline \`$run1\`" "(report-sweep.svg)" "(report-drift.svg)" \
    "max_depth=2" "max_depth=4" "(this run)" "iris:v2" "iris:v1"; do
    expect_in "$md" "$section"
done
# The metric values recorded for both runs, with the change arrows or '='.
mlci --json show "$best" >best.json
mlci --json show "$run1" >run1.json
/usr/bin/python3 - "$md" <<'PY' || fail "metric values in the report"
import json, re, sys
md = open(sys.argv[1], encoding="utf-8").read()
md = md[md.index("### Metrics"):md.index("### Params")]
def metrics(f):
    d = json.load(open(f))
    return d["config"]["metrics"]
new, old = metrics("best.json"), metrics("run1.json")
def fmt(v):
    return ("%.6g" % v)
for k in ("accuracy", "f1_macro"):
    row = [l for l in md.splitlines() if l.startswith("| " + k.replace("_", "\\_") + " |")]
    assert row, ("no row for", k, md)
    cells = [c.strip() for c in row[0].strip("|").split("|")]
    assert cells[1] == fmt(new[k]), (cells, new[k])
    assert cells[2] == fmt(old[k]), (cells, old[k])
    d = new[k] - old[k]
    assert cells[3][0] == ("▲" if d > 0 else "▼" if d < 0 else "="), cells
PY
for svg in mr/report-sweep.svg mr/report-drift.svg; do
    xmllint --noout "$svg" || fail "$svg is not well-formed XML"
    expect_in "$svg" "<svg xmlns=\"http://www.w3.org/2000/svg\""
done
expect_in mr/report-sweep.svg "accuracy"
expect_in mr/report-drift.svg "sepal_length"

# The latest validation of run1 (no baseline) reports no baseline and no sweep.
expect_exit 0 mlci report "$val1"
expect_in "$out" "Verdict:** ✅ **passed**"
expect_in "$out" "No baseline to compare with"
expect_not_in "$out" "### Sweep"
# And as JSON: with nothing to compare with, each trend and change is null.
expect_exit 0 mlci --json report "$val1"
/usr/bin/python3 - "$out" <<'PY' || fail "--json report without a baseline"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["baseline"] is None, d["baseline"]
assert d["metrics"], d
assert all(m["trend"] is None and m["change"] is None for m in d["metrics"]), d["metrics"]
PY
# --baseline by reference; a page on stdout skips the plots with a note.
expect_exit 0 mlci report "$best" --baseline "$run1"
expect_in "$out" "### Sweep"
expect_in "$err" "plots skipped"
expect_exit 0 mlci report "$best" --assets-dir assets
expect_in "$out" "(assets/report-sweep.svg)"
[[ -s assets/report-sweep.svg ]] || fail "--assets-dir wrote no sweep plot"
# Without REF: NAME:latest of mlci.yaml's train name; "-" reads REF from stdin.
expect_exit 0 mlci report -o latest.md
latest=$(mlci --json show iris-classifier:latest | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])')
expect_in latest.md "(\`${latest:0:19}\`)"
echo "$best" | expect_exit 0 mlci report -
expect_in "$out" "## mlci report: iris-classifier \`$best\`"
# Outside a store: a usage error that says to run mlci init.
(cd "$SCRATCH" && expect_exit 2 mlci report)
# A package stands for its run; the lineage reaches the deployment.
expect_exit 0 mlci report "$pkg1"
expect_in "$out" "## mlci report: iris-classifier \`$run1\`"
expect_in "$out" '["package<br/>'
expect_in "$out" '["deployment<br/>deploy-staging:v1'
# --baseline ENV: the run behind the package deployed there.
expect_exit 0 mlci report "$best" --baseline staging -o env.md
expect_in env.md "Compared with the baseline \`$run1\` (--baseline staging)"
# Unknown references are usage errors.
expect_exit 2 mlci report no-such-run:v9
expect_exit 2 mlci report "$best" --baseline no-such-env

# --- JSON: the same facts --------------------------------------------------------
expect_exit 0 mlci --json report "$best"
cp "$out" report.json
/usr/bin/python3 - "$out" <<'PY' || fail "--json report"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["run"]["name"] == "iris-classifier", d["run"]
assert d["verdict"] in ("passed", "failed"), d["verdict"]
assert d["baseline"]["reference"].startswith("iris-classifier:v"), d["baseline"]
assert {m["metric"] for m in d["metrics"]} >= {"accuracy", "f1_macro"}
assert len(d["sweep"]["runs"]) == 2, d["sweep"]
ds = d["datasets"][0]
assert ds["version"]["reference"] == "iris:v2" and ds["baseline"]["reference"] == "iris:v1", ds
assert ds["rows"] < ds["baseline_rows"], ds
assert [f["change"] for f in ds["files"]] == ["changed"], ds["files"]
assert {c["column"] for c in ds["drift"]} >= {"sepal_length", "species"}, ds["drift"]
kinds = {n["kind"] for n in d["lineage"]["nodes"]}
assert {"dataset", "run", "validation"} <= kinds, kinds
PY

# --- HTML, rendered by headless Chromium ---------------------------------------
expect_exit 0 mlci report "$best" --html -o report.html
expect_not_in report.html "src=\"http"
expect_not_in report.html "href=\"http"
expect_not_in report.html "<script"
expect_in report.html "<svg"
chrome=$(command -v chromium || command -v chromium-browser || true)
[[ -n $chrome ]] || fail "chromium not installed (share/scripts/install-deps.sh installs it)"
export HOME=$SCRATCH # chromium writes its profile there
timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --dump-dom "file://$PWD/report.html" \
    >dom.html 2>chromium.err || { cat chromium.err >&2; fail "chromium could not render the page"; }
verdict=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["verdict"])' report.json)
expect_in dom.html "badge $verdict"
accuracy=$(/usr/bin/python3 -c 'import json; print("%.6g" % json.load(open("best.json"))["config"]["metrics"]["accuracy"])')
expect_in dom.html "$accuracy"
expect_in dom.html "id=\"lineage\""
timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --window-size=1000,1400 \
    --screenshot="$PWD/report.png" "file://$PWD/report.html" >/dev/null 2>chromium.err ||
    { cat chromium.err >&2; fail "chromium could not take a screenshot"; }
[[ -s report.png ]] || fail "the screenshot is empty"
[[ $(head -c 8 report.png | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] || fail "not a PNG"

pass
