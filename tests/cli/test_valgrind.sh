# The data-version step end to end under valgrind's memcheck: no invalid
# reads or writes, no uses of uninitialised memory, no definite leaks.
source "$(dirname "$0")/lib.sh"
command -v valgrind >/dev/null || fail "valgrind is not installed (share/scripts/install-deps.sh installs it)"
vg() {
    valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
        --show-leak-kinds=definite "$MLCI" "$@"
}
mkdir -p data/sub
for i in 1 2 3; do head -c 200000 /dev/urandom >"data/sub/f$i.bin"; done
printf 'a,b,c\n1,2,x\n3,4,y\n5,,z\n' >data/table.csv
expect_exit 0 vg init
expect_exit 0 vg data-version add data -m first
expect_exit 0 vg data-version status
echo "7,8,w" >>data/table.csv
expect_exit 1 vg data-version status
expect_exit 0 vg data-version add data -m second
expect_exit 0 vg data-version diff data:v1 data:v2
expect_exit 0 vg data-version checkout data:v1 --force
expect_exit 0 vg show data:v1
expect_exit 0 vg verify
expect_exit 0 vg gc --dry-run
expect_exit 2 vg show no-such-thing
pass
