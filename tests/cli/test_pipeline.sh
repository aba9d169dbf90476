# Shell pipelines: each step reads one reference from stdin with `-` and
# prints what it made, so train | validate | package | push | deploy chains,
# and a failed gate stops the pipe with exit 1 under `set -o pipefail`.
source "$(dirname "$0")/lib.sh"
source "$MLCI_SOURCE_DIR/tests/cli/registry_fixture.sh"
start_registry open

cp -r "$MLCI_SOURCE_DIR/share/examples/iris/." .
git init -q && git add -A && git commit -qm example
mlci init >/dev/null 2>&1
/usr/bin/python3 scripts/export_data.py
mlci data-version add data/iris.csv >/dev/null 2>&1

set -o pipefail
# The good model goes all the way: the registry gets it, staging runs it.
mlci train 2>/dev/null | mlci validate - 2>/dev/null | mlci package - 2>/dev/null |
    mlci push --plain-http - "$REG_OPEN/ml/iris:good" >pushed 2>push.err ||
    { cat push.err >&2; fail "the good pipeline failed"; }
expect_in pushed "$REG_OPEN/ml/iris:good@sha256:"
curl -sf "http://$REG_OPEN/v2/ml/iris/tags/list" | grep -q '"good"' || fail "nothing in the registry"
mlci package iris-classifier:latest 2>/dev/null | mlci deploy - --env staging >deployed 2>&1 ||
    { cat deployed >&2; fail "deploy - failed"; }
[[ -f deploy/staging/current/model/model.pkl ]] || fail "deploy - deployed nothing"

# The weakened model fails validate; the pipe exits 1 and pushes nothing.
status=0
mlci train --params params-weak.yaml --name iris-weak 2>/dev/null | mlci validate - 2>/dev/null |
    mlci package - 2>/dev/null | mlci push --plain-http - "$REG_OPEN/ml/iris:weak" 2>weak.err || status=$?
expect_eq "$status" "1" "exit status of a pipe whose gate failed"
expect_in weak.err "no reference on standard input: the previous step made none"
tags=$(curl -sf "http://$REG_OPEN/v2/ml/iris/tags/list")
[[ $tags != *weak* ]] || fail "a refused model reached the registry: $tags"

# Every step that takes a reference reads `-`: each gives what it gives for
# the reference itself, and a crash or a misread stdin fails.
run=$(mlci train 2>/dev/null)
for step in "show -" "validate -" "lineage -"; do
    echo "$run" | mlci $step >step.out 2>step.err || { cat step.err >&2; fail "mlci $step failed on stdin"; }
    mlci ${step% -} "$run" >direct.out 2>/dev/null || fail "mlci ${step% -} $run failed"
    [[ $step == "validate -" ]] || diff -u direct.out step.out || fail "mlci $step printed other than for '$run'"
done
# verify-signature reads the reference, then fails on the missing key file.
status=0
echo "$run" | mlci verify-signature - --key none.pub >/dev/null 2>step.err || status=$?
[[ $status == 2 || $status == 3 ]] || { cat step.err >&2; fail "verify-signature - exited $status"; }
expect_in step.err "none.pub"
expect_not_in step.err "standard input"
pass
