# mlci deploy to a gitops target: a bare repository of Kubernetes manifests
# served over git:// by a real git daemon; the image pinned by digest, no
# commit when nothing changes, a failed health check reverted by a commit.
source "$(dirname "$0")/lib.sh"
DAEMON=
trap '[[ -n $DAEMON ]] && kill "$DAEMON" 2>/dev/null; rm -rf "$SCRATCH"' EXIT
free_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# The manifests repository, as a platform team keeps it.
mkdir -p srv seed && git init -q --bare -b main srv/k8s.git
(cd seed && git init -q -b main && mkdir iris && cat > iris/deployment.yaml <<'YAML'
# iris model server (managed by mlci deploy)
apiVersion: apps/v1
kind: Deployment
metadata:
  name: iris
spec:
  template:
    spec:
      containers:
        - name: server
          image: registry.example.com/ml/iris:old   # pinned by CI
          ports: [{containerPort: 8080}]
YAML
git add -A && git commit -qm "iris deployment" && git push -q ../srv/k8s.git main)
port=$(free_port)
git daemon --reuseaddr --base-path="$SCRATCH/srv" --export-all --enable=receive-pack \
    --port="$port" --listen=127.0.0.1 "$SCRATCH/srv" >/dev/null 2>&1 &
DAEMON=$!
for _ in $(seq 1 50); do git ls-remote "git://127.0.0.1:$port/k8s.git" >/dev/null 2>&1 && break; sleep 0.1; done
url="git://127.0.0.1:$port/k8s.git"

# A validated package of the example.
mkdir project && cd project
cp -r "$MLCI_SOURCE_DIR/share/examples/iris/." .
git init -q && git add -A && git commit -qm example
mlci init >/dev/null 2>&1
/usr/bin/python3 scripts/export_data.py
mlci data-version add data/iris.csv >/dev/null 2>&1
run=$(mlci train 2>/dev/null)
mlci validate "$run" >/dev/null 2>&1
image=$(mlci package "$run" 2>/dev/null)
digest=$(mlci --json show "$image" 2>/dev/null | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])')
other_run=$(mlci train -p n_estimators=60 2>/dev/null)
mlci validate "$other_run" >/dev/null 2>&1
other=$(mlci package "$other_run" 2>/dev/null)
other_digest=$(mlci --json show "$other" 2>/dev/null | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])')
show() { git --git-dir="$SCRATCH/srv/k8s.git" "$@"; }

expect_exit 2 mlci deploy "$image" --env prod --target "gitops:$url#iris/deployment.yaml"
expect_in "$SCRATCH/err" "--image"
target=(--target "gitops:$url#iris/deployment.yaml" --image registry.example.com/ml/iris)
expect_exit 0 mlci deploy "$image" --env prod "${target[@]}"
expect_eq "$(show rev-list --count main)" "2" "commits after the first deploy"
show show main:iris/deployment.yaml > pinned.yaml
expect_in pinned.yaml "image: registry.example.com/ml/iris@$digest   # pinned by CI"
expect_in pinned.yaml "# iris model server (managed by mlci deploy)"
show log -1 --format=%B main > message
expect_in message "mlci: deploy $image to prod"
expect_in message "Validation: sha256:"

# The same deploy again changes nothing: no commit.
expect_exit 0 mlci deploy "$image" --env prod "${target[@]}"
expect_eq "$(show rev-list --count main)" "2" "commits after an identical deploy"
expect_exit 0 mlci --json deploy status prod
expect_in "$SCRATCH/out" '"changed": false'

# An unhealthy release: pinned, then reverted by a commit of its own.
expect_exit 1 mlci deploy "$other" --env prod "${target[@]}" --health-check 'exit 1' --health-retries 1
expect_in "$SCRATCH/err" "rolled back to $image"
expect_eq "$(show rev-list --count main)" "4" "commits after a rolled-back deploy"
show show main:iris/deployment.yaml > after.yaml
expect_in after.yaml "registry.example.com/ml/iris@$digest"
show log -1 --format=%B main > message
expect_in message "Rolled back from $other"
show log --format=%B main >history.txt
grep -q "$other_digest" history.txt || fail "the failed release was never pinned"

# A file that names no such image refuses the deploy and commits nothing.
expect_exit 2 mlci deploy "$other" --env prod --target "gitops:$url#iris/deployment.yaml" \
    --image registry.example.com/ml/other
expect_in "$SCRATCH/err" "iris/deployment.yaml"
expect_eq "$(show rev-list --count main)" "4" "commits after a refused deploy"
pass
