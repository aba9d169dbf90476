#!/usr/bin/env bash
# Benchmark of `mlci data-version` against its peers, printed side by side:
#   one 1 GiB file:   openssl dgst -sha256, sha256sum, git annex add, mlci add (copy, --link)
#   many small files: git add / git status vs mlci add / mlci status
# Usage: bench/data-version.sh [BUILD_DIR] [FILES]   (FILES defaults to 100000)
# Not part of the test suite: it takes minutes and needs a quiet machine.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
mlci=${1:-$top/build}/mlci
files=${2:-100000}
work=$(mktemp -d "${TMPDIR:-/var/tmp}/mlci-bench.XXXXXX")
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
export GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@b GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@b

# Prints the wall time of a command in seconds (best of $runs).
runs=${RUNS:-3}
seconds() {
    local best=
    for ((r = 0; r < runs; r++)); do
        [[ -n ${before:-} ]] && eval "$before"
        local t0 t1
        t0=$(date +%s.%N)
        "$@" >/dev/null 2>&1
        t1=$(date +%s.%N)
        local t
        t=$(echo "$t1 - $t0" | bc -l)
        if [[ -z $best ]] || (($(echo "$t < $best" | bc -l))); then best=$t; fi
    done
    printf '%.3f' "$best"
}
row() { printf '  %-44s %8s s %s\n' "$1" "$2" "${3:-}"; }
ratio() { printf '(%.2fx %s)' "$(echo "$1 / $2" | bc -l)" "$3"; }

echo "mlci data-version benchmark, $(nproc) cores, $(date -u +%F)"
echo
echo "One 1 GiB file (page cache warm):"
mkdir "$work/one" && cd "$work/one"
head -c 1G /dev/urandom > big.bin
cat big.bin > /dev/null
openssl_t=$(seconds openssl dgst -sha256 big.bin)
row "openssl dgst -sha256" "$openssl_t" "(the sha256 floor)"
row "sha256sum" "$(seconds sha256sum big.bin)"
# Each run starts with nothing dirty in the page cache, so that the store's
# one sync flushes what mlci wrote, not the file the benchmark just made.
before='rm -rf .mlci; "$mlci" init >/dev/null 2>&1; sync'
link_t=$(seconds "$mlci" data-version add big.bin --link)
row "mlci data-version add --link" "$link_t" "$(ratio "$link_t" "$openssl_t" "openssl")"
before='rm -rf .mlci; "$mlci" init >/dev/null 2>&1; sync'
copy_t=$(seconds "$mlci" data-version add big.bin)
row "mlci data-version add (copy, durable)" "$copy_t" "$(ratio "$copy_t" "$openssl_t" "openssl")"
before='rm -f zz; sync'
dd_t=$(seconds dd if=big.bin of=zz bs=1M conv=fdatasync)
row "dd conv=fdatasync (the durable-copy floor)" "$dd_t"
if command -v git-annex >/dev/null; then
    before='rm -rf annex; mkdir annex; cp --reflink=auto big.bin annex/; (cd annex && git init -q && git annex init -q >/dev/null 2>&1)'
    annex_t=$(RUNS=1 seconds bash -c 'cd annex && git annex add big.bin')
    row "git annex add" "$annex_t"
fi
before=
rm -rf "$work/one"

echo
echo "$files files of 1-8 KiB in $((files / 100)) folders:"
mkdir "$work/many" && cd "$work/many"
/usr/bin/python3 - "$files" <<'PY'
import os, random, sys
n = int(sys.argv[1]); random.seed(1)
for i in range(n):
    d = f"tree/d{i // 100:04d}"
    if i % 100 == 0:
        os.makedirs(d, exist_ok=True)
    with open(f"{d}/f{i:06d}.bin", "wb") as f:
        f.write(os.urandom(random.randint(1024, 8192)))
PY
find tree -type f -exec cat {} + > /dev/null
# A sync before each add: the figure is the tool's work, not writing back the
# tree the generator above (or the previous run) left dirty.
before='rm -rf .git; git init -q; sync'
git_add_t=$(seconds git add tree)
row "git add (fresh repository)" "$git_add_t"
before= # git status runs on the repository the last add filled
git_status_t=$(RUNS=5 seconds git status --porcelain)
row "git status" "$git_status_t"
rm -rf .git
before='rm -rf .mlci tree.mlci .gitignore; "$mlci" init >/dev/null 2>&1; sync'
add_t=$(seconds "$mlci" data-version add tree)
row "mlci data-version add" "$add_t" "$(ratio "$add_t" "$git_add_t" "git add") $(printf '%.0f files/s' "$(echo "$files / $add_t" | bc -l)")"
before=
"$mlci" data-version status tree >/dev/null 2>&1 || true # settles the stat cache
sleep 2
"$mlci" data-version status tree >/dev/null 2>&1 || true
status_t=$(RUNS=5 seconds "$mlci" data-version status tree)
row "mlci data-version status (unchanged)" "$status_t" "$(ratio "$status_t" "$git_status_t" "git status")"
echo
# Start-up in milliseconds, best of 300 spawns: the shell's date calls of
# seconds() would cost more than what is measured. /bin/true is the floor.
/usr/bin/python3 - "$mlci" <<'PY'
import subprocess, sys, time

def best_ms(cmd, n=300):
    best = float("inf")
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
        best = min(best, time.perf_counter() - t)
    return best * 1000

for label, cmd in (("/bin/true (spawning a process)", ["/bin/true"]),
                   ("git --version", ["git", "--version"]),
                   ("mlci --version (start-up)", [sys.argv[1], "--version"])):
    print(f"  {label:<44} {best_ms(cmd):8.2f} ms")
PY
