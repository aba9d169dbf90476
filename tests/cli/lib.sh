# Shared by the CLI tests: each test sources this, gets a scratch folder as
# its working directory, and uses the helpers below. $MLCI is the binary.
set -euo pipefail

: "${MLCI:?set MLCI to the mlci binary (ctest does)}"
: "${MLCI_SOURCE_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
unset MLCI_STORE CI
export NO_COLOR=1 GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.invalid \
    GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.invalid

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/mlci-test.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
cd "$SCRATCH"

mlci() { "$MLCI" "$@"; }

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# expect_exit CODE COMMAND...: runs COMMAND, fails unless it exits with CODE.
# Its stdout and stderr are kept in $SCRATCH/out and $SCRATCH/err.
expect_exit() {
    local want=$1
    shift
    local got=0
    "$@" >"$SCRATCH/out" 2>"$SCRATCH/err" || got=$?
    if [[ $got != "$want" ]]; then
        echo "--- stdout" >&2; cat "$SCRATCH/out" >&2
        echo "--- stderr" >&2; cat "$SCRATCH/err" >&2
        fail "'$*' exited $got, expected $want"
    fi
}

# expect_in FILE TEXT: FILE contains TEXT (fixed string).
expect_in() {
    grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "'$1' does not contain '$2'"; }
}

expect_not_in() {
    if grep -qF -- "$2" "$1"; then cat "$1" >&2; fail "'$1' contains '$2'"; fi
}

# expect_eq ACTUAL EXPECTED [WHAT]
expect_eq() {
    [[ "$1" == "$2" ]] || fail "${3:-value}: got '$1', expected '$2'"
}

pass() { echo "PASS: $(basename "$0")"; }

# flip_byte FILE OFFSET: changes the byte at OFFSET, whatever it was (writing
# a fixed byte into random data leaves it unchanged once in 256 runs).
flip_byte() {
    /usr/bin/python3 -c 'import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(int(sys.argv[2])); b = f.read(1); f.seek(int(sys.argv[2])); f.write(bytes([b[0] ^ 0xff]))' "$1" "$2"
}
