# mlci deploy to a podman: target, for real: the iris example packaged on a
# Python base (tests/cli/python_base.sh, cached), run by podman with runc.
# v1 serves on the environment's port; v2 replaces it; a release whose
# server does not answer is checked beside v2, removed, and v2 keeps serving
# (exit 1); status, history and rollback; a container mlci did not make is
# left alone (exit 2). Needs podman, runc, mmdebstrap and umoci
# (share/scripts/install-deps.sh installs them): a missing one fails the test.
source "$(dirname "$0")/lib.sh"
source "$MLCI_SOURCE_DIR/tests/cli/python_base.sh"

for tool in podman runc mmdebstrap umoci dpkg-deb curl flock; do
    command -v "$tool" >/dev/null ||
        fail "'$tool' is not installed: this test runs the packaged image (run share/scripts/install-deps.sh)"
done

py() { /usr/bin/python3 "$@"; }
free_port() { py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# podman, as mlci runs it too (the environment's `runtime: runc` is what
# makes mlci's podman use runc).
source "$MLCI_SOURCE_DIR/tests/cli/podman_fixture.sh"
cleanup() {
    local ids
    ids=$(command podman --runtime runc ps -aq 2>/dev/null || true)
    [[ -z $ids ]] || command podman --runtime runc rm -f -t 0 $ids >/dev/null 2>&1 || true
    podman_unmount
    rm -rf "$SCRATCH"
}
trap cleanup EXIT

# label CONTAINER: the package digest the container was started from.
label() { podman container inspect --format '{{index .Config.Labels "dev.mlci.package"}}' "$1"; }
container_id() { podman container inspect --format '{{.Id}}' "$1"; }
# The containers podman has, sorted by name.
containers() {
    local name
    podman ps -a --format '{{.Names}}' >"$SCRATCH/names"
    for name in $(sort "$SCRATCH/names"); do
        echo "$name $(podman container inspect --format '{{.State.Status}}' "$name")"
    done
}
healthz() { curl -s -o "$SCRATCH/health" -w '%{http_code}' "http://127.0.0.1:$port/healthz" || true; }
# healthz, once the server had time to start (after a container is started
# again, which a deploy does not wait for).
healthz_soon() {
    local code
    for _ in $(seq 1 300); do
        code=$(healthz)
        [[ $code == 200 ]] && break
        sleep 0.1
    done
    echo "$code"
}
digest() { mlci --json show "$1" 2>/dev/null | py -c 'import json,sys; print(json.load(sys.stdin)["digest"])'; }

python_base

# The example on that base; v2 is the same run with another setting in the
# image, and a broken release serves on a port the image does not expose.
mkdir iris && cd iris
cp -r "$MLCI_SOURCE_DIR/share/examples/iris/." .
mkdir layouts && ln -s "$PYTHON_BASE" layouts/python
sed -i 's|^package:$|&\n  base: oci:layouts/python:python|' mlci.yaml
port=$(free_port)
cat >"$SCRATCH/prod.yaml" <<EOF
  prod:
    target: podman:iris:127.0.0.1:$port
    runtime: runc
    health_check: http://127.0.0.1:$port/healthz
    health_retries: 150
    health_interval: 0.2
EOF
sed -i "/^environments:\$/r $SCRATCH/prod.yaml" mlci.yaml
expect_in mlci.yaml "target: podman:iris:127.0.0.1:$port"
git init -q && git add -A && git commit -qm example
mlci init >/dev/null 2>&1
py scripts/export_data.py
mlci data-version add data/iris.csv >/dev/null 2>&1
run=$(mlci train 2>/dev/null)
mlci validate "$run" >/dev/null 2>&1
v1=$(mlci package "$run" 2>/dev/null)
sed -i 's|env: {MLCI_MODEL: /model/model.pkl}|env: {MLCI_MODEL: /model/model.pkl, RELEASE: "2"}|' mlci.yaml
expect_in mlci.yaml 'RELEASE: "2"'
v2=$(mlci package "$run" 2>/dev/null)
sed -i 's|cmd: \[--port, "8080"\]|cmd: [--port, "9999"]|' mlci.yaml
expect_in mlci.yaml '"9999"'
broken=$(mlci package "$run" --tag iris-broken 2>/dev/null)
expect_eq "$v1 $v2 $broken" "iris-image:v1 iris-image:v2 iris-broken:v1" "the packages"
v1_digest=$(digest "$v1")
v2_digest=$(digest "$v2")
broken_digest=$(digest "$broken")

# Bad specs are usage errors before podman runs.
expect_exit 2 mlci deploy "$v1" --env prod --target podman:iris:http
expect_in "$SCRATCH/err" "host port 'http' is not a port"
expect_exit 2 mlci deploy "$v1" --env prod --target 'podman:-x'
expect_in "$SCRATCH/err" "is not a container name"

# v1: pulled from the store into podman, checked beside (nothing serves
# yet), then started as `iris` on the environment's port.
expect_exit 0 mlci deploy "$v1" --env prod
expect_eq "$(cat "$SCRATCH/out")" "deploy-prod:v1" "the first deployment"
expect_in "$SCRATCH/err" "podman pull oci:"
expect_in "$SCRATCH/err" "to check it beside iris"
expect_eq "$(healthz)" 200 "/healthz of v1 on port $port"
expect_eq "$(containers)" "iris running" "containers after v1"
expect_eq "$(label iris)" "$v1_digest" "the package iris runs after v1"
v1_id=$(container_id iris)

# v2 replaces it: the old container is gone, v2 answers on the same port.
expect_exit 0 mlci deploy "$v2" --env prod
expect_eq "$(containers)" "iris running" "containers after v2"
expect_eq "$(label iris)" "$v2_digest" "the package iris runs after v2"
podman container exists "$v1_id" && fail "v1's container is still there after v2"
expect_eq "$(healthz)" 200 "/healthz of v2"
v2_id=$(container_id iris)
v2_started=$(podman container inspect --format '{{.State.StartedAt}}' iris)

# The broken release fails its check beside v2 and is removed; v2 was never
# stopped. Exit 1, as for any failed health check; recorded as failed.
expect_exit 1 mlci deploy "$broken" --env prod --health-retries 5
expect_in "$SCRATCH/err" "failed its health check before the switch"
expect_in "$SCRATCH/err" "it was removed, and iris serves as before"
expect_eq "$(containers)" "iris running" "containers after the broken release"
expect_eq "$(container_id iris)" "$v2_id" "the container serving after the broken release"
expect_eq "$(podman container inspect --format '{{.State.StartedAt}}' iris)" "$v2_started" \
    "v2's start time (it was never restarted)"
expect_eq "$(healthz)" 200 "/healthz after the broken release"

# status, history, rollback as for any target.
expect_exit 0 mlci deploy status prod
expect_eq "$(cat "$SCRATCH/out")" "$v2_digest" "status after the broken release"
expect_in "$SCRATCH/err" "to podman:iris:127.0.0.1:$port"
expect_exit 0 mlci --json deploy history prod
py - "$SCRATCH/out" "$broken_digest" <<'PY' || fail "history is not as expected"
import json, sys
h = json.load(open(sys.argv[1]))
assert [d["outcome"] for d in h] == ["deployed", "deployed", "failed"], h
assert h[2]["package"]["digest"] == sys.argv[2], h
assert h[1]["target_info"]["container"] == "iris" and h[1]["target_info"]["runtime"] == "runc", h
assert h[1]["target_info"]["publish"].endswith(":8080"), h
PY
expect_exit 0 mlci deploy rollback prod
expect_eq "$(label iris)" "$v1_digest" "the package iris runs after the rollback"
expect_eq "$(containers)" "iris running" "containers after the rollback"
expect_eq "$(healthz)" 200 "/healthz after the rollback"
expect_exit 0 mlci deploy status prod
expect_eq "$(cat "$SCRATCH/out")" "$v1_digest" "status after the rollback"

# A container of the same name that mlci did not make is refused, untouched.
podman create --name other "$(podman container inspect --format '{{.Image}}' iris)" >/dev/null
expect_exit 2 mlci deploy "$v1" --env other --target podman:other --runtime runc
expect_in "$SCRATCH/err" "container 'other' was not made by mlci's podman:other target"
podman container exists other || fail "the foreign container was removed"

# A switch killed half way (the old one stopped and renamed, nothing
# serving) is undone by the next deploy, which then goes on.
podman stop -t 0 iris >/dev/null && podman rename iris iris-previous
expect_exit 0 mlci deploy "$v2" --env prod
expect_in "$SCRATCH/err" "an earlier deploy to iris did not finish"
expect_eq "$(label iris)" "$v2_digest" "the package iris runs after the recovery"
expect_eq "$(containers)" "iris running"$'\n'"other created" "containers after the recovery"
expect_eq "$(healthz)" 200 "/healthz after the recovery"

# A release that passes beside and fails once switched in (a command check
# that tells the two apart by MLCI_CONTAINER): the new iris is removed and
# the old container, the very one, serves again. Exit 1, as rolled-back.
v2_id=$(container_id iris)
check='for _ in $(seq 300); do curl -sf "$MLCI_URL/healthz" >/dev/null && break; sleep 0.1; done
test "$MLCI_CONTAINER" = iris-next'
expect_exit 1 mlci deploy "$v1" --env prod --health-retries 1 --health-check "$check"
expect_in "$SCRATCH/err" "rolled back to $v2"
expect_eq "$(container_id iris)" "$v2_id" "the container serving after a failed switch"
expect_eq "$(containers)" "iris running"$'\n'"other created" "containers after a failed switch"
expect_eq "$(healthz_soon)" 200 "/healthz after a failed switch"
expect_exit 0 mlci deploy status prod
expect_eq "$(cat "$SCRATCH/out")" "$v2_digest" "status after a failed switch"

pass
