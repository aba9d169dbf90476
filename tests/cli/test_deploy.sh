# mlci deploy: a real package of the iris example deployed to a dir target,
# with real health checks (a command and the model's own HTTP server),
# rollbacks, hostile packages, the lock, history and the exec target.
source "$(dirname "$0")/lib.sh"
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$SCRATCH"' EXIT
free_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

expect_exit 0 mlci deploy --help
expect_in out "--health-check"
expect_exit 2 mlci deploy
expect_in err "usage: mlci deploy REF --env ENV"

cp -r "$MLCI_SOURCE_DIR/share/examples/iris/." .
git init -q && git add -A && git commit -qm example
mlci init >/dev/null 2>&1
/usr/bin/python3 scripts/export_data.py
mlci data-version add data/iris.csv >/dev/null 2>&1
good_run=$(mlci train 2>/dev/null)
mlci validate "$good_run" >/dev/null 2>&1
good=$(mlci package "$good_run" 2>/dev/null)
other_run=$(mlci train -p n_estimators=60 2>/dev/null)
mlci validate "$other_run" >/dev/null 2>&1
other=$(mlci package "$other_run" 2>/dev/null)
weak_run=$(mlci train --params params-weak.yaml --name iris-weak 2>/dev/null)
expect_exit 1 mlci validate "$weak_run"
weak=$(mlci package "$weak_run" --allow-unvalidated --tag weak-image 2>/dev/null)
digest() { mlci --json show "$1" 2>/dev/null | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])'; }
good_hex=$(digest "$good"); good_hex=${good_hex#sha256:}
other_hex=$(digest "$other"); other_hex=${other_hex#sha256:}

# Bad input: an unknown environment without a target, a bad name, a run.
expect_exit 2 mlci deploy "$good" --env nowhere
expect_in err "environment 'nowhere' is not in mlci.yaml"
expect_exit 2 mlci deploy "$good" --env 'Bad Name' --target dir:x
expect_in err "bad environment name"
expect_exit 2 mlci deploy "$good_run" --env staging
expect_in err "is not a package"
expect_exit 2 mlci deploy "$good" --env staging --target ftp:somewhere
expect_in err "bad deploy target"

# The policy: an unvalidated package is refused (exit 1) and nothing changes.
expect_exit 1 mlci deploy "$weak" --env staging
expect_in err "refused to deploy weak-image:v1 to staging: validation:"
[[ ! -e deploy/staging/current ]] || fail "a refused deploy switched current"
expect_exit 0 mlci deploy history staging
expect_in err "nothing was ever deployed to staging"

# mlci.yaml's staging: dir target, health check = the model answering.
expect_exit 0 mlci deploy "$good" --env staging
expect_eq "$(cat out)" "deploy-staging:v1" "first deployment"
expect_eq "$(readlink deploy/staging/current)" "releases/$good_hex" "current"
[[ -f deploy/staging/current/model/model.pkl && -f deploy/staging/current/app/serve.py ]] ||
    fail "the release does not hold the model and the server"
expect_exit 0 mlci deploy status staging
expect_eq "$(cat out)" "sha256:$good_hex" "status prints the running package"
# watch --env ENV compares live traffic with the deployed model's data.
/usr/bin/python3 scripts/simulate_traffic.py --count 300 >live.jsonl
/usr/bin/python3 scripts/simulate_traffic.py --count 300 --drift >drifted.jsonl
expect_exit 0 mlci watch live.jsonl --once --env staging
expect_in err "as deployed to staging (deploy-staging:v1)"
expect_exit 1 mlci watch drifted.jsonl --once --env staging
expect_in err "alert: psi(petal_length)"
expect_exit 0 mlci --json show "$(cat out)"
expect_in out "\"subject\""
expect_exit 2 mlci watch live.jsonl --once --env nowhere
expect_in err "nothing is deployed to 'nowhere'"
# validate --baseline ENV compares with what is deployed there.
expect_exit 0 mlci validate "$other_run" --baseline staging --max-regression accuracy=0.05
expect_in err "as deployed to staging"

# A health check over HTTP against the model's own server from the release.
port=$(free_port)
(cd deploy/staging/current && exec /usr/bin/python3 app/serve.py --port "$port") >/dev/null 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
expect_exit 0 mlci deploy "$other" --env staging --health-check "http://127.0.0.1:$port/healthz"
expect_eq "$(readlink deploy/staging/current)" "releases/$other_hex" "current after the second deploy"
# An unhealthy release (HTTP 404) is rolled back: current goes back, exit 1.
expect_exit 1 mlci deploy "$good" --env staging --health-check "http://127.0.0.1:$port/nothing" \
    --health-retries 2 --health-interval 0.1
expect_in err "HTTP 404"
expect_in err "rolled back to $other"
expect_eq "$(readlink deploy/staging/current)" "releases/$other_hex" "current after a rollback"
expect_exit 0 mlci --json deploy history staging
/usr/bin/python3 - out <<'PY' || fail "history is not as expected"
import json, sys
h = json.load(open(sys.argv[1]))
assert [d["outcome"] for d in h] == ["deployed", "deployed", "rolled-back"], h
assert h[2]["previous"] == h[1]["package"]["digest"], h
assert h[2]["target_info"]["health"]["passed"] is False and h[2]["target_info"]["health"]["attempts"] == 2
PY

# --force ships a failed validation, and says so in the record.
expect_exit 0 mlci deploy "$weak" --env staging --force
expect_in err "deploying despite failed checks (--force)"
expect_exit 0 mlci --json deploy status staging
expect_in out '"forced": true'

# deploy rollback: back to the release before the current one, then to v1.
expect_exit 0 mlci deploy rollback staging
expect_eq "$(readlink deploy/staging/current)" "releases/$other_hex" "after rollback"
expect_exit 0 mlci deploy rollback staging --to 1
expect_eq "$(readlink deploy/staging/current)" "releases/$good_hex" "after rollback --to 1"
expect_exit 0 mlci deploy history staging
expect_in out "(rollback)"
# An environment that mlci.yaml does not declare: rollback goes back on the
# target its deployments recorded, without --target again.
expect_exit 0 mlci deploy "$good" --env adhoc --target dir:deploy/adhoc
expect_exit 0 mlci deploy "$other" --env adhoc --target dir:deploy/adhoc
expect_eq "$(readlink deploy/adhoc/current)" "releases/$other_hex" "adhoc before rollback"
expect_exit 0 mlci deploy rollback adhoc
expect_eq "$(readlink deploy/adhoc/current)" "releases/$good_hex" "adhoc after rollback"
expect_exit 0 mlci deploy status adhoc
expect_in err "to dir:deploy/adhoc"
# A word that is no deploy command is named as such.
expect_exit 2 mlci deploy statsu
expect_in err "'statsu' is not a 'mlci deploy' command"
expect_in err "did you mean 'status'?"
# keep: 3 in mlci.yaml: three packages were deployed, all kept; a fourth prunes.
expect_eq "$(ls deploy/staging/releases | wc -l)" "3" "releases kept"
fourth_run=$(mlci train -p n_estimators=70 2>/dev/null)
mlci validate "$fourth_run" >/dev/null 2>&1
fourth=$(mlci package "$fourth_run" 2>/dev/null)
expect_exit 0 mlci deploy "$fourth" --env staging
expect_eq "$(ls deploy/staging/releases | wc -l)" "3" "releases after pruning"
[[ -d deploy/staging/releases/$good_hex ]] || fail "the previous release was pruned"

# One deploy per environment at a time.
flock -x .mlci/mlci/locks/deploy-staging.lock sleep 2 &
PIDS+=($!)
sleep 0.3
expect_exit 3 mlci deploy "$good" --env staging
expect_in err "another deploy to 'staging' is running"
expect_exit 0 mlci deploy "$good" --env staging --wait 20

# current never names a half-unpacked release: a deploy killed at random
# moments leaves current on a complete release, and the next one completes.
dd if=/dev/urandom of=big.bin bs=1M count=48 status=none
big=$(mlci package "$fourth_run" --add src/serve.py --add big.bin --tag big-image --compression none 2>/dev/null)
for delay in 0.05 0.15 0.3; do
    "$MLCI" deploy "$big" --env staging >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    target=$(readlink deploy/staging/current)
    [[ -f deploy/staging/$target/model/model.pkl ]] || fail "current names an incomplete release"
done
expect_exit 0 mlci deploy "$big" --env staging
[[ -f deploy/staging/current/app/big.bin ]] || fail "the big release is incomplete"
cmp big.bin deploy/staging/current/app/big.bin || fail "the big file differs"
[[ -z $(ls -A deploy/staging/releases | grep '^\.staging' || true) ]] || fail "staging leftovers"
expect_exit 0 mlci verify

# Hostile packages are refused before anything is switched; nothing is left.
before=$(readlink deploy/staging/current)
for kind in dotdot abs symlink hardlink device; do
    /usr/bin/python3 "$MLCI_SOURCE_DIR/tests/cli/hostile_image.py" "hostile-$kind" "$kind"
    mlci pull "oci:hostile-$kind:$kind" >/dev/null 2>&1 || fail "cannot pull the $kind image"
    # pulled under the name the package records (hostile), not the layout's
    expect_exit 2 mlci deploy "hostile:$kind" --env staging --no-require-validation
    expect_in err "refused"
    expect_eq "$(readlink deploy/staging/current)" "$before" "current after a hostile $kind package"
done
[[ ! -e escaped && ! -e /tmp/escaped && ! -e deploy/escaped ]] || fail "a hostile entry escaped"
[[ -z $(ls -A deploy/staging/releases | grep '^\.staging' || true) ]] || fail "hostile leftovers"

# A pre-start hook that fails stops the deploy before the switch.
expect_exit 1 mlci deploy "$other" --env staging --pre-start 'test -f no-such-file'
expect_in err "pre-start hook"
expect_eq "$(readlink deploy/staging/current)" "$before" "current after a failed pre-start"

# A layer changed on disk after it was stored is refused, not deployed.
cp -a .mlci tampered.mlci
layer=$(mlci --json show "$good" 2>/dev/null | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["manifest"]["layers"][-1]["digest"][7:])')
chmod u+w "tampered.mlci/blobs/sha256/$layer"
printf 'X' | dd of="tampered.mlci/blobs/sha256/$layer" bs=1 seek=100 conv=notrunc status=none
expect_exit 3 mlci --store tampered.mlci deploy "$good" --env tamper --target dir:tamper
expect_in err "does not match its digest"
[[ ! -e tamper/current ]] || fail "a tampered package was switched in"

# Without its provenance (pulled without referrers) a package is refused;
# pulled with them, it deploys.
mlci push "$good" oci:prov-layout:img >/dev/null 2>&1
mlci --store bare.mlci init >/dev/null 2>&1
mlci --store bare.mlci pull --no-referrers oci:prov-layout:img >/dev/null 2>&1
expect_exit 1 mlci --store bare.mlci deploy "${good%:*}:img" --env p --target dir:prov-bare
expect_in err "provenance: no provenance attestation"
mlci --store full.mlci init >/dev/null 2>&1
mlci --store full.mlci pull oci:prov-layout:img >/dev/null 2>&1
expect_exit 0 mlci --store full.mlci deploy "${good%:*}:img" --env p --target dir:prov-full
expect_exit 0 mlci --store full.mlci --json deploy status p
expect_in out "names this image and its run"

# A signature policy: unsigned and wrongly signed packages are refused.
MLCI_SIGNING_KEY_PASSWORD= mlci key generate --out release >/dev/null 2>&1
MLCI_SIGNING_KEY_PASSWORD= mlci key generate --out intruder >/dev/null 2>&1
expect_exit 1 mlci deploy "$good" --env signed --target dir:signed --public-key release.pub
expect_in err "signature: no valid signature by release.pub"
mlci sign "$good" --key intruder.key >/dev/null 2>&1
expect_exit 1 mlci deploy "$good" --env signed --target dir:signed --public-key release.pub
mlci sign "$good" --key release.key >/dev/null 2>&1
expect_exit 0 mlci deploy "$good" --env signed --target dir:signed --public-key release.pub
expect_exit 0 mlci --json deploy status signed
expect_in out '"check": "signature"'
expect_exit 2 mlci deploy "$good" --env signed --target dir:signed --public-key release.key
expect_in err "release.key"

# exec target: the command gets the image pinned by digest and the annotations.
expect_exit 0 mlci deploy "$good" --env prod --image registry.example/ml/iris \
    --target 'exec:env | grep ^MLCI_ > exec.env'
expect_in exec.env "MLCI_IMAGE=registry.example/ml/iris@sha256:$good_hex"
expect_in exec.env "MLCI_ENV=prod"
expect_in exec.env "MLCI_ANNOTATION_DEV_MLCI_KIND=package"
expect_exit 1 mlci deploy "$other" --env prod --target 'exec:exit 7'
expect_in err "exited 7"
expect_exit 0 mlci deploy status prod
expect_eq "$(cat out)" "sha256:$good_hex" "a failed exec deploy leaves the old package current"
pass
