# mlci test and mlci validate on the iris example: suites, data checks,
# drift, JUnit for CI, the gate on a real scikit-learn model, exit codes.
source "$(dirname "$0")/lib.sh"

out=$SCRATCH/out err=$SCRATCH/err # what expect_exit kept
cp -r "$MLCI_SOURCE_DIR/share/examples/iris" proj
cd proj
/usr/bin/python3 scripts/export_data.py
expect_exit 0 mlci init
expect_exit 0 mlci data-version add data/iris.csv -m "first export"
iris_v1=$(mlci show --json iris:v1 | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])')

# Help works outside a store, and names the flags.
(cd "$SCRATCH" && expect_exit 0 mlci test --help && expect_in "$out" "--no-suites")
(cd "$SCRATCH" && expect_exit 0 mlci help validate && expect_in "$out" "--max-regression")

# --- mlci test: the example's pytest suite and data checks pass -------------
expect_exit 0 mlci test --junit reports/mlci.xml
report=$(cat "$out")
[[ $report == sha256:* ]] || fail "stdout is not the report's digest: $report"
expect_in "$err" "suite unit: 3 passed, 0 failed"
expect_in "$err" "data iris (iris:v1): 17 checks, 0 failed"
expect_not_in "$out" "passed" # pytest's output goes to stderr, never stdout
xmllint --noout reports/mlci.xml || fail "mlci.xml is not well-formed XML"
expect_in reports/mlci.xml '<testsuite name="unit"'
expect_in reports/mlci.xml '<testsuite name="data: iris"'
expect_in reports/mlci.xml 'name="sepal_length: range"'
mlci show --json "$report" >show.json
/usr/bin/python3 - "$iris_v1" <<'PY' || fail "test report artifact"
import json, sys
doc = json.load(open("show.json"))
m = doc["manifest"]
assert m["artifactType"] == "application/vnd.mlci.test-report.v1", m
assert m["subject"]["digest"] == sys.argv[1], m["subject"]
assert m["annotations"]["dev.mlci.verdict"] == "passed"
assert m["annotations"]["dev.mlci.lineage.tested"] == sys.argv[1]
titles = [l["annotations"]["org.opencontainers.image.title"] for l in m["layers"]]
assert titles == ["junit.xml", "logs/unit.log", "reports/unit.xml"], titles
c = doc["config"]
assert c["verdict"] == "passed" and c["summary"]["tests"] == 20, c["summary"]
assert c["suites"][0]["tests"] == 3
PY
# It is in the index (gc keeps it) without a tag.
grep -q "${report#sha256:}" .mlci/index.json || fail "report not in index.json"

# --- a deliberately failing test fails mlci test ----------------------------
cat > tests/test_broken.py <<'PY'
def test_deliberately_broken():
    assert 1 + 1 == 3, "arithmetic is broken"
PY
expect_exit 1 mlci test --no-data --junit reports/broken.xml
expect_in "$err" "suite unit: 3 passed, 1 failed"
expect_in "$err" "FAIL tests.test_broken::test_deliberately_broken: AssertionError: arithmetic is broken"
expect_in "$err" "failed, 4 tests, 1 failed"
xmllint --noout reports/broken.xml || fail "broken.xml is not well-formed XML"
expect_in reports/broken.xml '<failure message="AssertionError: arithmetic is broken'
[[ $(cat "$out") == sha256:* ]] || fail "a failing test still stores and prints its report"
rm tests/test_broken.py

# Suites from flags; a command that exits non-zero without a report fails.
expect_exit 0 mlci test --no-data --suite 'smoke=echo smoke >&2'
expect_in "$err" "suite smoke: passed (no test report: counted as one test)"
expect_exit 1 mlci test --no-data --suite 'smoke=exit 4'
expect_in "$err" "the command exited with status 4"
# A suite whose program does not exist: an environment error, nothing stored.
printf 'test:\n  suites:\n    unit: {command: [no-such-test-runner, -q]}\n' > alt.yaml
before=$(ls .mlci/blobs/sha256 | wc -l)
mkdir alt && cp alt.yaml alt/mlci.yaml
(cd alt && expect_exit 3 mlci test)
expect_in "$err" "cannot run suite 'unit'"
expect_in "$err" "'no-such-test-runner' not found"
expect_eq "$(ls .mlci/blobs/sha256 | wc -l)" "$before" "blobs after a suite that cannot run"
expect_exit 3 mlci test --no-data --suite 'lint=no-such-linter --strict'
expect_in "$err" "/bin/sh could not find its command (status 127)"

# --- data checks: each kind of schema violation on a real CSV ---------------
mkdir -p bad
cat > bad/iris.csv <<'CSV'
sepal_length,sepal_width,petal_length,petal_width,species
5.1,3.5,1.4,0.2,setosa
9.9,3.0,1.4,0.2,setosa
4.9,,1.4,0.2,setosa
4.7,3.2,1.3,abc,setosa
4.6,3.1,1.5,0.2,rose
5.1,3.5,1.4,0.2,setosa
CSV
expect_exit 0 mlci data-version add bad/iris.csv --name bad
cat > strict.yaml <<'YAML'
columns:
  sepal_length: {type: number, min: 4.0, max: 8.0}
  sepal_width: {type: number, nullable: false}
  petal_width: {type: number}
  species: {allowed: [setosa, versicolor, virginica]}
  missing_column: {type: int}
rows: {min: 10, max_duplicates: 0}
unique: [sepal_length]
YAML
expect_exit 1 mlci test --no-suites --data bad --schema strict.yaml --junit reports/bad.xml
expect_in "$err" "FAIL columns: missing column: missing_column"
expect_in "$err" "FAIL rows: 6 rows, outside [10, inf]"
expect_in "$err" "FAIL duplicates: 1 duplicate row, 0 allowed"
expect_in "$err" "line 7: repeats line 2"
expect_in "$err" "FAIL sepal_length: unique: 1 repeated value"
expect_in "$err" "FAIL sepal_length: range: 1 value outside [4, 8]"
expect_in "$err" "line 3: 9.9 is above the maximum 8"
expect_in "$err" "FAIL sepal_width: nulls: 1 null value in a column that is not nullable"
expect_in "$err" "FAIL petal_width: type: 1 value is not of type number"
expect_in "$err" "line 5: 'abc' is text, not a number"
expect_in "$err" "FAIL species: allowed: 1 value not among setosa, versicolor, virginica"
xmllint --noout reports/bad.xml || fail "bad.xml is not well-formed XML"
[[ $(grep -c '<failure' reports/bad.xml) == 8 ]] || fail "expected 8 failed data checks in bad.xml"

# Bad input: exit 2, saying where.
printf 'columns:\n  x:\n    type: integer\n' > broken.yaml
expect_exit 2 mlci test --no-suites --data iris --schema broken.yaml
expect_in "$err" "broken.yaml:3"
expect_exit 2 mlci test --no-suites --data no-such-dataset
expect_in "$err" "unknown dataset 'no-such-dataset'"
expect_exit 2 mlci test --suite integration
expect_in "$err" "unknown suite 'integration' (mlci.yaml declares: unit"
expect_exit 2 mlci test --no-suites --no-data
expect_in "$err" "nothing to test"
expect_exit 2 mlci test --no-suites --max-drift -1 --reference iris:v1
expect_exit 2 mlci test --no-suites --reference no-such-version:v9

# --- drift: not on identical data, found on the perturbed export ------------
expect_exit 0 mlci test --no-suites iris:v1 --reference iris:v1
expect_in "$err" "drift against iris:v1"
/usr/bin/python3 scripts/export_data.py --out data/iris-copy.csv
expect_exit 0 mlci data-version add data/iris-copy.csv --name iris-copy
# An identical export under another name: no drift even at a strict limit.
expect_exit 0 mlci -v test --no-suites --data iris-copy --reference iris:v1 --max-drift 0.01
expect_in "$err" "ok sepal_length: drift: PSI 0 <= 0.01, KS D 0"
expect_in "$err" "note: no schema for 'iris-copy'"
/usr/bin/python3 scripts/export_data.py --perturb
expect_exit 0 mlci data-version add data/iris.csv -m perturbed
expect_exit 1 mlci test --no-suites --reference iris:v1 --junit reports/drift.xml
expect_in "$err" "data iris (iris:v2)"
expect_in "$err" "FAIL sepal_length: drift: PSI"
expect_not_in "$err" "FAIL sepal_width: drift"
expect_not_in "$err" "FAIL species: drift"
expect_in "$err" "FAIL rows: 75 rows, outside [100, 100000]"
xmllint --noout reports/drift.xml || fail "drift.xml is not well-formed XML"
expect_in reports/drift.xml 'name="sepal_length: drift"'
/usr/bin/python3 scripts/export_data.py   # back to the real data for training

# --- mlci validate: a real model through the gate ----------------------------
expect_exit 0 mlci data-version add data/iris.csv -m "real again"
expect_exit 0 mlci -q train
good=$(cat "$out")
expect_eq "$good" "iris-classifier:v1" "train's reference"
expect_exit 0 mlci validate "$good" --report reports/validation.md --junit reports/validate.xml
validation=$(cat "$out")
[[ $validation == sha256:* ]] || fail "validate prints the validation's digest: $validation"
expect_in "$err" "accuracy                                       >= 0.9"
expect_in "$err" "of iris-classifier:v1: passed"
expect_in reports/validation.md "## ✅ Model validation passed"
expect_in reports/validation.md "| \`accuracy\` | >= 0.9 |"
expect_in reports/validation.md "  - input \`iris\` \`iris:v3\`"
xmllint --noout reports/validate.xml || fail "validate.xml is not well-formed XML"
mlci show --json "$validation" >show.json
good_digest=$(mlci show --json "$good" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])')
/usr/bin/python3 - "$good_digest" <<'PY' || fail "validation artifact"
import json, sys
doc = json.load(open("show.json"))
m = doc["manifest"]
assert m["artifactType"] == "application/vnd.mlci.validation.v1", m
assert m["subject"]["digest"] == sys.argv[1], m["subject"]
assert m["annotations"]["dev.mlci.verdict"] == "passed"
c = doc["config"]
assert c["verdict"] == "passed"
assert [x["metric"] for x in c["criteria"]] == ["accuracy", "f1_macro"], c["criteria"]
assert all(x["passed"] and x["measured"] > 0.9 for x in c["criteria"])
PY
# Chained through standard input, with --json.
echo "$good" | mlci --json validate - --require 'accuracy >= 0.95' >val.json 2>"$err" \
    || fail "validate - from stdin"
/usr/bin/python3 -c 'import json; d = json.load(open("val.json")); assert d["verdict"] == "passed" and d["criteria"][0]["expected"] == 0.95, d'

# The deliberately weak params: the gate fails with exit 1.
expect_exit 0 mlci -q train --params params-weak.yaml # trains fine; the gate refuses it
weak=$(cat "$out")
expect_exit 1 mlci validate "$weak" --junit reports/weak.xml --report reports/weak.md
expect_in "$err" "FAIL"
expect_in "$err" "accuracy is 0.5"
expect_in "$err" "of $weak: failed"
expect_in reports/weak.md "Model validation **failed**"
xmllint --noout reports/weak.xml || fail "weak.xml is not well-formed XML"
grep -q '<failure message="accuracy is 0.5' reports/weak.xml || fail "weak.xml has no failure"

# Regression against a baseline, alone: flags replace mlci.yaml's criteria.
loose=(--require 'accuracy >= 0' --require 'f1_macro >= 0')
expect_exit 0 mlci validate "$good" --baseline "$good" --max-regression accuracy=0
expect_exit 1 mlci validate "$weak" "${loose[@]}" --baseline "$good" --max-regression accuracy=0.05
expect_in "$err" "accuracy went from 0.955556 to 0.5"
expect_in "$err" "more than the 0.05 allowed"
expect_exit 0 mlci validate "$weak" "${loose[@]}" --baseline "$good" --max-regression accuracy=50%
# A metric that is not there fails the gate and says what there is.
expect_exit 1 mlci validate "$good" --require 'auc >= 0.5'
expect_in "$err" "metric 'auc' is missing from run 'iris-classifier:v1' (it has accuracy, f1_macro"

# A run that failed never passes.
expect_exit 1 mlci -q train --name broken --force -- /bin/sh -c 'exit 3'
expect_exit 1 mlci validate broken:v1 --require 'accuracy >= 0'
expect_in "$err" "the run's status is 'failed', not 'succeeded'"

# Usage errors: exit 2.
expect_exit 2 mlci validate "$good" --require 'accuracy => 0.9'
expect_in "$err" "invalid criterion 'accuracy => 0.9'"
expect_in "$err" "did you mean '>='"
expect_exit 2 mlci validate "$good" --require 'accuracy'
expect_exit 2 mlci validate "$good" --max-regression accuracy=0.1
expect_in "$err" "--max-regression needs a baseline"
expect_exit 2 mlci validate "$good" --baseline no-such-run
expect_exit 2 mlci validate iris:v1
expect_in "$err" "'iris:v1' is not a run"
expect_exit 2 mlci validate
pass
