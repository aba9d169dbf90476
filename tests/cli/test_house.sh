# The house rules a reviewer should not have to check by hand: lib/ keeps its
# layers, files stay within their size, every C++ file is formatted, and the
# code cites only documents the repository holds.
source "$(dirname "$0")/lib.sh"
top=$MLCI_SOURCE_DIR

"$top/share/scripts/check-layers.sh" 2>"$SCRATCH/layers" || { cat "$SCRATCH/layers" >&2; fail "lib/ breaks its layers"; }

# The check itself fails on an upward include (a copy of lib/ with one added).
mkdir -p "$SCRATCH/copy/share/scripts"
cp "$top/share/scripts/check-layers.sh" "$SCRATCH/copy/share/scripts/"
cp -r "$top/lib" "$SCRATCH/copy/lib"
echo '#include <mlci/deploy/deploy.hpp>' >>"$SCRATCH/copy/lib/store/verify.cpp"
expect_exit 1 "$SCRATCH/copy/share/scripts/check-layers.sh"
expect_in "$SCRATCH/err" "lib/store/verify.cpp includes lib/deploy"

# Files stay small: cmd/ at most 250 lines, lib/ at most 500.
"$top/share/scripts/check-sizes.sh" 2>"$SCRATCH/sizes" || { cat "$SCRATCH/sizes" >&2; fail "a file is over its size limit"; }
# The check itself fails on a cmd/ file grown past its limit.
cp "$top/share/scripts/check-sizes.sh" "$SCRATCH/copy/share/scripts/"
cp -r "$top/cmd" "$SCRATCH/copy/cmd"
seq 250 | sed 's|^|// |' >>"$SCRATCH/copy/cmd/verify.cpp"
expect_exit 1 "$SCRATCH/copy/share/scripts/check-sizes.sh"
expect_in "$SCRATCH/err" "cmd/verify.cpp has"

cd "$top"
mapfile -t sources < <(git ls-files '*.cpp' '*.hpp')
((${#sources[@]} > 100)) || fail "found only ${#sources[@]} C++ files"
clang-format --dry-run --Werror "${sources[@]}" 2>"$SCRATCH/format" ||
    { head -40 "$SCRATCH/format" >&2; fail "not formatted (run clang-format -i, or share/scripts/pre-commit.sh)"; }

# The clang-tidy configuration parses and names only checks clang-tidy has
# (a typo in a check's name would silently check nothing).
if command -v clang-tidy-19 >/dev/null; then
    clang-tidy-19 --verify-config >"$SCRATCH/tidy" 2>&1 || { cat "$SCRATCH/tidy" >&2; fail ".clang-tidy does not verify"; }
fi

# The architecture document is the repository's own.
[[ -f share/doc/ARCHITECTURE.md ]] || fail "share/doc/ARCHITECTURE.md is missing"
if git grep -nE 'DESIGN\.md|\.\./shared/' -- cmd lib tests CONTRIBUTING.md README.md share \
    ':!tests/cli/test_house.sh' >"$SCRATCH/cites"; then
    cat "$SCRATCH/cites" >&2
    fail "a document outside the repository is cited"
fi

# Every unit test is its own ctest test: a '[' left open in a test's name
# makes CMake's list of names swallow the names after it into one test
# that runs none of them.
/usr/bin/python3 - "$top" >"$SCRATCH/names" <<'PY'
import pathlib, re, sys
for f in sorted(pathlib.Path(sys.argv[1], "tests/unit").rglob("*.cpp")):
    for name in re.findall(r'TEST_CASE\(\s*"((?:[^"\\]|\\.)*)"', f.read_text()):
        if name.count("[") != name.count("]"):
            print(f"{f}: {name}")
PY
[[ ! -s $SCRATCH/names ]] || { cat "$SCRATCH/names" >&2; fail "a unit test's name leaves a '[' open"; }
pass
