# Loud defaults: a default that would silently do nothing says so or does
# something. train warns about a run that records nothing to reuse or gate;
# validate refuses to gate on nothing; watch with no rules uses documented
# default rules; a run's name follows the one rule train's help states.
source "$(dirname "$0")/lib.sh"

out=$SCRATCH/out err=$SCRATCH/err # what expect_exit kept

cp -r "$MLCI_SOURCE_DIR/share/examples/iris" proj
cd proj
git init -q && git add -A && git commit -qm example
expect_exit 0 mlci init
/usr/bin/python3 scripts/export_data.py
expect_exit 0 mlci data-version add data/iris.csv -m "first export"

# --- train: a run with no output and no metrics warns ---------------------------
mkdir -p ../bare && cd ../bare
git init -q && echo 'print("hello")' >hello.py && git add -A && git commit -qm hello
expect_exit 0 mlci --store ../proj/.mlci train -- /usr/bin/python3 hello.py
expect_in "$err" "warning: the run declares no output and no metrics file"
# Even with -q: a warning is not a note.
expect_exit 0 mlci --store ../proj/.mlci -q train --force -- /usr/bin/python3 hello.py
expect_in "$err" "warning: the run declares no output and no metrics file"
# Named after its command's script (no mlci.yaml here).
expect_eq "$(cat "$out")" "hello:v2" "the run's name without mlci.yaml"
# A metrics file, or an output, is something to gate or reuse: no warning.
echo 'import json; json.dump({"accuracy": 0.5}, open("m.json", "w")); open("model.txt", "w").write("m")' >m.py
expect_exit 0 mlci --store ../proj/.mlci train --metrics m.json -o model.txt -- /usr/bin/python3 m.py
expect_not_in "$err" "warning"
run_m=$(cat "$out")
cd ../proj

# --- run naming: mlci.yaml's train.name for its command, the script otherwise ---
expect_exit 0 mlci train --help
expect_in "$out" "default: train.name when mlci.yaml's command runs"
expect_exit 0 mlci train
expect_eq "$(cat "$out")" "iris-classifier:v1" "mlci.yaml's command is named train.name"
expect_not_in "$err" "warning"
expect_exit 0 mlci train -o model.pkl --metrics metrics.json -- /usr/bin/python3 src/train.py data/iris.csv
expect_eq "$(cat "$out")" "train:v1" "a command after '--' is named after its script"
good=iris-classifier:v1

# --- validate: no criteria is refused, unless asked for -------------------------
expect_exit 0 mlci validate "$good" # mlci.yaml's criteria
(cd ../bare && expect_exit 2 mlci --store ../proj/.mlci validate "$run_m")
expect_in "$err" "no criteria to validate '$run_m' against: no mlci.yaml found"
expect_in "$err" "--allow-no-criteria"
# Nothing was validated, so package has nothing to accept.
(cd ../bare && expect_exit 1 mlci --store ../proj/.mlci package "$run_m")
expect_in "$err" "has no passing validation"
(cd ../bare && expect_exit 0 mlci --store ../proj/.mlci validate "$run_m" --allow-no-criteria)
expect_in "$err" "no criteria: only the run's status is checked"
(cd ../bare && expect_exit 0 mlci --store ../proj/.mlci validate "$run_m" --require 'accuracy >= 0.4')
(cd ../bare && expect_exit 1 mlci --store ../proj/.mlci validate "$run_m" --require 'accuracy >= 0.9')
# An mlci.yaml without a validate section gives no criteria either.
mkdir -p ../noyaml && printf 'gc: {keep_last: 3}\n' >../noyaml/mlci.yaml
(cd ../noyaml && expect_exit 2 mlci --store ../proj/.mlci validate "$run_m")
expect_in "$err" "mlci.yaml' declares none"

# --- watch: no rules means the default rules, not silence ------------------------
sed -i '/^watch:/,$d' mlci.yaml # the example's own rules would hide the default
/usr/bin/python3 scripts/simulate_traffic.py >events.jsonl
/usr/bin/python3 scripts/simulate_traffic.py --drift >shifted.jsonl
expect_exit 0 mlci watch --once --baseline iris:v1 events.jsonl
expect_in "$err" "no rules given: using the default rules 'psi(*) > 0.2', 'prediction_psi > 0.2'"
expect_not_in "$err" "alert:"
expect_exit 1 mlci watch --once --baseline iris:v1 shifted.jsonl
expect_in "$err" "alert: psi(petal_length) = "
[[ $(cat "$out") == watch-iris:v1 ]] || fail "the default rules' alert stored no report: $(cat "$out")"
# A rule given replaces the defaults.
expect_exit 0 mlci watch --once --baseline iris:v1 --rule 'missing(*) > 0.5' shifted.jsonl
expect_not_in "$err" "default rules"
expect_exit 0 mlci watch --help
expect_in "$out" "default: 'psi(*) > 0.2', 'prediction_psi > 0.2'"

pass
