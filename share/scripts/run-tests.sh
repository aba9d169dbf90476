#!/usr/bin/env bash
# All tests: installs what is missing, builds with warnings as errors, runs
# every test (unit and end-to-end), then the unit tests and the store and data
# tests again under ASan+UBSan, and every fuzz target for a bounded time over
# its corpus.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# phase NAME: how long the step before took, so that a slow CI run shows
# where its time went.
phase_start=$SECONDS
phase() {
    echo "run-tests: $1 took $((SECONDS - phase_start)) s" >&2
    phase_start=$SECONDS
}
"$top/share/scripts/install-deps.sh"
phase "installing"

# Release flags without debug information: -g costs a third of the compile
# time, and a failing test is debugged in the sanitizer build below, which
# keeps it. Sources are compiled in batches (unity build): about 4 minutes
# instead of about 15 on a fresh 2-core machine.
MLCI_BUILD_DIR="$top/build" "$top/share/scripts/build.sh" -DMLCI_WERROR=ON -DMLCI_SANITIZE=OFF \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" -DCMAKE_UNITY_BUILD=ON
phase "the build"
# The sanitizer and fuzz builds compile everything again, twice (about 10
# minutes of a 2-core machine): they run in the background, at a lower
# priority, while the tests below run. Those wait on registries, podman and
# Python as much as on the CPU, so the builds use what the tests leave and
# CI takes the longer of the two, not their sum.
sanitize=$([[ ${MLCI_SKIP_SANITIZE:-0} != 1 ]] && echo 1 || echo 0)
fuzz=$([[ ${MLCI_SKIP_FUZZ:-0} != 1 && -x "$top/share/scripts/run-fuzz.sh" ]] && echo 1 || echo 0)
background_log="$top/build/background-builds.log"
# Written when the sanitizer build is done: its tests start then, while the
# fuzz build goes on beside them.
sanitize_built="$top/build/sanitizer-build-done"
rm -f "$sanitize_built"
background=""
if ((sanitize || fuzz)); then
    set -m # its own process group, so that an early exit stops the whole build
    (
        set -e
        # No -Werror here: with sanitizers g++ 12 reports false
        # -Wmaybe-uninitialized inside libstdc++ (std::regex); the build
        # above keeps the code warning-free. Debug: it compiles fastest, and
        # the tests are bound by I/O and Python, not by mlci.
        if ((sanitize)); then
            MLCI_BUILD_DIR="$top/build-sanitize" nice -n 10 "$top/share/scripts/build.sh" \
                -DCMAKE_BUILD_TYPE=Debug -DMLCI_WERROR=OFF -DMLCI_SANITIZE=ON -DCMAKE_UNITY_BUILD=ON
        fi
        touch "$sanitize_built"
        if ((fuzz)); then
            MLCI_FUZZ_BUILD_ONLY=1 nice -n 10 "$top/share/scripts/run-fuzz.sh"
        fi
    ) >"$background_log" 2>&1 &
    background=$!
    set +m
    trap 'kill -- -"$background" 2>/dev/null || true' EXIT
fi

(cd "$top/build" && ctest --output-on-failure -j "$(nproc)")
phase "the tests"

# clang-tidy over the sources changed since the last release tag (the commit
# before HEAD while there is none): about 12 s of CPU a file, so all of them
# (half an hour on 2 cores) is left to `share/scripts/clang-tidy.sh --all`.
if [[ ${MLCI_SKIP_TIDY:-0} != 1 ]]; then
    since=$(git -C "$top" describe --tags --abbrev=0 2>/dev/null || echo HEAD^)
    "$top/share/scripts/clang-tidy.sh" --since "$since"
    phase "clang-tidy"
fi

# background_failed: the background builds' log tail and an error.
background_failed() {
    tail -n 60 "$background_log" >&2
    echo "run-tests: the sanitizer or fuzz build failed (log: $background_log)" >&2
    exit 1
}
if [[ -n $background ]] && ((sanitize)); then
    while [[ ! -e $sanitize_built ]]; do
        if ! kill -0 "$background" 2>/dev/null; then
            wait "$background" || background_failed
            break
        fi
        sleep 2
    done
    [[ -e $sanitize_built ]] || background_failed
    phase "waiting for the sanitizer build"
fi

# The end-to-end tests that run again under the sanitizers: those that drive
# the store, the data and the transfers, where memory errors lose data (the
# concurrency and kill tests, and the hostile deploy and train tests, take
# minutes each under ASan: not these). MLCI_SANITIZE_ALL=1 runs every one
# (twice the time).
sanitized_e2e='hostile_data|store|data_version|chunk|remote|push_pull|partial_pull|ranged_pull|repack|verbs'
[[ ${MLCI_SANITIZE_ALL:-0} == 1 ]] && sanitized_e2e='.'

if ((sanitize)); then
    # Unit tests with full malloc stacks: a suppression names a frame inside
    # libarchive, which has no frame pointers. The end-to-end tests keep the
    # fast unwinder, which takes about a third less time. The unit tests run
    # in one process, not one per test as ctest runs them: an instrumented
    # start-up per test made this step three times longer. valgrind cannot
    # run an ASan binary: that test ran above.
    (cd "$top/build-sanitize" &&
        export LSAN_OPTIONS=suppressions="$top/tests/lsan.supp" &&
        export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 &&
        ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0 tests/mlci_unit &&
        ASAN_OPTIONS=detect_leaks=1 \
            ctest --output-on-failure -j "$(nproc)" -R "$sanitized_e2e" -E '^unit:|valgrind')
    phase "the tests under the sanitizers"
fi

if [[ -n $background ]]; then
    wait "$background" || background_failed
    phase "waiting for the fuzz build"
fi
if ((fuzz)); then
    "$top/share/scripts/run-fuzz.sh" "${MLCI_FUZZ_SECONDS:-5}"
    phase "fuzzing"
fi
echo "all tests passed" >&2
