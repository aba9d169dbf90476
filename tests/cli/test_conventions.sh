# One convention for every command: `test -- CMD` like `train -- CMD`,
# pytest counted without --junitxml, short flags that mean one thing,
# --help with the man page's prose, close "did you mean"s, --store given the
# project folder, init and .gitignore, and one kind of artifact per name.
source "$(dirname "$0")/lib.sh"

out=$SCRATCH/out err=$SCRATCH/err # what expect_exit kept

mkdir proj && cd proj
expect_exit 0 mlci init
printf 'a,b\n1,2\n' >t.csv
expect_exit 0 mlci data-version add t.csv -n table

# --- mlci test -- CMD: a command as a suite -------------------------------------
mkdir tests
cat >tests/test_two.py <<'PY'
def test_one():
    assert True

def test_two():
    assert 1 + 1 == 2
PY
expect_exit 0 mlci test -- /usr/bin/python3 -m pytest -q tests
expect_in "$err" "suite pytest: 2 passed, 0 failed"
expect_in "$err" "2 tests, 0 failed"
[[ $(cat "$out") == sha256:* ]] || fail "stdout is not the report's digest"
# pytest by its own name, and as one shell line: counted all the same.
expect_exit 0 mlci test -- pytest -q tests
expect_in "$err" "suite pytest: 2 passed"
expect_exit 0 mlci test -- 'pytest -q tests'
expect_in "$err" "suite pytest: 2 passed"
# A --junitxml the user gave is theirs: mlci adds none and reads no report.
expect_exit 0 mlci test -- pytest -q tests --junitxml=mine.xml
expect_in "$err" "suite pytest: passed (no test report: counted as one test)"
[[ -f mine.xml ]] || fail "the user's --junitxml was not honoured"
# A failing test fails the report, counted by pytest's report.
cat >tests/test_broken.py <<'PY'
def test_broken():
    assert 1 + 1 == 3
PY
expect_exit 1 mlci test -- pytest -q tests
expect_in "$err" "suite pytest: 2 passed, 1 failed"
rm tests/test_broken.py
# A suite with no report is one test, and says so.
expect_exit 0 mlci test -- true
expect_in "$err" "suite true: passed (no test report: counted as one test)"
expect_not_in "$err" "1 passed"
expect_exit 1 mlci test -- sh -c 'exit 3'
expect_in "$err" "suite sh: failed (no test report: counted as one test; the command exited with status 3)"
# REF and a command; two words before '--' are one too many.
expect_exit 0 mlci test table:v1 --no-data -- true
expect_exit 0 mlci --json show "$(cat "$out")"
expect_in "$out" '"subject"'
expect_exit 2 mlci test pytest tests
expect_in "$err" "put it after '--': mlci test -- pytest"
# A suite of mlci.yaml that runs pytest without --junitxml is counted too.
printf 'test:\n  suites:\n    unit: {command: [pytest, -q, tests]}\n' >mlci.yaml
expect_exit 0 mlci test
expect_in "$err" "suite unit: 2 passed"
rm mlci.yaml

# --- short flags: one meaning per letter ------------------------------------------
# Every -X in every --help names the same long flag.
declare -A meaning=()
commands=$(mlci help --list)
for step in $commands; do
    paths=("$step")
    for sub in $(mlci help --man "$step" | sed -n 's/^\.SS //p'); do paths+=("$step $sub"); done
    for path in "${paths[@]}"; do
        # shellcheck disable=SC2086
        while read -r short long; do
            if [[ -n ${meaning[$short]:-} && ${meaning[$short]} != "$long" ]]; then
                fail "$short is ${meaning[$short]} and $long ('mlci $path')"
            fi
            meaning[$short]=$long
        done < <(mlci $path --help | grep -oE -- '^ +-[a-zA-Z],--[a-z][a-z-]*' | tr ',' ' ')
    done
done
expect_eq "${meaning[-n]}" "--name" "-n"
expect_eq "${meaning[-o]}" "--output" "-o"
expect_eq "${meaning[-t]}" "--tag" "-t"
expect_exit 2 mlci gc -n
expect_exit 0 mlci gc --dry-run
expect_exit 2 mlci log -n 1
expect_exit 0 mlci log --limit 1
mkdir keys
expect_exit 0 mlci key generate -o keys/k
[[ -f keys/k.key && -f keys/k.pub ]] || fail "key generate -o"
expect_exit 0 mlci key generate --out keys/old # the old long form stays

# --- --tag: NAME:TAG exactly, NAME for the next NAME:vN --------------------------
expect_exit 0 mlci test -t nightly -- true
expect_eq "$(cat "$out")" "nightly:v1" "test --tag NAME"
expect_exit 0 mlci test --tag nightly -- true
expect_eq "$(cat "$out")" "nightly:v2" "test --tag NAME again"
expect_exit 0 mlci test --tag ci:smoke -- true
expect_eq "$(cat "$out")" "ci:smoke" "test --tag NAME:TAG"
expect_exit 0 mlci show nightly:latest
# pull takes the same form: NAME gives the next NAME:vN, or the version
# that holds the same artifact already.
expect_exit 0 mlci push nightly:v1 "oci:$SCRATCH/layout"
expect_exit 0 mlci push nightly:v2 "oci:$SCRATCH/layout"
expect_exit 0 mlci --store "$SCRATCH/pulled-store" init
expect_exit 0 mlci --store "$SCRATCH/pulled-store" pull "oci:$SCRATCH/layout:nightly:v1" --tag mine
expect_eq "$(cat "$out")" "mine:v1" "pull --tag NAME"
expect_exit 0 mlci --store "$SCRATCH/pulled-store" pull "oci:$SCRATCH/layout:nightly:v2" -t mine
expect_eq "$(cat "$out")" "mine:v2" "pull --tag NAME, another artifact"
expect_exit 0 mlci --store "$SCRATCH/pulled-store" pull "oci:$SCRATCH/layout:nightly:v1" --tag mine
expect_eq "$(cat "$out")" "mine:v1" "pull --tag NAME of an artifact it has"
expect_exit 0 mlci --store "$SCRATCH/pulled-store" pull "oci:$SCRATCH/layout:nightly:v1" --tag mine:exact
expect_eq "$(cat "$out")" "mine:exact" "pull --tag NAME:TAG"

# --- --help has the man page's prose; errors point to it ---------------------------
expect_exit 0 mlci test --help
expect_in "$out" "Examples:"
expect_in "$out" "mlci test -- pytest -q tests"
expect_in "$out" "counted as one test"
expect_exit 0 mlci help test
expect_eq "$(grep -c 'Examples:' "$out")" "1" "'Examples:' in mlci help test"
diff <(mlci help test) <(mlci test --help) >/dev/null || fail "mlci help test and mlci test --help differ"
expect_exit 2 mlci train --no-such-flag
expect_in "$err" "see 'mlci train --help'"
expect_exit 2 mlci data-version add
expect_in "$err" "see 'mlci data-version add --help'"

# "did you mean": close names only.
expect_exit 2 mlci list
expect_not_in "$err" "did you mean"
expect_exit 2 mlci tarin
expect_in "$err" "did you mean 'train'?"
expect_exit 2 mlci valdate
expect_in "$err" "did you mean 'validate'?"
expect_exit 2 mlci help lsit
expect_not_in "$err" "did you mean"
# An unknown command of a group is named.
expect_exit 2 mlci data-version bogus
expect_in "$err" "'bogus' is not a 'mlci data-version' command"
expect_exit 2 mlci data-version lst
expect_in "$err" "did you mean 'list'?"
expect_exit 2 mlci remote bogus
expect_in "$err" "'bogus' is not a 'mlci remote' command"
expect_exit 2 mlci deploy bogus
expect_in "$err" "'bogus' is not a 'mlci deploy' command"

# --- mlci init: the store, and .gitignore ----------------------------------------
# The first init (above) added .mlci to .gitignore; a second adds nothing.
expect_eq "$(head -1 .gitignore)" "/.mlci" ".gitignore after init"
expect_exit 0 mlci init # again: nothing added twice
expect_eq "$(grep -c mlci .gitignore)" "1" "lines ignoring .mlci after a second init"
expect_not_in "$err" "added"
git init -q
git check-ignore -q .mlci || fail ".mlci not ignored by git"
# An existing .gitignore that ignores it already, or ends without a newline.
mkdir ../other && printf '*.pyc' >../other/.gitignore
expect_exit 0 mlci init ../other
expect_in "$err" "added '/.mlci' to '../other/.gitignore'"
expect_eq "$(cat ../other/.gitignore)" "$(printf '*.pyc\n/.mlci')" "appended to an existing .gitignore"
mkdir ../third && printf '.mlci/\n' >../third/.gitignore
expect_exit 0 mlci init ../third
expect_eq "$(cat ../third/.gitignore)" ".mlci/" "a .gitignore that ignores .mlci already"

# --store takes the project folder as well as the store itself.
(cd "$SCRATCH" && expect_exit 0 mlci --store proj show table:v1)
(cd "$SCRATCH" && expect_exit 0 mlci --store proj/.mlci show table:v1)
(cd "$SCRATCH" && MLCI_STORE=$SCRATCH/proj expect_exit 0 mlci show table:v1)
(cd "$SCRATCH" && expect_exit 2 mlci --store "$SCRATCH" show table:v1)
expect_in "$err" "is not an mlci store"

# --- one kind per name ------------------------------------------------------------
# A run named after a dataset: refused before the command runs.
git add -A && git commit -qm init
expect_exit 2 mlci train -n table -- sh -c 'touch ran'
expect_in "$err" "name 'table' belongs to datasets"
[[ ! -e ran ]] || fail "the command ran although its run could not be recorded"
expect_exit 0 mlci train -n train -- sh -c 'touch ran'
# A dataset named after runs: refused before hashing.
expect_exit 2 mlci data-version add t.csv -n train
expect_in "$err" "name 'train' belongs to runs ('train:"
expect_in "$err" "a dataset cannot continue their versions"
# Test reports are artifacts of their own kind too.
before=$(ls .mlci/blobs/sha256 | wc -l)
expect_exit 2 mlci test -t table -- sh -c 'touch tested'
expect_in "$err" "name 'table' belongs to datasets"
[[ ! -e tested ]] || fail "the suite ran although its report could not be tagged"
expect_eq "$(ls .mlci/blobs/sha256 | wc -l)" "$before" "blobs after a refused tag"

pass
