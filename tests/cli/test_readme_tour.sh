# The README's tour, run as a newcomer would: every command of its two
# command blocks, in order, in a fresh repository holding the iris example.
# A line whose comment says "exit 1" may exit 1 (a gate that reports what it
# found); every other line must exit 0. The commands are read from the
# README itself, so a tour that stops working fails here.
source "$(dirname "$0")/lib.sh"

readme="$MLCI_SOURCE_DIR/README.md"
# The fenced lines between "## A tour" and the shell-pipeline paragraph.
/usr/bin/python3 - "$readme" > "$SCRATCH/tour.txt" <<'PY'
import sys
text = open(sys.argv[1]).read()
tour = text.split("## A tour", 1)[1].split("The same as a shell pipeline", 1)[0]
fenced, inside = [], False
for line in tour.splitlines():
    if line.startswith("```"):
        inside = not inside
        continue
    if inside and line.strip():
        fenced.append(line)
print("\n".join(fenced))
PY
[[ $(wc -l < "$SCRATCH/tour.txt") -ge 20 ]] || fail "the tour has fewer lines than expected"

mkdir proj && cp -r "$MLCI_SOURCE_DIR/share/examples/iris/." proj/ && cd proj
git init -q -b main . && git add -A &&
    git -c user.name=t -c user.email=t@t commit -qm example
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t
# What the tour takes as given: the exported data, and live traffic to watch.
/usr/bin/python3 scripts/export_data.py >/dev/null
/usr/bin/python3 scripts/simulate_traffic.py --count 300 > live.jsonl
echo live.jsonl >> .git/info/exclude

n=0
while IFS= read -r line; do
    n=$((n + 1))
    may_fail=0
    [[ $line == *"exit 1"* ]] && may_fail=1
    # One shell for the whole tour: variables ($run, $image) carry over.
    printf '%s\n' "$line" >> "$SCRATCH/script.sh"
    printf 'rc=$?; if [ $rc -ne 0 ] && ! { [ %d = 1 ] && [ $rc = 1 ]; }; then echo "tour line %d exited $rc: %s" >&2; exit 97; fi\n' \
        "$may_fail" "$n" "${line//\'/}" >> "$SCRATCH/script.sh"
done < "$SCRATCH/tour.txt"
mkdir -p "$SCRATCH/bin" && ln -sf "$MLCI" "$SCRATCH/bin/mlci"
PATH="$SCRATCH/bin:$PATH" bash "$SCRATCH/script.sh" > "$SCRATCH/tour.out" 2> "$SCRATCH/tour.err" ||
    { tail -30 "$SCRATCH/tour.err" >&2; fail "the README's tour stopped"; }
# What the tour says it makes is there.
[[ -f data/iris.csv.mlci ]] || fail "no pointer file"
[[ -f reports/junit.xml && -f reports/validation.md && -f report.html ]] ||
    fail "the tour's reports are missing"
[[ -e deploy/staging/current ]] || fail "nothing deployed"
[[ -f release.key ]] || fail "no key generated"
expect_exit 0 mlci --store other log
pass
