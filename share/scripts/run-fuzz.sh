#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz into build-fuzz/ (clang 19,
# ASan+UBSan, the lib/ sources instrumented) and runs each for a bounded time
# over its checked-in corpus. Exits non-zero on any crash, leak, timeout or
# failed property; the input that caused it is left in build-fuzz/artifacts/.
#
#   share/scripts/run-fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   default 20 s, every target
#
# New inputs found along the way go to build-fuzz/corpus/NAME/, never into the
# checked-in corpus: copy one there by hand when it is worth keeping (a
# regression input, or one that reaches new code).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-20}
shift || true
build=${MLCI_FUZZ_BUILD_DIR:-$top/build-fuzz}
cxx=${MLCI_FUZZ_CXX:-clang++-19}
jobs=${MLCI_FUZZ_JOBS:-$(nproc)}

if ! command -v "$cxx" >/dev/null; then
    echo "run-fuzz: '$cxx' not found (run share/scripts/install-deps.sh)" >&2
    exit 3
fi
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
CXX=$cxx cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMLCI_FUZZ=ON \
    -DCMAKE_UNITY_BUILD=ON "${launcher[@]}" >/dev/null
cmake --build "$build" --target mlci_fuzz -j "$jobs"
# run-tests.sh builds the targets while other tests run, and runs them later.
[[ ${MLCI_FUZZ_BUILD_ONLY:-0} == 1 ]] && exit 0

targets=("$@")
if ((${#targets[@]} == 0)); then
    for source in "$top"/tests/fuzz/fuzz_*.cpp; do
        name=$(basename "$source" .cpp)
        targets+=("${name#fuzz_}")
    done
fi

# Stacks with function names and lines: clang-19's runtime looks for a
# symbolizer by its own name first; Debian's llvm-14 one reads its output too.
for s in llvm-symbolizer-19 llvm-symbolizer-14 llvm-symbolizer; do
    if command -v "$s" >/dev/null; then
        export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-$(command -v "$s")}
        break
    fi
done

mkdir -p "$build/artifacts"
failed=()
for name in "${targets[@]}"; do
    seeds=$top/tests/fuzz/corpus/$name
    work=$build/corpus/$name
    mkdir -p "$work"
    log=$build/fuzz-$name.log
    echo "fuzz: $name for ${seconds}s" >&2
    # -timeout: one input slower than 10 s is a hang; -rss_limit_mb: a leak or
    # a blow-up; -seed: a fixed one by default, so that a run here repeats
    # what CI did (MLCI_FUZZ_SEED=0 picks one at random).
    if ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1 \
        "$build/tests/fuzz/fuzz_$name" -max_total_time="$seconds" -timeout=10 \
        -seed="${MLCI_FUZZ_SEED:-1}" \
        -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$build/artifacts/$name-" "$work" "$seeds" >"$log" 2>&1; then
        grep -E '^stat::number_of_executed_units|^stat::average_exec_per_sec|^stat::new_units_added' \
            "$log" | sed "s/^/  /" >&2 || true
    else
        echo "fuzz: $name FAILED (log: $log)" >&2
        grep -E 'ERROR|property failed|SUMMARY|Test unit written' "$log" | head -20 >&2 || true
        failed+=("$name")
    fi
done

if ((${#failed[@]})); then
    echo "fuzz: failed: ${failed[*]}" >&2
    exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran ${seconds}s each without a finding" >&2
