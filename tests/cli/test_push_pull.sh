# mlci push / pull / login against real registries (Debian's docker-registry:
# open, htpasswd basic auth, bearer tokens), skopeo, and oci: layouts.
source "$(dirname "$0")/lib.sh"
source "$MLCI_SOURCE_DIR/tests/cli/registry_fixture.sh"

# Credentials only from what each step sets up here.
export HOME="$SCRATCH/home"
mkdir -p "$HOME"
unset MLCI_REGISTRY_USER MLCI_REGISTRY_PASSWORD CI_REGISTRY CI_REGISTRY_USER CI_REGISTRY_PASSWORD \
    DOCKER_CONFIG XDG_CONFIG_HOME MLCI_AUTH_FILE
# Every stdout and stderr of the test, to prove the password never shows.
LOG="$SCRATCH/all-output"
: >"$LOG"
keep() { cat "$SCRATCH/out" "$SCRATCH/err" >>"$LOG"; }
json_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$SCRATCH/out" "$1"; }

# Help works outside a store.
expect_exit 0 mlci push --help
expect_in out "--plain-http"
expect_exit 0 mlci help pull
expect_exit 0 mlci help login

start_registry open

mlci init >/dev/null
mkdir -p data/iris data/model
python3 - <<'PY'
import random
random.seed(7)
with open("data/iris/iris.csv", "w") as f:
    f.write("sepal_length,sepal_width,species\n")
    for i in range(500):
        f.write(f"{random.uniform(4,8):.2f},{random.uniform(2,4.5):.2f},{random.choice(['setosa','versicolor'])}\n")
for i in range(40):
    with open(f"data/iris/part-{i:02d}.txt", "w") as f:
        f.write(f"part {i}\n" * (i + 1))
PY
head -c 3000000 /dev/urandom >data/model/weights.bin
head -c 100000 /dev/urandom >data/model/vocab.bin
expect_exit 0 mlci data-version add data/iris --name iris
expect_exit 0 mlci data-version add data/model --name model
iris_digest=$(python3 -c 'import json; print([m["digest"] for m in json.load(open(".mlci/index.json"))["manifests"] if m.get("annotations",{}).get("org.opencontainers.image.ref.name")=="iris:v1"][0])')

# A referrer of iris:v1 (as validate and signatures make): a manifest with
# iris:v1 as subject, listed untagged in the index.
python3 - "$iris_digest" <<'PY'
import hashlib, json, os, sys
subject = sys.argv[1]
def put(data):
    d = hashlib.sha256(data).hexdigest()
    with open(f".mlci/blobs/sha256/{d}", "wb") as f:
        f.write(data)
    return d
cfg = put(b'{"verdict":"pass"}')
size = os.path.getsize(f".mlci/blobs/sha256/{subject[7:]}")
m = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
     "artifactType": "application/vnd.mlci.test-report.v1",
     "config": {"mediaType": "application/vnd.mlci.test-report.config.v1+json", "digest": "sha256:" + cfg, "size": 18},
     "layers": [], "subject": {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": subject, "size": size}}
data = json.dumps(m, separators=(",", ":")).encode()
d = put(data)
idx = json.load(open(".mlci/index.json"))
idx["manifests"].append({"mediaType": m["mediaType"], "digest": "sha256:" + d, "size": len(data),
                         "artifactType": m["artifactType"]})
json.dump(idx, open(".mlci/index.json", "w"))
open("referrer.digest", "w").write("sha256:" + d)
PY
referrer=$(cat referrer.digest)
expect_exit 0 mlci verify

# --- push to the open registry
expect_exit 0 mlci push iris:v1 "$REG_OPEN/team/iris" --plain-http
keep
expect_eq "$(cat out)" "$REG_OPEN/team/iris:v1@$iris_digest" "pushed reference"
# skopeo reads what was pushed, byte for byte.
skopeo inspect --raw --tls-verify=false "docker://$REG_OPEN/team/iris:v1" >remote.json
expect_eq "sha256:$(sha256sum <remote.json | cut -d' ' -f1)" "$iris_digest" "remote manifest digest"
# The registry (no referrers API) lists the referrer and the blob index under the fallback tag.
skopeo inspect --raw --tls-verify=false "docker://$REG_OPEN/team/iris:sha256-${iris_digest#sha256:}" >referrers.json
expect_in referrers.json "$referrer"
expect_in referrers.json "application/vnd.mlci.blobs.v1"

# Re-push sends no blob bytes.
expect_exit 0 mlci --json push iris:v1 "$REG_OPEN/team/iris" --plain-http
keep
expect_eq "$(json_field blobs_uploaded)" 0 "blobs uploaded on re-push"
expect_eq "$(json_field bytes_uploaded)" 0 "bytes uploaded on re-push"

# A second artifact, from standard input, in resumable 1 MiB chunks.
echo model:v1 | expect_exit 0 mlci --json push - "$REG_OPEN/team/model:v1" --plain-http --chunk-size 1 -j 2
keep
[[ $(json_field bytes_uploaded) -ge 3100000 ]] || fail "model bytes uploaded: $(json_field bytes_uploaded)"
model_digest=$(json_field digest)

# Another repository of the same registry mounts the blobs instead of uploading them.
expect_exit 0 mlci --json push iris:v1 "$REG_OPEN/other/iris:v1" --plain-http
keep
[[ $(json_field blobs_mounted) -gt 0 ]] || fail "no blob mounted: $(cat out)"
expect_eq "$(json_field bytes_uploaded)" 0 "bytes uploaded with mounts"

# --- pull into a second, fresh store
expect_exit 0 mlci --store other init
expect_exit 0 mlci --store other pull "$REG_OPEN/team/iris:v1" --plain-http
keep
expect_eq "$(cat out)" "iris:v1" "pulled reference"
expect_exit 0 mlci --store other --json pull "$REG_OPEN/team/model:v1" --plain-http -j 3
expect_eq "$(json_field digest)" "$model_digest" "model digest after pull"
expect_exit 0 mlci --store other verify
expect_exit 0 mlci --store other --json show iris:v1
expect_in out "$iris_digest"
# Every blob came along: file blobs (named by file lists only) and the referrer.
for b in .mlci/blobs/sha256/*; do
    [[ -f other/blobs/sha256/$(basename "$b") ]] || fail "blob $(basename "$b") not pulled"
done
expect_in other/index.json "$referrer"
# The same bytes come out of the pulled dataset.
if mlci data-version checkout --help 2>/dev/null | grep -q -- --to; then
    expect_exit 0 mlci --store other data-version checkout iris:v1 --to restored
    diff -r data/iris restored/iris || diff -r data/iris restored/data/iris || fail "checkout differs"
fi
# Pulling again fetches nothing.
expect_exit 0 mlci --store other --json pull "$REG_OPEN/team/iris:v1" --plain-http
expect_eq "$(json_field blobs_downloaded)" 0 "blobs downloaded again"
# --tag names it; a digest pins it.
expect_exit 0 mlci --store other pull "$REG_OPEN/team/iris@$iris_digest" --plain-http --tag flowers:prod
expect_eq "$(cat out)" "flowers:prod" "pulled by digest"

# --- errors
expect_exit 2 mlci push iris:v1 not-a-registry --plain-http
expect_exit 2 mlci push no-such:v9 "$REG_OPEN/team/x" --plain-http
expect_exit 2 mlci --store other pull "$REG_OPEN/team/nothing:v1" --plain-http
expect_in err "404"
expect_exit 2 mlci --store other pull "$REG_OPEN/Bad_Repo:v1" --plain-http
# TLS by default: a plain-HTTP registry is refused without --plain-http, with the hint.
expect_exit 3 mlci push iris:v1 "$REG_OPEN/team/iris"
expect_in err "--plain-http"
# A registry that is down: exit 3 after retries.
down=$(free_port)
expect_exit 3 mlci push iris:v1 "127.0.0.1:$down/team/iris" --plain-http
expect_in err "cannot reach registry '127.0.0.1:$down'"

# --- faults: a dropped PATCH resumes from what the registry has, a 503 and
# a 429 are retried, a download cut half way resumes with a Range request.
start_fault_proxy "$REG_OPEN"
mkdir data/faulty
head -c 2600000 /dev/urandom >data/faulty/big.bin
expect_exit 0 mlci data-version add data/faulty --name faulty
expect_exit 0 mlci --json push faulty:v1 "$PROXY/faults/faulty" --plain-http --chunk-size 1 -j 1
keep
[[ $(json_field retries) -ge 2 ]] || fail "expected retries: $(cat out)"
pushed_bytes=$(json_field bytes_uploaded)
expect_in "$PROXY_FAULTS" cut-patch
expect_in "$PROXY_FAULTS" 503-manifest-put
expect_in "$PROXY_FAULTS" 429-head
expect_exit 0 mlci --store sixth init
expect_exit 0 mlci --store sixth --json pull "$PROXY/faults/faulty:v1" --plain-http
expect_in "$PROXY_FAULTS" cut-blob-get
[[ $(json_field retries) -ge 1 ]] || fail "expected a retried download: $(cat out)"
# Nothing was counted twice: what went up (plus the 2-byte empty config of
# the blob index) is what came down.
expect_eq "$pushed_bytes" "$(($(json_field bytes_downloaded) + 2))" "bytes through faults"
expect_exit 0 mlci --store sixth verify

# --- basic auth
start_registry basic
expect_exit 3 mlci push iris:v1 "$REG_BASIC/team/iris" --plain-http
keep
expect_in err "registry answered 401 UNAUTHORIZED"
expect_in err "mlci login $REG_BASIC"
MLCI_REGISTRY_USER=$REG_USER MLCI_REGISTRY_PASSWORD=wrong expect_exit 3 mlci push iris:v1 "$REG_BASIC/team/iris" --plain-http
keep
expect_in err "401"
MLCI_REGISTRY_USER=$REG_USER MLCI_REGISTRY_PASSWORD=$REG_PASSWORD expect_exit 0 mlci push iris:v1 "$REG_BASIC/team/iris" --plain-http
keep
# GitLab CI's variables, for the host CI_REGISTRY names.
CI_REGISTRY=$REG_BASIC CI_REGISTRY_USER=$REG_USER CI_REGISTRY_PASSWORD=$REG_PASSWORD \
    expect_exit 0 mlci --store other --json pull "$REG_BASIC/team/iris:v1" --plain-http --tag iris:basic
keep
# mlci login: refused with a wrong password, kept 0600 with the right one.
echo wrong | expect_exit 3 mlci login "$REG_BASIC" -u "$REG_USER" --password-stdin --plain-http
keep
[[ ! -f $HOME/.config/mlci/auth.json ]] || fail "a refused login was kept"
echo "$REG_PASSWORD" | expect_exit 0 mlci login "$REG_BASIC" -u "$REG_USER" --password-stdin --plain-http
keep
expect_eq "$(stat -c %a "$HOME/.config/mlci/auth.json")" 600 "auth file mode"
expect_exit 0 mlci push model:v1 "$REG_BASIC/team/model" --plain-http
keep
expect_exit 0 mlci logout "$REG_BASIC"
expect_exit 3 mlci push model:v1 "$REG_BASIC/team/model2" --plain-http
keep
# docker's config.json "auths" works too.
mkdir -p "$HOME/.docker"
printf '{"auths":{"http://%s":{"auth":"%s"}}}' "$REG_BASIC" "$(printf '%s:%s' "$REG_USER" "$REG_PASSWORD" | base64 -w0)" >"$HOME/.docker/config.json"
expect_exit 0 mlci push model:v1 "$REG_BASIC/team/model3" --plain-http
keep
rm "$HOME/.docker/config.json"

# --- bearer tokens
start_registry token
expect_exit 3 mlci push iris:v1 "$REG_TOKEN/team/iris" --plain-http
keep
expect_in err "401"
export MLCI_REGISTRY_USER=$REG_USER MLCI_REGISTRY_PASSWORD=$REG_PASSWORD
expect_exit 0 mlci push iris:v1 "$REG_TOKEN/team/iris:v1" --plain-http
keep
expect_exit 0 mlci --store third init
expect_exit 0 mlci --store third pull "$REG_TOKEN/team/iris:v1" --plain-http
keep
expect_exit 0 mlci --store third verify
expect_in third/index.json "$referrer"
unset MLCI_REGISTRY_USER MLCI_REGISTRY_PASSWORD

# The password never showed, and is in no store.
expect_not_in "$LOG" "$REG_PASSWORD"
if grep -rqF -- "$REG_PASSWORD" .mlci other third; then fail "the password is in a store"; fi

# --- oci: layouts, the embedded default
expect_exit 0 mlci push iris:v1 "oci:$SCRATCH/layout"
expect_eq "$(cat out)" "oci:$SCRATCH/layout:iris:v1@$iris_digest" "layout reference"
skopeo inspect --raw "oci:$SCRATCH/layout:iris:v1" >layout.json || fail "skopeo cannot read the layout"
expect_eq "sha256:$(sha256sum <layout.json | cut -d' ' -f1)" "$iris_digest" "layout manifest digest"
expect_exit 0 mlci --json push iris:v1 "oci:$SCRATCH/layout"
expect_eq "$(json_field bytes_uploaded)" 0 "layout re-push bytes"
expect_exit 0 mlci --store fourth init
expect_exit 0 mlci --store fourth pull "oci:$SCRATCH/layout:iris:v1"
expect_eq "$(cat out)" "iris:v1" "pulled from layout"
expect_exit 0 mlci --store fourth verify
expect_in fourth/index.json "$referrer"
# A store is a layout: pull straight from another store.
expect_exit 0 mlci --store fourth pull "oci:$SCRATCH/.mlci:model:v1"
expect_exit 0 mlci --store fourth verify

# A tampered blob is refused and nothing becomes visible.
cp -r "$SCRATCH/layout" "$SCRATCH/tampered"
victim=$(python3 - "$SCRATCH/tampered" <<'PY'
import json, os, sys
root = sys.argv[1]
idx = json.load(open(f"{root}/index.json"))
manifests = {m["digest"][7:] for m in idx["manifests"]}
blobs = [b for b in os.listdir(f"{root}/blobs/sha256") if b not in manifests]
print(max(blobs, key=lambda b: os.path.getsize(f"{root}/blobs/sha256/{b}")))
PY
)
chmod u+w "$SCRATCH/tampered/blobs/sha256/$victim"
printf 'X' | dd of="$SCRATCH/tampered/blobs/sha256/$victim" bs=1 seek=5 conv=notrunc 2>/dev/null
expect_exit 0 mlci --store fifth init
expect_exit 3 mlci --store fifth pull "oci:$SCRATCH/tampered:iris:v1"
expect_in err "is corrupt"
expect_in err "$victim"
expect_eq "$(python3 -c 'import json; print(len(json.load(open("fifth/index.json"))["manifests"]))')" 0 "index after a corrupt pull"
[[ ! -e fifth/blobs/sha256/$victim ]] || fail "the corrupt blob landed"
expect_eq "$(ls fifth/mlci/tmp | wc -l)" 0 "temporary files left"
expect_exit 0 mlci --store fifth verify
expect_exit 2 mlci --store fifth pull "oci:$SCRATCH/no-such-layout:iris:v1"
pass
