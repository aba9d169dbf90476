# The run cache keyed on what a run depends on, and shared through a real
# registry (--remote-cache): a fresh clone restores a run made elsewhere
# without running the command; a commit that touches only documentation
# still hits; a changed param, script or dependency misses; a cache entry
# whose blobs are corrupt or missing, or a cache that cannot be reached, is
# a warning and the command runs.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/registry_fixture.sh"
start_registry open
cache="$REG_OPEN/team/run-cache"
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t

# Each execution appends a line to a file outside the project.
export COUNT_FILE="$SCRATCH/executions"
executions() { if [[ -f $COUNT_FILE ]]; then wc -l < "$COUNT_FILE"; else echo 0; fi; }
json() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

mkdir origin && cd origin
git init -q . && printf '.mlci/\nmodel.bin\nmetrics.json\n' > .gitignore
cat > train.py <<'PY'
import json, os
p = json.load(open(os.environ["MLCI_PARAMS"]))
open(os.environ["COUNT_FILE"], "a").write("ran\n")
# 3 MB of model, different for every param value.
block = (json.dumps(p, sort_keys=True) * 64).encode()[:4096].ljust(4096, b".")
open("model.bin", "wb").write(block * 768)
json.dump({"score": p.get("lr", 1) * 2}, open("metrics.json", "w"))
PY
cat > mlci.yaml <<'YAML'
params: {lr: 0.5}
train:
  command: [/usr/bin/python3, train.py]
  outputs: [model.bin]
  metrics: metrics.json
  name: toy
YAML
echo "# Toy" > README.md
git add -A && git commit -qm init
cd ..

# A runner: a fresh clone with a fresh store.
clone() { rm -rf "$1" && git clone -q origin "$1" && (cd "$1" && mlci init >/dev/null 2>&1); }
train() { mlci --json train --remote-cache "$cache" --plain-http "$@"; }

# The first runner runs the command and stores the run in the cache.
clone r1 && cd r1
expect_exit 0 train
expect_eq "$(executions)" "1" "executions after the first run"
expect_eq "$(json "$SCRATCH/out" "d['runs'][0]['cached']")" "False" "first run cached"
sha_r1=$(sha256sum model.bin | cut -d' ' -f1)
key=$(json "$SCRATCH/out" "d['runs'][0]['cache']['key']")
skopeo inspect --tls-verify=false --raw "docker://$cache:run-${key#sha256:}" > "$SCRATCH/manifest.json" ||
    fail "the run is not in the cache under its key"
expect_in "$SCRATCH/manifest.json" "application/vnd.mlci.run.v1"
cd ..

# A second runner, fresh store: a hit, the command does not run, the outputs
# are restored byte for byte, and the record says where the hit came from.
clone r2 && cd r2
expect_exit 0 train
expect_eq "$(executions)" "1" "executions after a remote hit"
expect_eq "$(json "$SCRATCH/out" "d['runs'][0]['cached']")" "True" "remote hit cached"
expect_in "$SCRATCH/out" "$cache:run-${key#sha256:}@sha256:"
expect_in "$SCRATCH/err" "reused from the remote cache"
expect_eq "$(sha256sum model.bin | cut -d' ' -f1)" "$sha_r1" "restored model"
expect_eq "$(json metrics.json "d['score']")" "1.0" "restored metrics"
expect_exit 0 mlci log toy
expect_in "$SCRATCH/out" "toy:v1"
# Now a local hit: no registry needed.
expect_exit 0 mlci --json train --remote-cache 127.0.0.1:1/none --plain-http
expect_eq "$(json "$SCRATCH/out" "d['runs'][0]['cached']")" "True" "local hit after a remote hit"
expect_not_in "$SCRATCH/err" "warning"
cd ..

# A commit that changes only documentation: still a hit on a new runner.
(cd origin && echo "More words." >> README.md && git commit -qam "docs")
clone r3 && cd r3
expect_exit 0 train
expect_eq "$(executions)" "1" "executions after a docs-only commit"
# A changed param misses, runs, and is shared in turn.
expect_exit 0 train -p lr=0.25
expect_eq "$(executions)" "2" "executions after a param change"
cd ..
clone r4 && cd r4
expect_exit 0 train -p lr=0.25
expect_eq "$(executions)" "2" "a param change shared"
# An untracked edit of the code misses, and --explain says which file.
echo "# tuned" >> train.py
expect_exit 0 mlci train --remote-cache "$cache" --plain-http --explain
expect_eq "$(executions)" "3" "executions after an edit of the script"
expect_in "$SCRATCH/err" "dependency 'train.py': changed"
# A new untracked helper is a dependency too; one declared out is not.
echo "X = 1" > helper.py
expect_exit 0 mlci train --remote-cache "$cache" --plain-http -v
expect_eq "$(executions)" "4" "executions after a new helper file"
expect_in "$SCRATCH/err" "dependency 'helper.py': new"
# Declared: the README counts (it does not by default), helper.py does not.
expect_exit 0 mlci train --dep train.py --dep README.md
expect_eq "$(executions)" "5" "declared deps: a new key"
echo "X = 2" > helper.py
expect_exit 0 mlci train --dep train.py --dep README.md
expect_eq "$(executions)" "5" "a file outside the declared deps changed: a hit"
expect_exit 2 mlci train --dep no-such-file.py
expect_in "$SCRATCH/err" "dependency 'no-such-file.py' matches no file"
cd ..

# A cache that cannot be reached is a warning; the run goes on (MLCI_REMOTE_CACHE).
clone r5 && cd r5
MLCI_REMOTE_CACHE=127.0.0.1:1/none expect_exit 0 mlci train --plain-http -p lr=0.125
expect_in "$SCRATCH/err" "warning: remote cache '127.0.0.1:1/none' not used"
expect_eq "$(executions)" "6" "executions with an unreachable cache"
cd ..

# A corrupt entry: the blob of the model in the registry rewritten. The pull
# does not verify, nothing is restored from it, and the command runs.
blob=$(json "$SCRATCH/manifest.json" "[l['digest'] for l in d['layers'] if l['annotations'].get('org.opencontainers.image.title') == 'outputs'][0]")
clone r6 && cd r6
list_data=$(find "$SCRATCH/registry-open/data" -path "*/blobs/sha256/*/${blob#sha256:}/data")
[[ -n $list_data ]] || fail "the outputs list blob is not in the registry's storage"
cp "$list_data" "$SCRATCH/list.bak"
printf '{"v":1,"files":[]}' > "$list_data"
expect_exit 0 train
expect_in "$SCRATCH/err" "warning: remote cache"
expect_eq "$(executions)" "7" "executions after a corrupt entry"
expect_eq "$(sha256sum model.bin | cut -d' ' -f1)" "$sha_r1" "the model made by the run"
cd ..
# A missing blob: likewise.
cp "$SCRATCH/list.bak" "$list_data"
rm -f "$list_data"
clone r7 && cd r7
expect_exit 0 mlci train --remote-cache "$cache" --plain-http
expect_in "$SCRATCH/err" "warning: remote cache"
expect_eq "$(executions)" "8" "executions after a missing blob"
cd ..

# train.remote_cache in mlci.yaml.
clone r8 && cd r8
printf '  remote_cache: %s\n' "$cache" >> mlci.yaml
expect_exit 0 mlci --json train --plain-http -p lr=0.25
expect_eq "$(executions)" "8" "a hit through train.remote_cache"
expect_in "$SCRATCH/out" "$cache:run-"
cd ..

# Two runners that each version the same data (their versions differ in
# time and message) share a run on it: the key holds the files, not the version.
for r in r9 r10; do
    clone "$r" && cd "$r"
    printf 'x,y\n1,2\n3,4\n' > points.csv && echo points.csv >> .git/info/exclude
    expect_exit 0 mlci data-version add points.csv -m "job $r"
    expect_exit 0 mlci --json train --remote-cache "$cache" --plain-http -i points -p lr=2
    cd ..
done
expect_eq "$(executions)" "9" "one execution for two runners' versions of the same data"
expect_in "$SCRATCH/out" "\"cached\": true"
pass
