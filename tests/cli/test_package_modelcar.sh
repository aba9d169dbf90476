# mlci package --layout modelcar: a model-only image as KServe's oci:// storage
# URI reads it (the model under /models on a base with a shell), checked with
# umoci and skopeo, run with podman as KServe's modelcar container runs it,
# pushed to a real registry, and pinned by digest in an InferenceService
# (share/deploy/kserve/inferenceservice.yaml) by a gitops deploy.
source "$(dirname "$0")/lib.sh"
source "$MLCI_SOURCE_DIR/tests/cli/registry_fixture.sh"
export TZ=UTC
unset SOURCE_DATE_EPOCH

for tool in umoci skopeo podman runc; do
    command -v "$tool" >/dev/null ||
        fail "'$tool' is not installed (run share/scripts/install-deps.sh)"
done
json() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

source "$MLCI_SOURCE_DIR/tests/cli/podman_fixture.sh"
cleanup() {
    stop_registries
    podman_unmount
    rm -rf "$SCRATCH"
}
trap cleanup EXIT

# A minimal base with a shell, as busybox is: this machine's dash as /bin/sh,
# ln and sleep, and the C library they need.
mkdir -p shellroot/bin shellroot/lib64 shellroot/lib/x86_64-linux-gnu shellroot/mnt shellroot/tmp
cp /bin/dash shellroot/bin/sh
cp /bin/ln /bin/sleep shellroot/bin/
cp -L /lib/x86_64-linux-gnu/libc.so.6 shellroot/lib/x86_64-linux-gnu/
cp -L /lib64/ld-linux-x86-64.so.2 shellroot/lib64/
{
    umoci init --layout base &&
        umoci new --image base:shell &&
        umoci unpack --rootless --image base:shell bundle &&
        cp -a shellroot/. bundle/rootfs/ &&
        umoci repack --image base:shell bundle &&
        umoci config --image base:shell --os linux --architecture amd64 \
            --config.env PATH=/bin
} >umoci.log 2>&1 || {
    cat umoci.log >&2
    fail "umoci could not make the shell base"
}
rm -rf bundle

# The example project, trained and validated for real.
mkdir project && cd project
cp -r "$MLCI_SOURCE_DIR/share/examples/iris/." .
sed -i '/^package:/,$d' mlci.yaml
git init -q && git add -A && git commit -qm example
mlci init >/dev/null 2>&1
/usr/bin/python3 scripts/export_data.py
mlci data-version add data/iris.csv >/dev/null 2>&1
run=$(mlci train 2>/dev/null)
mlci validate "$run" >/dev/null 2>&1
base=(--base "oci:$SCRATCH/base:shell")

# What cannot be a modelcar is refused before anything is written.
expect_exit 2 mlci package "$run" --layout modelcar
expect_in "$SCRATCH/err" "a modelcar needs a base image with a shell"
expect_exit 2 mlci package "$run" --layout modelcar --base scratch
expect_exit 2 mlci package "$run" --layout modelcar "${base[@]}" --add mlci.yaml
expect_in "$SCRATCH/err" "--add has no use in a modelcar"
expect_exit 2 mlci package "$run" --layout modelcar "${base[@]}" --model-dir /model
expect_exit 2 mlci package "$run" --layout modelcar "${base[@]}" --format modelpack
expect_exit 2 mlci package "$run" --layout sidecar "${base[@]}"
expect_exit 0 mlci package --help
expect_in "$SCRATCH/out" "--layout"

# The modelcar: the base's layer, then the model under /models.
expect_exit 0 mlci --json package "$run" --layout modelcar "${base[@]}" --tag iris-modelcar:1 \
    --output "oci-archive:$SCRATCH/modelcar.tar"
cp "$SCRATCH/out" package.json
digest=$(json package.json 'd["digest"]')
expect_eq "$(json package.json 'len(d["layers"]), d["model_files"], d["serving_files"]')" "1 1 0"
skopeo inspect --raw oci:.mlci:iris-modelcar:1 >manifest.json
expect_eq "$(json manifest.json 'len(d["layers"])')" "2" "layers: the base's and the model's"
skopeo inspect --config oci:.mlci:iris-modelcar:1 >config.json
expect_in config.json '"MLCI_MODEL_DIR=/models"'
expect_in config.json '"PATH=/bin"' # the base's config is kept
expect_eq "$(json config.json 'd["os"], d["architecture"]')" "linux amd64"
expect_eq "$(json config.json 'd["history"][-1]["comment"]')" "1 model files under /models"
umoci unpack --rootless --image .mlci:iris-modelcar:1 "$SCRATCH/unpacked" >/dev/null 2>&1 ||
    fail "umoci cannot unpack the modelcar"
cmp "$SCRATCH/unpacked/rootfs/models/model.pkl" model.pkl || fail "/models/model.pkl is not the run's model"
[[ -x $SCRATCH/unpacked/rootfs/bin/sh ]] || fail "the modelcar lost the base's shell"
[[ ! -e $SCRATCH/unpacked/rootfs/model ]] || fail "the model is also under /model"
# The same run and base give the same modelcar (the tag is in its annotations).
expect_exit 0 mlci --json package "$run" --layout modelcar "${base[@]}" --tag iris-modelcar:1
expect_eq "$(json "$SCRATCH/out" 'd["digest"]')" "$digest" "a modelcar packaged twice"
# From mlci.yaml as well.
cat >>mlci.yaml <<EOF
package:
  layout: modelcar
  base: oci:$SCRATCH/base:shell
EOF
expect_exit 0 mlci --json package "$run" --tag iris-modelcar:1
expect_eq "$(json "$SCRATCH/out" 'd["digest"]')" "$digest" "a modelcar from mlci.yaml"

# KServe's modelcar container: sh links /models where the model server
# reads it, and sleeps; here it checks the model is there instead.
expect_exit 0 podman load -i "$SCRATCH/modelcar.tar"
expect_exit 0 podman run --rm --network none localhost/iris-modelcar:1 \
    sh -c 'ln -s /proc/$$/root/models /mnt/ && test -s /mnt/models/model.pkl && echo modelcar-ok'
expect_in "$SCRATCH/out" "modelcar-ok"

# Pushed to a registry: the same digest there, the files under /models.
start_registry open
repo="$REG_OPEN/ml/iris-modelcar"
expect_exit 0 mlci push iris-modelcar:1 "$repo:1" --plain-http
skopeo inspect --tls-verify=false "docker://$repo:1" >remote.json
expect_eq "$(json remote.json 'd["Digest"]')" "$digest" "the pushed modelcar's digest"

# The InferenceService example, kept in a gitops repository, pinned by digest.
git init -q --bare -b main "$SCRATCH/k8s.git"
git clone -q "$SCRATCH/k8s.git" "$SCRATCH/seed" 2>/dev/null
mkdir -p "$SCRATCH/seed/kserve"
sed "s|registry.example.com/ml/iris-modelcar|$repo|" \
    "$MLCI_SOURCE_DIR/share/deploy/kserve/inferenceservice.yaml" >"$SCRATCH/seed/kserve/iris.yaml"
(cd "$SCRATCH/seed" && git add -A && git commit -qm "iris InferenceService" && git push -q origin main)
expect_exit 0 mlci deploy iris-modelcar:1 --env prod --image "$repo" \
    --target "gitops:file://$SCRATCH/k8s.git#kserve/iris.yaml"
git --git-dir="$SCRATCH/k8s.git" show main:kserve/iris.yaml >pinned.yaml
expect_in pinned.yaml "storageUri: oci://$repo@$digest"
expect_not_in pinned.yaml "$repo:"
# Everything else in the file is as it was.
diff <(sed "s|oci://$repo@$digest|X|" pinned.yaml) \
    <(sed "s|oci://$repo:[^ ]*|X|" "$SCRATCH/seed/kserve/iris.yaml") ||
    fail "the deploy changed more than the storageUri"
# The model server reads the pinned URI: skopeo finds it in the registry.
skopeo inspect --tls-verify=false "docker://$repo@$digest" >pinned.json
expect_eq "$(json pinned.json 'd["Digest"]')" "$digest" "the pinned storageUri"
pass
