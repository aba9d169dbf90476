# mlci init --example: a commented mlci.yaml for the project found, that the
# steps then run as written; never over an existing mlci.yaml.
source "$(dirname "$0")/lib.sh"

mkdir proj && cd proj
git init -q . && echo ".mlci/" >> .git/info/exclude
mkdir data tests
printf 'x,y\n1,2\n3,4\n' > data/points.csv
echo "numpy" > requirements.txt
echo "def test_ok(): pass" > tests/test_ok.py
cat > train.py <<'PY'
import json
open("model.pkl", "wb").write(b"model")
json.dump({"accuracy": 0.9}, open("metrics.json", "w"))
PY

expect_exit 0 mlci init --example
expect_in "$SCRATCH/err" "wrote 'mlci.yaml' (training script: train.py; 1 dataset found)"
[[ -d .mlci ]] || fail "no store"
expect_in mlci.yaml "path: data/points.csv"
expect_in mlci.yaml "command: [python3, train.py]"
expect_in mlci.yaml "outputs: [model.pkl]"
expect_in mlci.yaml "metrics: metrics.json"
expect_in mlci.yaml "inputs: [points]"
expect_in mlci.yaml "Found requirements.txt"
expect_in mlci.yaml "mlci.yaml(5)"
grep -q "^test:" mlci.yaml || fail "a tests folder gives a test section"

# The config works as written: version the data, train, see it in status.
sed -i 's/\[python3, /[\/usr\/bin\/python3, /' mlci.yaml
mlci data-version add data/points.csv >/dev/null 2>&1
git add -A && git commit -qm init
expect_exit 0 mlci train
expect_eq "$(cat "$SCRATCH/out")" "proj:v1" "the run the example names"
expect_exit 0 mlci status
expect_in "$SCRATCH/out" "points  data/points.csv.mlci  points:v1  up to date"
expect_in "$SCRATCH/out" "cached: 'mlci train' restores proj:v1"

# Never overwritten: exit 2, the file unchanged.
cp mlci.yaml "$SCRATCH/edited.yaml"
expect_exit 2 mlci init --example
expect_in "$SCRATCH/err" "'mlci.yaml' exists"
cmp -s mlci.yaml "$SCRATCH/edited.yaml" || fail "mlci.yaml was changed"

# An empty folder: a config that parses, with its sections commented out.
mkdir "$SCRATCH/empty" && cd "$SCRATCH/empty"
expect_exit 0 mlci init --example
expect_in "$SCRATCH/err" "training script: none found; 0 datasets found"
expect_exit 0 mlci status
expect_in "$SCRATCH/out" "train: not configured"
pass
