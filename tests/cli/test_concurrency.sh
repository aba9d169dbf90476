# Eight processes on one store at once — adding, training, validating,
# packaging, deploying and gc with no grace period — lose nothing: every
# reference any of them printed still resolves and the store verifies.
source "$(dirname "$0")/lib.sh"

cp -r "$MLCI_SOURCE_DIR/share/examples/iris/." .
git init -q && git add -A && git commit -qm example
mlci init >/dev/null 2>&1
/usr/bin/python3 scripts/export_data.py
mlci data-version add data/iris.csv >/dev/null 2>&1
run=$(mlci train 2>/dev/null)
mlci validate "$run" >/dev/null 2>&1

worker() { # NAME COMMAND...: runs COMMAND 5 times, keeping what it printed
    local name=$1 i
    shift
    for i in 1 2 3 4 5; do
        "$@" "$i" >>"refs.$name" 2>>"errs.$name" || echo "exit $? in round $i" >>"fails.$name"
    done
}
adder() { head -c 3000000 /dev/urandom >"data/$1-$2.bin"; "$MLCI" data-version add "data/$1-$2.bin" --name "$1"; }
# Trainers write model.pkl: each works in a checkout of its own, on the shared store.
trainer() { (cd "work-$1" && "$MLCI" --store "$SCRATCH/.mlci" train -p "n_estimators=$((10 * $2 + $1))" --name "iris-$1"); }
for t in 1 2; do
    git clone -q . "work-$t" && mkdir -p "work-$t/data" && cp data/iris.csv "work-$t/data/"
done
validator() { "$MLCI" validate "$run"; }
packager() { "$MLCI" package "$run" --tag "pkg-$1:1"; }
deployer() { "$MLCI" package "$run" --tag "dep-$1:1" | "$MLCI" deploy - --env "c$1" --target "dir:deploy-$1"; }
collector() { "$MLCI" gc --grace 0; }

worker a1 adder a1 & worker a2 adder a2 & worker a3 adder a3 &
worker t1 trainer 1 & worker t2 trainer 2 &
worker v validator & worker p packager & worker d deployer &
worker g1 collector & worker g2 collector &
wait

for f in fails.*; do
    [[ -e $f ]] || continue
    cat "$f" "errs.${f#fails.}" >&2
    fail "a worker failed: $f"
done
count=0
for ref in $(cat refs.*); do
    [[ $ref == sha256:* || $ref == *:* ]] || continue
    expect_exit 0 mlci show "$ref"
    count=$((count + 1))
done
((count >= 40)) || fail "only $count references were printed"
for w in a1 a2 a3; do
    expect_exit 0 mlci data-version log "$w"
    expect_eq "$(grep -c "^$w:v" out || true)" "5" "versions of $w"
done
expect_exit 0 mlci verify
pass
