# SIGKILL at 50 random moments across data-version add, train, package,
# push, pull and deploy: after each kill the stores verify, the user's files
# are intact, and running the step again completes.
source "$(dirname "$0")/lib.sh"

cp -r "$MLCI_SOURCE_DIR/share/examples/iris/." .
git init -q && git add -A && git commit -qm example
mlci init >/dev/null 2>&1
mlci --store second init >/dev/null 2>&1
/usr/bin/python3 scripts/export_data.py
# Big enough that a kill lands in the middle of hashing, compressing, copying.
head -c 40000000 /dev/urandom >data/blob.bin
mlci data-version add data/iris.csv >/dev/null 2>&1
run=$(mlci train 2>/dev/null)
mlci validate "$run" >/dev/null 2>&1
image=$(mlci package "$run" --add src/serve.py --add data/blob.bin --tag chaos-image 2>/dev/null)
mlci push "$image" oci:layout:chaos >/dev/null 2>&1
sums() { sha256sum data/iris.csv data/blob.bin src/train.py params.yaml mlci.yaml; }
sums >before.sums

steps=(
    "data-version add data/blob.bin --name blob"
    "train --force"
    "package $run --add src/serve.py --add data/blob.bin --tag chaos-image --compression gzip"
    "push $image oci:layout:chaos-again"
    "--store second pull oci:layout:chaos"
    "deploy $image --env chaos --target dir:chaos-deploy"
)
RANDOM=7 # the same moments on every run of the test
for i in $(seq 0 49); do
    step=${steps[i % ${#steps[@]}]}
    # shellcheck disable=SC2086
    "$MLCI" $step >/dev/null 2>&1 &
    pid=$!
    sleep "0.$(printf '%03d' $((RANDOM % 400)))"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    # On a failure, the problems themselves (verify prints them on stdout).
    mlci verify >verify.out 2>verify.err || { cat verify.out verify.err >&2; fail "store does not verify after killing '$step' (kill $i)"; }
    mlci --store second verify >verify.out 2>verify.err || { cat verify.out verify.err >&2; fail "second store does not verify after killing '$step'"; }
    sha256sum --quiet -c before.sums || fail "user files changed after killing '$step'"
    if [[ -L chaos-deploy/current ]]; then
        [[ -f chaos-deploy/$(readlink chaos-deploy/current)/model/model.pkl ]] ||
            fail "current names an incomplete release after killing '$step'"
    fi
    # shellcheck disable=SC2086
    expect_exit 0 mlci $step
done
# The layouts written by push still read back whole.
mlci --store third init >/dev/null 2>&1
expect_exit 0 mlci --store third pull oci:layout:chaos-again
expect_exit 0 mlci --store third verify
pass
