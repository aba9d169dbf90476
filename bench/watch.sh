#!/usr/bin/env bash
# Benchmark of `mlci watch`: 1,000,000 inference events of 20 features (15
# numbers, 5 categories) as JSON lines, checked with --once against a
# baseline profile on one core (taskset -c 0). Prints events a second (the
# target is 500,000) and the peak resident memory, which must not grow with
# the number of events (compare EVENTS=100000 with the default).
# Usage: bench/watch.sh [BUILD_DIR]   (EVENTS=N to change the count)
# Not part of the test suite: it takes a minute and needs a quiet machine.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
mlci=${1:-$top/build}/mlci
events=${EVENTS:-1000000}
work=$(mktemp -d "${TMPDIR:-/var/tmp}/mlci-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

/usr/bin/python3 - "$events" <<'PY'
import json, random, sys
n = int(sys.argv[1])
rng = random.Random(1)
nums = [f"n{i:02d}" for i in range(15)]
cats = [f"c{i:02d}" for i in range(5)]
levels = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"]
def row(shift):
    r = {k: round(rng.gauss(10 * i + shift, 3 + i), 3) for i, k in enumerate(nums)}
    r.update({k: rng.choice(levels[: 3 + i % 4]) for i, k in enumerate(cats)})
    return r
with open("train.csv", "w") as f:
    f.write(",".join(nums + cats + ["label"]) + "\n")
    for _ in range(20000):
        r = row(0)
        f.write(",".join(str(r[k]) for k in nums + cats) + "," + rng.choice(["yes", "no"]) + "\n")
with open("events.jsonl", "w") as f:
    for i in range(n):
        # The last fifth drifts, so the statistics have something to find.
        r = row(0 if i < n * 4 // 5 else 2)
        f.write(json.dumps({"ts": 1717000000 + i * 0.01, "features": r,
                            "prediction": rng.choice(["yes", "no"]),
                            "label": rng.choice(["yes", "no"])}, separators=(",", ":")) + "\n")
PY
"$mlci" init >/dev/null
"$mlci" data-version add train.csv >/dev/null 2>&1
size=$(stat -c %s events.jsonl)
cat events.jsonl >/dev/null # page cache warm

echo "mlci watch benchmark: $events events, 20 features, $((size / 1048576)) MiB of JSON lines, $(date -u +%F)"
best=
for r in 1 2 3; do
    t0=$(date +%s.%N)
    code=0
    /usr/bin/time -v -o time.txt taskset -c 0 "$mlci" watch --once --baseline train:v1 \
        --rule 'psi(*) > 0.2' --rule 'accuracy < 0.4' events.jsonl >/dev/null 2>watch.err || code=$?
    t1=$(date +%s.%N)
    ((code <= 1)) || { cat watch.err >&2; exit 1; }
    t=$(echo "$t1 - $t0" | bc -l)
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' time.txt)
    cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' time.txt)
    if [[ -z $best ]] || (($(echo "$t < $best" | bc -l))); then best=$t best_rss=$rss best_cpu=$cpu; fi
done
printf '  %-40s %8.3f s\n' "mlci watch --once (one core, best of 3)" "$best"
printf '  %-40s %8.0f events/s (target >= 500000)\n' "throughput" "$(echo "$events / $best" | bc -l)"
printf '  %-40s %8.0f events/s (other load on the machine left out)\n' "per CPU second (user + sys)" \
    "$(echo "$events / $best_cpu" | bc -l)"
printf '  %-40s %8.1f MiB/s\n' "JSON parsed" "$(echo "$size / 1048576 / $best" | bc -l)"
printf '  %-40s %8d KiB\n' "peak RSS" "$best_rss"
grep -E "event\(s\)|^alert" watch.err | sed 's/^/  /'
