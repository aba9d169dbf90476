# The image mlci package builds, run for real: the iris example trained,
# validated and packaged on a Python base made from Debian packages, loaded
# into podman and started; its HTTP API answers with the model's predictions,
# and podman sees the entrypoint, cmd, env, ports and labels mlci.yaml and
# mlci package set. Needs podman, runc, mmdebstrap and umoci
# (share/scripts/install-deps.sh installs them): a missing one fails the test.
source "$(dirname "$0")/lib.sh"
source "$MLCI_SOURCE_DIR/tests/cli/python_base.sh"

for tool in podman runc mmdebstrap umoci dpkg-deb curl flock; do
    command -v "$tool" >/dev/null ||
        fail "'$tool' is not installed: this test runs the packaged image (run share/scripts/install-deps.sh)"
done

py() { /usr/bin/python3 "$@"; }
# json FILE EXPR: EXPR of the JSON document d in FILE, printed as JSON.
json() { py -c "import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps($2, sort_keys=True))" "$1"; }

source "$MLCI_SOURCE_DIR/tests/cli/podman_fixture.sh"
container=""
cleanup() {
    if [[ -n $container ]]; then
        podman rm -f -t 0 "$container" >/dev/null 2>&1 || true
    fi
    podman_unmount
    rm -rf "$SCRATCH"
}
trap cleanup EXIT

python_base

# The example, trained, validated and packaged on that base: its pipeline's
# steps, with the package settings of its mlci.yaml and the base named there
# as its comments show (a layout in the project, found from the project's
# root wherever mlci package runs).
mkdir iris && cd iris
cp -r "$MLCI_SOURCE_DIR/share/examples/iris/." .
mkdir layouts && ln -s "$PYTHON_BASE" layouts/python
sed -i 's|^package:$|&\n  base: oci:layouts/python:python|' mlci.yaml
expect_in mlci.yaml "  base: oci:layouts/python:python"
git init -q && git add -A && git commit -qm example
expect_exit 0 mlci init
expect_exit 0 py scripts/export_data.py
expect_exit 0 mlci data-version add data/iris.csv -m "iris from scikit-learn"
expect_exit 0 mlci train
run=$(cat "$SCRATCH/out")
expect_exit 0 mlci validate "$run"
(cd src && expect_exit 0 mlci package "$run" --output "oci-archive:$SCRATCH/iris.tar")
tag=$(cat "$SCRATCH/out")
expect_eq "$tag" "iris-image:v1" "the package's tag (package.tag in mlci.yaml)"
mlci --json show "$tag" >"$SCRATCH/package.json" 2>/dev/null
# The same base given as --base: the same image, unchanged.
expect_exit 0 mlci --json package "$run" --base "oci:$PYTHON_BASE:python"
expect_eq "$(json "$SCRATCH/out" '[d["reference"], d["unchanged"], d["digest"]]')" \
    "$(json "$SCRATCH/package.json" '["iris-image:v1", True, d["digest"]]')" "the image packaged with --base"
mlci --json show "$run" >"$SCRATCH/run.json" 2>/dev/null
# What the image should be: mlci.yaml's package settings over the base's
# config and layers (read from its layout).
py - mlci.yaml "$PYTHON_BASE" >"$SCRATCH/wanted.json" <<'PY'
import json, os, sys, yaml
package = yaml.safe_load(open(sys.argv[1]))["package"]
layout = sys.argv[2]
blob = lambda digest: json.load(open(os.path.join(layout, "blobs", *digest.split(":"))))
manifest = blob(json.load(open(os.path.join(layout, "index.json")))["manifests"][0]["digest"])
package["base"] = {"layers": [l["digest"] for l in manifest["layers"]],
                   "config": blob(manifest["config"]["digest"])["config"]}
json.dump(package, sys.stdout)
PY
want() { json "$SCRATCH/wanted.json" "$1"; }
# The base's layers come first, as they were.
expect_eq "$(json "$SCRATCH/package.json" '[l["digest"] for l in d["manifest"]["layers"]][:len(d["manifest"]["layers"]) - 2]')" \
    "$(want 'd["base"]["layers"]')" "the base's layers"

# Into podman, as the archive mlci package --output wrote.
expect_exit 0 podman load -i "$SCRATCH/iris.tar"
expect_in "$SCRATCH/out" "Loaded image: localhost/$tag"
podman image inspect "localhost/$tag" >"$SCRATCH/inspect.json" 2>"$SCRATCH/err" ||
    fail "podman cannot inspect the loaded image: $(cat "$SCRATCH/err")"

# podman sees the config mlci package wrote (the same config blob: the same
# image ID), and that config is what mlci.yaml asked for.
expect_eq "sha256:$(json "$SCRATCH/inspect.json" 'd[0]["Id"]' | tr -d '"')" \
    "$(json "$SCRATCH/package.json" 'd["manifest"]["config"]["digest"]' | tr -d '"')" "image ID"
for field in Entrypoint Cmd Env ExposedPorts Labels WorkingDir; do
    expect_eq "$(json "$SCRATCH/inspect.json" "d[0]['Config'].get('$field')")" \
        "$(json "$SCRATCH/package.json" "d['config']['config'].get('$field')")" "podman's $field"
done
cfg() { json "$SCRATCH/inspect.json" "d[0]['Config']$1"; }
expect_eq "$(cfg "['Entrypoint']")" "$(want 'd["entrypoint"]')" "entrypoint"
expect_eq "$(cfg "['Cmd']")" "$(want 'd["cmd"]')" "cmd"
expect_eq "$(cfg "['ExposedPorts']")" "$(want '{f"{p}/tcp": {} for p in d["ports"]}')" "exposed ports"
# The base's env (its PATH), MLCI_MODEL_DIR, then the configured env.
expect_eq "$(cfg "['Env']")" \
    "$(want 'd["base"]["config"]["Env"] + ["MLCI_MODEL_DIR=/model"] + [f"{k}={v}" for k, v in d["env"].items()]')" \
    "env"
expect_eq "$(cfg "['Labels']['dev.mlci.lineage.run']")" "$(json "$SCRATCH/run.json" 'd["digest"]')" "the run label"
expect_eq "$(cfg "['Labels']['org.opencontainers.image.revision']")" "\"$(git rev-parse HEAD)\"" "the revision label"

# Started as podman starts any image, its port published on loopback.
port=$(want 'd["ports"][0]')
host_port=$(py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
expect_exit 0 podman run -d -p "127.0.0.1:$host_port:$port" "localhost/$tag"
container=$(cat "$SCRATCH/out")
url=http://127.0.0.1:$host_port
for _ in $(seq 1 300); do
    code=$(curl -s -o "$SCRATCH/health" -w '%{http_code}' "$url/healthz" || true)
    [[ $code == 200 ]] && break
    [[ $(podman inspect -f '{{.State.Running}}' "$container" 2>/dev/null) == true ]] || break
    sleep 0.1
done
if [[ $code != 200 ]]; then
    podman logs "$container" >&2 || true
    fail "the container does not answer /healthz with 200 (got '$code'; its log above)"
fi
expect_eq "$(json "$SCRATCH/health" d)" '{"status": "ok"}' "/healthz"

# Real iris rows: the container predicts what the run's model predicts here,
# and the known setosa is a setosa.
py - data/iris.csv >"$SCRATCH/rows.jsonl" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for species in ("setosa", "versicolor", "virginica"):
    row = next(r for r in rows if r["species"] == species)
    print(json.dumps({"features": {k: float(v) for k, v in row.items() if k != "species"}}))
PY
predictions=()
while read -r row; do
    code=$(curl -s -o "$SCRATCH/predict" -w '%{http_code}' -H 'Content-Type: application/json' \
        -d "$row" "$url/predict")
    expect_eq "$code" 200 "/predict of $row"
    expect_eq "$(json "$SCRATCH/predict" 'sorted(d)')" '["prediction"]' "the keys /predict answers"
    predictions+=("$(json "$SCRATCH/predict" 'd["prediction"]' | tr -d '"')")
done <"$SCRATCH/rows.jsonl"
expected=$(py - model.pkl "$SCRATCH/rows.jsonl" <<'PY'
import json, pickle, sys
sys.path.insert(0, "src")
from serve import predict
model = pickle.load(open(sys.argv[1], "rb"))
print(" ".join(predict(model, json.loads(line)["features"]) for line in open(sys.argv[2])))
PY
)
expect_eq "${predictions[*]}" "$expected" "the container's predictions"
expect_eq "${predictions[0]}" setosa "the prediction for a setosa"
# A bad request is refused by the server in the image, not by a crash.
code=$(curl -s -o "$SCRATCH/predict" -w '%{http_code}' -d '{"features": {}}' "$url/predict")
expect_eq "$code" 400 "/predict without features"
expect_in "$SCRATCH/predict" '"error"'

# The model in the image is the run's output, byte for byte. (Read by a
# container of its own: podman exec and podman cp into the running one fail
# where podman itself runs in a chroot, as test-fresh-machine.sh runs it.)
podman run --rm --entrypoint sha256sum "localhost/$tag" /model/model.pkl >"$SCRATCH/sum" 2>&1 ||
    fail "podman run sha256sum failed: $(cat "$SCRATCH/sum")"
expect_eq "sha256:$(cut -d' ' -f1 "$SCRATCH/sum")" \
    "$(json "$SCRATCH/run.json" '[o["digest"] for o in d["config"]["outputs"] if o["path"] == "model.pkl"][0]' | tr -d '"')" \
    "the model in the image"

pass
