# mlci package: a real run of the iris example packaged, and checked with
# the OCI tools that will read it (skopeo, umoci).
source "$(dirname "$0")/lib.sh"
export TZ=UTC
unset SOURCE_DATE_EPOCH

json() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
blob() { echo ".mlci/blobs/sha256/${1#sha256:}"; }

# Help works outside a store; packaging needs one.
expect_exit 0 mlci package --help
expect_in out "--allow-unvalidated"
expect_exit 0 mlci help package
expect_in out "SOURCE_DATE_EPOCH"
expect_exit 2 mlci package iris-classifier:v1
expect_in err "run 'mlci init'"

# The example project, trained for real.
cp -r "$MLCI_SOURCE_DIR/share/examples/iris/." .
# This test sets the package settings itself: drop the example's (and the
# environments after them).
sed -i '/^package:/,$d' mlci.yaml
git init -q && git add -A && git commit -qm example
mlci init >/dev/null 2>&1
/usr/bin/python3 scripts/export_data.py
mlci data-version add data/iris.csv >/dev/null 2>&1
run=$(mlci train 2>/dev/null)
run_digest=$(mlci --json show "$run" 2>/dev/null | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])')

# No validation: refused with exit 1, unless --allow-unvalidated.
expect_exit 1 mlci package "$run"
expect_in err "has no passing validation (run 'mlci validate $run' or pass --allow-unvalidated)"
expect_exit 0 mlci package "$run" --allow-unvalidated --tag unvalidated:1
expect_eq "$(cat out)" "unvalidated:1" "tag of an unvalidated package"
expect_in err "without a passing validation"
# A failed validation is refused too.
expect_exit 1 mlci validate "$run" --require 'accuracy >= 0.9999'
expect_exit 1 mlci package "$run"
expect_in err "failed"

# A passing validation: the image is made, tagged, and readable by skopeo.
expect_exit 0 mlci validate "$run"
cat > serve.py <<'PY'
import os, pickle
print(pickle.load(open(os.path.join(os.environ["MLCI_MODEL_DIR"], "model.pkl"), "rb")))
PY
expect_exit 0 mlci package "$run" --entrypoint python3 --entrypoint /app/serve.py --add serve.py \
    --port 8080 --env MODE=prod --label team=ml
tag=$(cat out)
expect_eq "$tag" "iris-classifier-image:v1" "package tag"
skopeo inspect "oci:.mlci:$tag" >inspect.json
expect_eq "$(json inspect.json 'd["Architecture"], d["Os"], d["Labels"]["team"]')" "amd64 linux ml"
skopeo inspect --raw "oci:.mlci:$tag" >manifest.json
expect_eq "$(json manifest.json 'd["annotations"]["dev.mlci.verdict"]')" "passed"
expect_eq "$(json manifest.json 'd["annotations"]["dev.mlci.lineage.run"]')" "$run_digest"
expect_eq "$(json manifest.json 'd["annotations"]["org.opencontainers.image.revision"]')" "$(git rev-parse HEAD)"
expect_in manifest.json '"dev.mlci.metric.accuracy"'
expect_in manifest.json '"dev.mlci.lineage.inputs"'
expect_eq "$(json manifest.json 'len(d["layers"]), d["layers"][0]["mediaType"]')" \
    "2 application/vnd.oci.image.layer.v1.tar+gzip"
image_digest=$(skopeo inspect "oci:.mlci:$tag" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["Digest"])')

# A layer is a reproducible tar: sorted entries, one fixed mtime, root-owned.
model_layer=$(json manifest.json 'd["layers"][0]["digest"]')
tar -tvzf "$(blob "$model_layer")" >listing
expect_eq "$(awk '{print $6}' listing | tr '\n' ' ')" "model/ model/model.pkl "
expect_eq "$(awk '{print $2, $4, $5}' listing | sort -u)" "0/0 1980-01-01 00:00"
tar -tzf "$(blob "$(json manifest.json 'd["layers"][1]["digest"]')")" >serving
expect_eq "$(tr '\n' ' ' <serving)" "app/ app/serve.py "

# umoci unpacks it: the model byte for byte, the entrypoint in config.json.
umoci unpack --rootless --image ".mlci:$tag" bundle >/dev/null 2>&1 || fail "umoci unpack"
cmp bundle/rootfs/model/model.pkl model.pkl || fail "unpacked model differs from the run's output"
cmp bundle/rootfs/app/serve.py serve.py || fail "unpacked serve.py differs"
expect_eq "$(json bundle/config.json 'd["process"]["args"]')" "['python3', '/app/serve.py']"
expect_eq "$(json bundle/config.json 'd["process"]["cwd"]')" "/app"
expect_in bundle/config.json "MLCI_MODEL_DIR=/model"
expect_in bundle/config.json "MODE=prod"
# skopeo copies it to another layout.
skopeo copy -q "oci:.mlci:$tag" oci:copied:x >/dev/null 2>&1 || fail "skopeo copy"
expect_eq "$(skopeo inspect oci:copied:x | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["Digest"])')" "$image_digest"

# The same run and flags again: the same image, still v1.
expect_exit 0 mlci package "$run" --entrypoint python3 --entrypoint /app/serve.py --add serve.py \
    --port 8080 --env MODE=prod --label team=ml
expect_eq "$(cat out)" "$tag" "tag when packaged again"
expect_in err "unchanged"
# From a pipe, through the validation that validate prints: a new
# validation is named in the image, so the image is a new one.
expect_exit 0 bash -c "'$MLCI' validate '$run' 2>/dev/null >validation; '$MLCI' --json package - \
    --entrypoint python3 <validation"
expect_eq "$(json out 'd["validation"]["digest"], d["validation"]["verdict"]')" "$(cat validation) passed"
expect_eq "$(json out 'd["run"]["digest"]')" "$run_digest"

# The provenance attestation is a referrer of the image, in the index.
/usr/bin/python3 - "$image_digest" <<'PY' || fail "no provenance referrer"
import json, sys
image = sys.argv[1]
for m in json.load(open(".mlci/index.json"))["manifests"]:
    if m.get("artifactType") != "application/vnd.in-toto+json":
        continue
    doc = json.load(open(".mlci/blobs/sha256/" + m["digest"][7:]))
    if doc["subject"]["digest"] == image:
        statement = json.load(open(".mlci/blobs/sha256/" + doc["layers"][0]["digest"][7:]))
        assert statement["predicateType"] == "https://slsa.dev/provenance/v1"
        assert statement["subject"][0]["digest"]["sha256"] == image[7:]
        sys.exit(0)
sys.exit(1)
PY

# SOURCE_DATE_EPOCH sets the tar mtimes and the creation time.
SOURCE_DATE_EPOCH=1700000000 expect_exit 0 mlci --json package "$run" --tag epoch:1
expect_eq "$(json out 'd["created"]')" "2023-11-14T22:13:20Z"
tar -tvzf "$(blob "$(json out 'd["layers"][0]["digest"]')")" >listing
expect_eq "$(awk '{print $4, $5}' listing | sort -u)" "2023-11-14 22:13"
SOURCE_DATE_EPOCH=soon expect_exit 2 mlci package "$run"

# Archives that docker load / podman load take, checked with skopeo.
expect_exit 0 mlci package "$run" --entrypoint python3 --output oci-archive:image.oci.tar
skopeo inspect oci-archive:image.oci.tar >/dev/null || fail "skopeo cannot read the oci-archive"
expect_exit 0 mlci package "$run" --entrypoint python3 --compression zstd --output docker-archive:image.docker.tar
docker_tag=$(cat out)
skopeo inspect docker-archive:image.docker.tar >docker.json || fail "skopeo cannot read the docker-archive"
expect_eq "$(json docker.json 'len(d["Layers"])')" "1"
tar -xOf image.docker.tar manifest.json >docker-manifest.json
expect_eq "$(json docker-manifest.json 'd[0]["RepoTags"]')" "['$docker_tag']"

# A base image from an OCI layout: its layers come first, reused as they are.
expect_exit 0 mlci package "$run" --base "oci:copied:x" --tag on-base:1 --cmd serve
skopeo inspect --raw oci:.mlci:on-base:1 >on-base.json
expect_eq "$(json on-base.json 'd["layers"][0]["digest"] == "'"$model_layer"'"')" "True"
expect_eq "$(json on-base.json 'len(d["layers"])')" "3"
expect_eq "$(json on-base.json 'd["annotations"]["org.opencontainers.image.base.digest"]')" "$image_digest"
# Flags take one value each, so they may come before REF.
expect_exit 0 mlci package --entrypoint python3 --entrypoint -u --tag order:1 "$run"
skopeo inspect --config oci:.mlci:order:1 >cfg.json
expect_eq "$(json cfg.json 'd["config"]["Entrypoint"]')" "['python3', '-u']"
# Bad bases are usage errors that say what to do.
expect_exit 2 mlci package "$run" --base no-such-image:1
expect_exit 3 mlci package "$run" --base registry.invalid/python:3.11
expect_in err "cannot reach registry 'registry.invalid'"
expect_exit 2 mlci package "$run" --base oci:no-such-dir
expect_exit 2 mlci package "$run" --compression xz
expect_exit 2 mlci package "$run" --port http

# ModelPack: weights as uncompressed layers, with the model config.
expect_exit 0 mlci package "$run" --format modelpack
expect_eq "$(cat out)" "iris-classifier-modelpack:v1"
skopeo inspect --raw oci:.mlci:iris-classifier-modelpack:v1 >mp.json
expect_eq "$(json mp.json 'd["artifactType"], d["config"]["mediaType"]')" \
    "application/vnd.cncf.model.manifest.v1+json application/vnd.cncf.model.config.v1+json"
expect_eq "$(json mp.json 'd["layers"][0]["mediaType"], d["layers"][0]["annotations"]["org.cncf.model.filepath"]')" \
    "application/vnd.cncf.model.weight.v1.tar model.pkl"
tar -tf "$(blob "$(json mp.json 'd["layers"][0]["digest"]')")" >mp-listing
expect_eq "$(cat mp-listing)" "model.pkl"
expect_exit 2 mlci package "$run" --format modelpack --entrypoint x

# mlci.yaml's package: section; flags win over it.
cat >>mlci.yaml <<'YAML'
package:
  entrypoint: [python3, /app/serve.py]
  add: [serve.py]
  ports: [9090]
  tag: from-yaml
YAML
expect_exit 0 mlci package "$run"
expect_eq "$(cat out)" "from-yaml:v1"
skopeo inspect --config oci:.mlci:from-yaml:v1 >cfg.json
expect_eq "$(json cfg.json 'list(d["config"]["ExposedPorts"])')" "['9090/tcp']"
expect_exit 0 mlci package "$run" --tag flags:1 --port 7070
skopeo inspect --config oci:.mlci:flags:1 >cfg.json
expect_eq "$(json cfg.json 'list(d["config"]["ExposedPorts"])')" "['7070/tcp']"
echo "  bogus: 1" >>mlci.yaml
expect_exit 2 mlci package "$run"
expect_in err "package.bogus"
git checkout -q mlci.yaml

# The same model files trained in another store give the same model layer.
mkdir other && cp -r "$MLCI_SOURCE_DIR/share/examples/iris/." other/
(
    cd other
    git init -q && git add -A && git commit -qm other
    mlci init >/dev/null 2>&1
    /usr/bin/python3 scripts/export_data.py
    mlci data-version add data/iris.csv >/dev/null 2>&1
    other_run=$(mlci train 2>/dev/null)
    cmp model.pkl ../model.pkl || fail "training is not deterministic here"
    mlci --json package "$other_run" --allow-unvalidated >../other.json 2>/dev/null
)
expect_eq "$(json other.json 'd["layers"][0]["digest"]')" "$model_layer" "model layer in another store"
mlci verify >/dev/null 2>&1 || fail "the store does not verify after packaging"
# --platform: what a scratch image declares (and what a multi-platform base gives).
expect_exit 0 mlci package "$run" --entrypoint python3 --platform linux/arm64/v8 --tag arm:1
skopeo inspect --config oci:.mlci:arm:1 >arm.json
expect_eq "$(json arm.json 'd["architecture"] + "/" + d["variant"]')" "arm64/v8" "platform"
expect_exit 2 mlci package "$run" --platform arm64
expect_in err "bad platform 'arm64'"

# A base in a registry: pulled into the store, its layers under the model's.
source "$MLCI_SOURCE_DIR/tests/cli/registry_fixture.sh"
start_registry open
skopeo copy -q --dest-tls-verify=false oci:.mlci:arm:1 "docker://$REG_OPEN/base/img:1"
base_layers=$(skopeo inspect --tls-verify=false "docker://$REG_OPEN/base/img:1" | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)["Layers"]))')
expect_exit 0 mlci package "$run" --base "$REG_OPEN/base/img:1" --plain-http --entrypoint python3 --tag onbase:1
expect_in err "base $REG_OPEN/base/img:1 pulled as img:1"
layers=$(skopeo inspect oci:.mlci:onbase:1 | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)["Layers"]))')
((layers > base_layers)) || fail "the image has $layers layers, the base $base_layers"
expect_exit 3 mlci package "$run" --base "127.0.0.1:1/none/img:1" --plain-http --entrypoint python3

pass
