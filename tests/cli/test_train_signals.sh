# Ctrl-C, SIGTERM and --timeout while a command trains: the signal reaches
# the command's whole process group, and no such run is recorded as succeeded.
source "$(dirname "$0")/lib.sh"

git init -q project && cd project
git commit -q --allow-empty -m init
mlci init >/dev/null 2>&1

# Starts `mlci train` in the background with a command that prints "started"
# then runs $2; sends $1 once it has started; leaves its exit status in $status.
interrupt() {
    local sig=$1 body=$2 name=$3
    rm -f "$SCRATCH/train.err"
    # "$MLCI", not the mlci function: $! must be mlci itself, not a subshell.
    "$MLCI" train -n "$name" -- sh -c "echo started; $body" >"$SCRATCH/train.out" 2>"$SCRATCH/train.err" &
    local pid=$!
    for _ in $(seq 200); do
        grep -q started "$SCRATCH/train.err" 2>/dev/null && break
        sleep 0.05
    done
    grep -q started "$SCRATCH/train.err" || fail "the command did not start"
    kill "-$sig" "$pid"
    status=0
    wait "$pid" || status=$?
}

status_of() {
    mlci --json show "$1" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["config"]["status"])'
}

# Ctrl-C: forwarded to the group (the background sleep too), recorded as
# interrupted, and mlci dies of SIGINT like the command (130 in a shell).
marker="mlci-signal-test-$$"
# A process whose command line carries the marker, to look for survivors.
linger="/usr/bin/python3 -c 'import time; time.sleep(60)' $marker"
start=$(date +%s)
interrupt INT "$linger & exec $linger" sigint
expect_eq "$status" "130" "exit status after SIGINT"
(( $(date +%s) - start < 20 )) || fail "SIGINT did not stop the command"
expect_eq "$(cat "$SCRATCH/train.out")" "sigint:v1" "reference of the interrupted run"
expect_eq "$(status_of sigint:v1)" "interrupted" "status after SIGINT"
expect_in "$SCRATCH/train.err" "interrupted"
sleep 0.2
pgrep -f "$marker" >/dev/null && fail "the command outlived mlci"

# A command that catches Ctrl-C and exits 0 is still no success.
interrupt INT "trap 'exit 0' INT; sleep 60 & wait" shrug
expect_eq "$(status_of shrug:v1)" "interrupted" "status of a command that exits 0 on SIGINT"

# SIGTERM (a CI runner cancelling the job) is the same.
interrupt TERM "sleep 60" sigterm
expect_eq "$status" "143" "exit status after SIGTERM"
expect_eq "$(status_of sigterm:v1)" "interrupted" "status after SIGTERM"

# A command that ignores SIGINT is killed by a second Ctrl-C.
interrupt INT "trap '' INT; sleep 60" stubborn
expect_eq "$status" "130" "exit after two signals"

# No run of these is listed as succeeded.
expect_exit 0 mlci --json log
/usr/bin/python3 - "$SCRATCH/out" <<'PY' || fail "an interrupted run is listed as succeeded"
import json, sys
runs = json.load(open(sys.argv[1]))
assert runs and all(r["status"] != "succeeded" for r in runs), runs
PY

# --timeout stops the command's group; the run is recorded with status timeout, exit 1.
start=$(date +%s)
expect_exit 1 mlci train -n slow --timeout 0.5 -- sh -c "$linger & exec $linger"
(( $(date +%s) - start < 20 )) || fail "--timeout did not stop the command"
expect_eq "$(cat "$SCRATCH/out")" "slow:v1" "reference of the timed-out run"
expect_in "$SCRATCH/err" "timeout"
expect_eq "$(status_of slow:v1)" "timeout" "status after --timeout"
pgrep -f "$marker" >/dev/null && fail "the command outlived its timeout"
# mlci.yaml's timeout applies too; the flag wins.
printf 'train:\n  command: [sleep, "30"]\n  timeout: 0.3\n  name: yaml-slow\n' > mlci.yaml
expect_exit 1 mlci train
expect_eq "$(status_of yaml-slow:v1)" "timeout" "mlci.yaml timeout"

expect_exit 0 mlci verify
pass
