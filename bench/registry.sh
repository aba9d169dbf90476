# Shared by the benchmarks that push: the CLI tests' registry
# (tests/cli/registry_fixture.sh: Debian's docker-registry on a free
# loopback port), kept under "$work". Source it after setting $work and a
# cleanup trap that kills "$reg_pid"; then call start_bench_registry, which
# sets reg (host:port) and reg_pid.
SCRATCH=$work
declare -F fail >/dev/null || fail() {
    echo "bench: $*" >&2
    exit 1
}
# The fixture sets its own EXIT trap for the tests; the benchmark's stays.
bench_exit_trap=$(trap -p EXIT)
source "$(dirname "${BASH_SOURCE[0]}")/../tests/cli/registry_fixture.sh"
trap - EXIT
eval "$bench_exit_trap"

start_bench_registry() {
    start_registry open
    reg=$REG_OPEN
    reg_pid=${REG_PIDS[-1]}
    disown "$reg_pid" # no "Killed" line when the cleanup trap kills it
}
