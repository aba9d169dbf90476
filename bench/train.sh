#!/usr/bin/env bash
# Overhead of `mlci train` around a command, printed next to the command run bare:
#   a command that does nothing: bare, cache miss (recorded), cache hit
#   a run with 1 GiB of outputs already in the store: cache hit (outputs in
#   place), and cache hit after the outputs were deleted (restored from the store)
#   the iris example's `mlci train` hit (a dataset input to verify, params file, mlci.yaml)
# Usage: bench/train.sh [BUILD_DIR]   (needs hyperfine; takes about a minute)
# Not part of the test suite: figures need a quiet machine.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
mlci=$(cd "${1:-$top/build}" && pwd)/mlci
command -v hyperfine >/dev/null || { echo "bench/train.sh needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/var/tmp}/mlci-bench-train.XXXXXX")
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
export GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@b GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@b NO_COLOR=1
runs=${RUNS:-40}

# mean and stddev in ms of a command, measured by hyperfine without a shell.
measure() { # NAME [hyperfine options...] -- COMMAND
    local json="$work/h.json"
    hyperfine -N --warmup 3 --runs "$runs" --export-json "$json" "$@" >/dev/null 2>&1
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.1f %.1f %.1f" % (r["mean"]*1e3, r["stddev"]*1e3, r["min"]*1e3))' "$json"
}
row() { # LABEL "MEAN SD MIN" [NOTE]
    read -r mean sd min <<<"$2"
    printf '  %-52s %7s ms ± %5s  (min %6s)  %s\n' "$1" "$mean" "$sd" "$min" "${3:-}"
}

echo "mlci train overhead, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), $(date -u +%F)"
echo
mkdir "$work/p" && cd "$work/p"
git init -q . && echo ".mlci/" > .git/info/exclude && git commit -q --allow-empty -m init
"$mlci" init >/dev/null 2>&1

echo "A command that does nothing (/bin/true):"
bare=$(measure /bin/true)
row "true, bare" "$bare"
row "mlci --version (process start, the floor)" "$(measure "$mlci --version")"
"$mlci" -q train -n noop -- /bin/true >/dev/null
# The code state (git) and stat caches keep nothing younger than 2 s (a write
# in the same timestamp tick could go unseen): let the fresh repository age.
sleep 2.2
row "mlci train -- true, cache hit" "$(measure "$mlci -q train -n noop -- /bin/true")"
row "mlci train --force -- true, cache miss (recorded)" \
    "$(RUNS=20 measure "$mlci -q train --force -n miss -- /bin/true")" "(run, log, record, sync, tag)"

echo
echo "A run with 1 GiB of outputs (4 files of 256 MiB) in the store:"
cat > write.sh <<'SH'
for i in 1 2 3 4; do head -c 268435456 /dev/urandom > "out$i.bin"; done
SH
git add write.sh && git commit -qm write
big=(-n big -o out1.bin -o out2.bin -o out3.bin -o out4.bin -- sh write.sh)
t0=$(date +%s.%N)
"$mlci" -q train "${big[@]}" >/dev/null
printf '  %-52s %7.1f s   %s\n' "first run (writes and stores 1 GiB)" "$(echo "$(date +%s.%N) - $t0" | bc -l)" ""
# Likewise for the stat cache, so the first hit re-reads the outputs once.
sleep 2.2
t0=$(date +%s.%N)
"$mlci" -q train "${big[@]}" >/dev/null
printf '  %-52s %7.1f s   %s\n' "first hit (hashes the outputs once)" "$(echo "$(date +%s.%N) - $t0" | bc -l)" ""
hit=$(measure "$mlci -q train ${big[*]}")
row "mlci train, cache hit, outputs in place" "$hit" "(target < 20 ms)"
restore=$(RUNS=5 measure --prepare "rm -f out1.bin out2.bin out3.bin out4.bin" "$mlci -q train ${big[*]}")
row "mlci train, cache hit, outputs deleted (restored)" "$restore" "(copies 1 GiB from the store)"
cd "$work" && rm -rf "$work/p"

echo
echo "A shared run cache on a registry (docker-registry on loopback), 3 MB of outputs:"
source "$top/bench/registry.sh"
reg_pid=
trap 'kill "$reg_pid" 2>/dev/null; chmod -R u+w "$work"; rm -rf "$work"' EXIT
start_bench_registry
mkdir "$work/origin" && cd "$work/origin"
git init -q . && printf '.mlci/\nmodel.bin\n' > .gitignore
printf 'head -c 3000000 /dev/urandom > model.bin\nsleep 1\n' > fit.sh
git add -A && git commit -qm init
"$mlci" init >/dev/null 2>&1
remote=(-n shared -o model.bin --remote-cache "$reg/bench/run-cache" --plain-http -- sh fit.sh)
"$mlci" -q train "${remote[@]}" >/dev/null
row "the command bare (writes 3 MB, 'trains' 1 s)" "$(RUNS=5 measure "sh fit.sh")"
git clone -q "$work/origin" "$work/runner" && cd "$work/runner"
row "mlci train, remote hit from an empty store" \
    "$(RUNS=10 measure --prepare "sh -c 'rm -rf .mlci model.bin && $mlci init'" "$mlci -q train ${remote[*]}")" \
    "(pull, verify, restore; target < 1 s)"
cd "$work"

if /usr/bin/python3 -c 'import sklearn' 2>/dev/null; then
    echo
    echo "The iris example (mlci.yaml, params.yaml, a dataset input, scikit-learn):"
    cp -r "$top/share/examples/iris" "$work/iris" && cd "$work/iris"
    /usr/bin/python3 scripts/export_data.py
    git init -q . && echo ".mlci/" > .git/info/exclude
    "$mlci" init >/dev/null 2>&1 && "$mlci" -q data-version add data/iris.csv >/dev/null
    git add -A && git commit -qm init
    row "python3 src/train.py, bare" "$(RUNS=5 measure "/usr/bin/python3 src/train.py data/iris.csv")"
    row "mlci train, cache miss" "$(RUNS=5 measure "$mlci -q train --force")"
    sleep 2.2 && "$mlci" -q train >/dev/null
    row "mlci train, cache hit" "$(measure "$mlci -q train")"
fi
