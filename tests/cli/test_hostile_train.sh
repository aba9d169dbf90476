# mlci train when things go wrong: SIGKILL mid-run, a command that leaves
# its output stale, outputs that name git's folder or the store, the
# command's own flags after '--', and a string command naming a missing
# program.
source "$(dirname "$0")/lib.sh"

mkdir P && cd P && git init -q && mlci init -q >/dev/null
git commit -q --allow-empty -m init

json() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
runs_of() { mlci --json log "$1" | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
work_dirs() { find .mlci/mlci/work -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l; }
git_state() { ls -a .git; cat .git/HEAD; git rev-parse HEAD; }

# Starts `mlci train $@` in the background with a command that writes its
# process group id to $SCRATCH/cmd.pid, runs $BODY, says "started" and
# sleeps; then SIGKILLs mlci, and the orphaned command's group.
kill9_train() {
    rm -f "$SCRATCH/cmd.pid" "$SCRATCH/k.err"
    "$MLCI" train "$@" -- sh -c "echo \$\$ > '$SCRATCH/cmd.pid'; ${BODY:-:}; echo started; sleep 30" \
        >"$SCRATCH/k.out" 2>"$SCRATCH/k.err" &
    local pid=$!
    for _ in $(seq 200); do
        grep -q started "$SCRATCH/k.err" 2>/dev/null && break
        sleep 0.05
    done
    grep -q started "$SCRATCH/k.err" || fail "the command did not start"
    kill -9 "$pid"
    wait "$pid" 2>/dev/null || true
    kill -9 -- "-$(cat "$SCRATCH/cmd.pid")" 2>/dev/null || true
}

# --- SIGKILL of mlci while the command runs leaves the outputs in place ---
echo OLD > model.pkl
kill9_train -o model.pkl -n k --force
expect_eq "$(cat model.pkl)" "OLD" "model.pkl after SIGKILL of mlci"
expect_exit 0 mlci verify
# ...also when the command had begun writing: it holds what was written.
BODY="echo NEW > model.pkl" kill9_train -o model.pkl -n k --force
expect_eq "$(cat model.pkl)" "NEW" "model.pkl holds what the command wrote"
# A folder output too, and the metrics file.
mkdir -p out && echo a > out/a && echo '{"acc": 0.5}' > m.json
kill9_train -o out --metrics m.json -n k --force
expect_eq "$(cat out/a)" "a" "folder output after SIGKILL"
expect_eq "$(cat m.json)" '{"acc": 0.5}' "metrics file after SIGKILL"
# What the dead runs left in the store's work folder is nothing the user
# needs (a params file, a log, links to blobs), and the next run clears it.
(( $(work_dirs) >= 1 )) || fail "the killed runs left no work folder (test is stale)"
for f in $(find .mlci/mlci/work -type f); do
    case "$f" in
    */params.json | */log | */before/* | *.lock) ;;
    *) fail "unexpected file left in the work folder: $f" ;;
    esac
done
expect_exit 0 mlci train -o model.pkl -n k --force -- sh -c 'echo NEWER > model.pkl'
expect_eq "$(cat model.pkl)" "NEWER" "a run after the crash"
expect_eq "$(work_dirs)" "0" "work folders of dead runs removed, the run's own cleaned"
expect_exit 0 mlci verify

# --- an output the command does not rewrite is not recorded stale ---
echo OLD > stale.bin
expect_exit 1 mlci train -o stale.bin -n stale -- true
expect_in "$SCRATCH/err" "the command exited 0 but did not write the output 'stale.bin'"
expect_eq "$(cat stale.bin)" "OLD" "the stale output is left in place"
expect_exit 0 mlci --json show stale:v1
expect_eq "$(json "$SCRATCH/out" "d['config']['status']")" "failed" "status of a stale run"
# Rewriting the same bytes is writing (a deterministic command).
expect_exit 0 mlci train -o stale.bin -n stale -- sh -c 'echo OLD > stale.bin'
# Replacing it (a new file renamed over it) is writing.
expect_exit 0 mlci train -o stale.bin -n stale -- sh -c 'echo R > t.tmp && mv t.tmp stale.bin'
expect_eq "$(cat stale.bin)" "R" "replaced output"
# The metrics file alike.
expect_exit 1 mlci train --metrics m.json -n stale -- true
expect_in "$SCRATCH/err" "did not write the metrics file 'm.json'"
expect_eq "$(cat m.json)" '{"acc": 0.5}' "stale metrics file left in place"
# A folder: written when a file in it is added, rewritten or removed.
expect_exit 1 mlci train -o out -n dir -- true
expect_in "$SCRATCH/err" "did not write the output 'out'"
expect_exit 0 mlci train -o out -n dir -- sh -c 'echo b > out/b'
expect_exit 0 mlci --json show dir:latest
expect_eq "$(json "$SCRATCH/out" "sorted(o['path'] for o in d['config']['outputs'])")" \
    "['out/a', 'out/b']" "folder recorded as the command left it"
# A failing command's changes to a folder output are undone.
expect_exit 1 mlci train -o out -n dir -- sh -c 'echo x > out/a; echo n > out/new; rm out/b; exit 3'
expect_eq "$(cat out/a)" "a" "rewritten file put back"
expect_eq "$(cat out/b)" "b" "removed file put back"
[[ ! -e out/new ]] || fail "a file the failed command added is left"

# --- outputs that must never be written are refused before anything runs ---
before=$(git_state)
for bad in .git .git/config .mlci .mlci/index.json . ../x; do
    expect_exit 2 mlci train -o "$bad" -n bad -- sh -c 'touch ran'
    [[ ! -e ran ]] || fail "the command ran with -o $bad"
done
expect_exit 2 mlci train -o .git -n bad -- true
expect_in "$SCRATCH/err" "output '.git' is git's own folder"
expect_exit 2 mlci train -o .mlci -n bad -- true
expect_in "$SCRATCH/err" "output '.mlci' is a store folder"
expect_exit 2 mlci train -o ../x -n bad -- true
expect_in "$SCRATCH/err" "outside the project"
expect_exit 2 mlci train --metrics .git/m.json -n bad -- true
expect_in "$SCRATCH/err" "metrics file '.git/m.json' is inside git's own folder"
# Through a symbolic link, too: to .git, out of the project, or as the output.
ln -s .git gitlink
expect_exit 2 mlci train -o gitlink/config -n bad -- sh -c 'touch ran'
expect_in "$SCRATCH/err" "inside git's own folder"
ln -s "$SCRATCH" outside
expect_exit 2 mlci train -o outside/x -n bad -- sh -c 'touch ran'
expect_in "$SCRATCH/err" "outside the project"
ln -s .git/config link.pkl
expect_exit 2 mlci train -o link.pkl -n bad -- sh -c 'touch ran'
expect_in "$SCRATCH/err" "symbolic link"
[[ ! -e ran ]] || fail "the command ran with a refused output"
expect_eq "$(git_state)" "$before" ".git after refused outputs"
expect_eq "$(runs_of bad)" "0" "nothing recorded for refused outputs"
rm gitlink outside link.pkl
# A store elsewhere in the project: neither it nor a folder holding it.
mkdir -p stores && mlci --store stores/s init -q >/dev/null
expect_exit 2 mlci --store stores/s train -o stores -n bad -- true
expect_in "$SCRATCH/err" "holds mlci's store"
expect_exit 2 mlci --store stores/s train -o stores/s/x -n bad -- true
expect_in "$SCRATCH/err" "inside mlci's store"
expect_exit 0 mlci --store stores/s verify

# --- a repeatable option right before '--' leaves the command's flags alone ---
cat > "$SCRATCH/args.py" <<'PY'
import sys
open("args.txt", "w").write(" ".join(sys.argv[1:]) + "\n")
PY
expect_exit 0 mlci train -o args.txt -n flags -- /usr/bin/python3 -u "$SCRATCH/args.py" -x --y=1
expect_eq "$(cat args.txt)" "-x --y=1" "-o before --"
expect_exit 0 mlci train -n flags -o args.txt -p lr=0.5 -- /usr/bin/python3 -u "$SCRATCH/args.py" -p
expect_eq "$(cat args.txt)" "-p" "-p before --"
expect_exit 0 mlci --json show flags:latest
expect_eq "$(json "$SCRATCH/out" "d['config']['params']['lr']")" "0.5" "-p still set"
echo "a,b" > d.csv
expect_exit 0 mlci data-version add d.csv
ref=$(cat "$SCRATCH/out")
expect_exit 0 mlci train -n flags -o args.txt -i "$ref" -- /usr/bin/python3 -u "$SCRATCH/args.py" -i
expect_eq "$(cat args.txt)" "-i" "-i before --"
expect_exit 0 mlci train -n sweep -o args.txt --grid k=1,2 -- /usr/bin/python3 -u "$SCRATCH/args.py" --grid
expect_eq "$(runs_of sweep)" "2" "--grid before --"
expect_exit 0 mlci --json show sweep:v1
expect_eq "$(json "$SCRATCH/out" "d['config']['command']")" \
    "['/usr/bin/python3', '-u', '$SCRATCH/args.py', '--grid']" "the command's argv"
# Without '--', the words after a repeatable option's value are the command.
expect_exit 0 mlci train -n flags -o args.txt /usr/bin/python3 "$SCRATCH/args.py" hi
expect_eq "$(cat args.txt)" "hi" "-o takes one value"

# --- a string command naming a missing program: exit 3, as a list does ---
printf 'train:\n  command: "nosuchprog-mlci --x"\n  name: nsp\n' > mlci.yaml
expect_exit 3 mlci train
expect_in "$SCRATCH/err" "nosuchprog-mlci"
expect_in "$SCRATCH/err" "not found"
printf 'train:\n  command: [nosuchprog-mlci, --x]\n  name: nsp\n' > mlci.yaml
expect_exit 3 mlci train
expect_in "$SCRATCH/err" "'nosuchprog-mlci' not found"
printf 'train:\n  command: "LANG=C ./no-such-script.sh --x"\n  name: nsp\n' > mlci.yaml
expect_exit 3 mlci train
expect_in "$SCRATCH/err" "./no-such-script.sh"
expect_exit 3 mlci train -n nsp -- 'nosuchprog-mlci --x'
expect_eq "$(runs_of nsp)" "0" "nothing recorded for a missing program"
# A line with shell syntax is the shell's to judge: a fallback works.
printf 'train:\n  command: "nosuchprog-mlci 2>/dev/null || echo ok > o.txt"\n  outputs: [o.txt]\n  name: nsp\n' > mlci.yaml
expect_exit 0 mlci train
expect_eq "$(cat o.txt)" "ok" "shell fallback"
# A simple string command that exists runs as before.
printf 'train:\n  command: "touch o.txt"\n  outputs: [o.txt]\n  name: nsp\n' > mlci.yaml
expect_exit 0 mlci train

pass
