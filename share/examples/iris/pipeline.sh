#!/usr/bin/env bash
# The example pipeline, end to end, one line a step as a CI job would run it.
# Run from a copy of this folder (share/scripts/run-example.sh makes one),
# with mlci on PATH.
set -euo pipefail
step() { printf '\n== %s\n' "$*" >&2; }

step "a git repository and a store"
[[ -d .git ]] || { git init -q && git add -A && git -c user.name=mlci -c user.email=mlci@example.invalid commit -qm "iris example"; }
mlci init

step "data-version: export the iris table and version it"
/usr/bin/python3 scripts/export_data.py
mlci data-version add data/iris.csv -m "iris from scikit-learn"
mlci data-version status
mlci show iris

step "test: pytest suite and data checks against the schema in mlci.yaml"
mlci test --junit reports/junit.xml

step "train: a random forest, with lineage (and the run cache)"
run=$(mlci train)
echo "run: $run" >&2
mlci train >/dev/null   # the same inputs again: a cache hit, nothing re-run

step "validate: the gate before delivery"
mlci validate "$run" --report reports/validation.md

step "the gate works: a weakened model is refused"
weak=$(mlci train --params params-weak.yaml --name iris-weak)
if mlci validate "$weak"; then
    echo "error: the weakened model passed validation" >&2
    exit 1
else
    echo "weakened model refused by validate (exit $?), as it should be" >&2
fi

step "package: the validated model as a reproducible OCI image (no Docker daemon)"
image=$(mlci package "$run")
mlci show "$image"

step "push and pull: share the image and the run through an OCI layout (the embedded default, no server)"
mlci remote add shared oci:shared-layout      # the first remote: the default
mlci push "$image"
mlci push "$run"
mlci --store second-store init >/dev/null
mlci --store second-store remote add shared oci:shared-layout
mlci --store second-store pull "$image"       # under the same NAME:TAG
mlci --store second-store pull "$run"
mlci --store second-store verify

step "deploy: to staging (a dir target, mlci.yaml), health-checked by the model itself"
mlci deploy "$image" --env staging
mlci deploy status staging
if mlci deploy "$image" --env staging --health-check 'exit 1' --health-retries 1; then
    echo "error: an unhealthy release stayed deployed" >&2
    exit 1
else
    echo "unhealthy release rolled back (exit $?), as it should be; still running:" >&2
fi
mlci deploy status staging
mlci deploy history staging

step "watch: production traffic compared with the data the deployed model was trained on"
/usr/bin/python3 scripts/simulate_traffic.py --count 1000 > live.jsonl
mlci watch live.jsonl --once --env staging   # as trained: no alert
/usr/bin/python3 scripts/simulate_traffic.py --count 1000 --drift > live-drifted.jsonl
if report=$(mlci watch live-drifted.jsonl --once --env staging \
        --on-alert 'echo "on-alert: would trigger the training pipeline; report $MLCI_WATCH_REPORT" >&2'); then
    echo "error: drifted traffic raised no alert" >&2
    exit 1
else
    echo "drift detected (exit $?), as it should be; the report:" >&2
    mlci show "$report"
fi

step "lineage and history"
mlci lineage "$run"
mlci log
echo "example pipeline done" >&2
