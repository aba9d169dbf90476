# Credentials never leak: a full pipeline runs with a planted registry
# password (from the environment, from `mlci login`, and in the environment of
# the training command), with -v; then every output, log, run record, store
# blob, layout and deploy folder is searched for it. Files that hold it are
# mode 0600.
source "$(dirname "$0")/lib.sh"
source "$MLCI_SOURCE_DIR/tests/cli/registry_fixture.sh"
start_registry basic
export HOME=$SCRATCH/home && mkdir -p "$HOME"
secret=$REG_PASSWORD

cp -r "$MLCI_SOURCE_DIR/share/examples/iris/." project
cd project
git init -q && git add -A && git commit -qm example
log=$SCRATCH/all-output
{
    mlci -v init
    /usr/bin/python3 scripts/export_data.py
    mlci -v data-version add data/iris.csv
    mlci -v test --junit reports/junit.xml
    # The password is in the training command's environment, as in CI.
    run=$(MLCI_REGISTRY_USER=$REG_USER MLCI_REGISTRY_PASSWORD=$secret mlci -v train)
    echo "$run"
    mlci -v validate "$run" --report reports/validation.md --junit reports/validate.xml
    image=$(mlci -v package "$run")
    MLCI_REGISTRY_USER=$REG_USER MLCI_REGISTRY_PASSWORD=$secret \
        mlci -v push --plain-http "$image" "$REG_BASIC/ml/iris:1"
    printf '%s\n' "$secret" | mlci -v login --plain-http -u "$REG_USER" --password-stdin "$REG_BASIC"
    mlci -v push --plain-http "$run" "$REG_BASIC/ml/iris:run"
    mlci -v --store second init
    mlci -v --store second pull --plain-http "$REG_BASIC/ml/iris:1"
    mlci -v deploy "$image" --env staging
    mlci -v --json log
    mlci -v --json show "$run"
    mlci -v lineage "$run"
    # A wrong password: the error names the registry, never the password.
    status=0
    MLCI_REGISTRY_USER=$REG_USER MLCI_REGISTRY_PASSWORD="wrong-$secret" \
        mlci -v push --plain-http "$image" "$REG_BASIC/ml/iris:2" 2>"$SCRATCH/wrong.err" || status=$?
    echo "wrong password: exit $status"
    cat "$SCRATCH/wrong.err"
    mlci logout "$REG_BASIC"
} >"$log" 2>&1 || { cat "$log" >&2; fail "the pipeline failed"; }
grep -q "deployed" "$log" || { cat "$log" >&2; fail "the pipeline did not get to deploy"; }
# The wrong password was refused (exit 3, the registry named) and pushed nothing.
expect_in "$log" "wrong password: exit 3"
expect_in "$SCRATCH/wrong.err" "$REG_BASIC"
curl -s -u "$REG_USER:$secret" "http://$REG_BASIC/v2/ml/iris/tags/list" >"$SCRATCH/tags"
expect_in "$SCRATCH/tags" '"1"'
expect_not_in "$SCRATCH/tags" '"2"'

# Everything mlci wrote: outputs, the stores, reports, logs, the deploy.
if grep -rlF -- "$secret" "$log" .mlci second reports deploy "$SCRATCH"/home/.config/mlci 2>/dev/null; then
    fail "the password leaked into the files above"
fi
# Compressed layers and blobs too.
for blob in .mlci/blobs/sha256/*; do
    if gzip -t "$blob" 2>/dev/null && gzip -dc "$blob" | grep -cF -- "$secret" >/dev/null; then
        fail "the password is inside layer $blob"
    fi
done
# Login kept the credentials, readable by the user alone; logout removed them.
printf '%s\n' "$secret" | mlci login --plain-http -u "$REG_USER" --password-stdin "$REG_BASIC" >/dev/null 2>&1
auth=$(find "$HOME/.config/mlci" -name 'auth.json')
expect_eq "$(stat -c %a "$auth")" "600" "mode of the credentials file"
expect_eq "$(stat -c %a "$(dirname "$auth")")" "700" "mode of the credentials folder"
pass
