# The command-line contract: help, version, unknown commands, exit codes.
source "$(dirname "$0")/lib.sh"

expect_exit 0 mlci --version
expect_in out "mlci "
expect_exit 0 mlci --help
expect_in out "data-version"
expect_exit 0 mlci help data-version
expect_in out "--name"
expect_in out "Examples:"
expect_exit 2 mlci help no-such-step

# An unknown command suggests the nearest one.
expect_exit 2 mlci data-versoin add x
expect_in err "did you mean 'data-version'"
# ...or runs mlci-NAME from PATH, like git.
mkdir bin
printf '#!/bin/sh\necho "plugin got: $*"\n' > bin/mlci-hello
chmod +x bin/mlci-hello
PATH="$SCRATCH/bin:$PATH" expect_exit 0 mlci hello a b
expect_in out "plugin got: a b"

# A bad flag is a usage error.
expect_exit 2 mlci data-version add --no-such-flag x
# Outside a store, commands that need one say how to make one.
expect_exit 2 mlci verify
expect_in err "run 'mlci init'"

# init is idempotent and prints the store path.
expect_exit 0 mlci init
expect_eq "$(cat out)" "$SCRATCH/.mlci" "store path"
[[ -f .mlci/oci-layout && -f .mlci/index.json && -d .mlci/blobs/sha256 ]] || fail "layout"
expect_exit 0 mlci init
expect_in err "reinitialised"
# Found from a subfolder, like .git; --store and MLCI_STORE override.
mkdir -p sub/deeper && (cd sub/deeper && expect_exit 0 mlci verify)
expect_exit 0 mlci --store "$SCRATCH/.mlci" verify
MLCI_STORE=/nonexistent expect_exit 2 mlci verify

# Under GitLab CI each step's log is a collapsible section; errors stay outside it.
GITLAB_CI=true expect_exit 0 mlci verify
expect_in err "section_start:"
expect_in err ":mlci_verify_"
expect_in err "section_end:"
GITLAB_CI=true expect_exit 2 mlci show no-such-thing
[[ $(tail -n 1 err) == "mlci: error: "* ]] || fail "the error is not the last line, outside the section"
expect_exit 0 mlci verify
expect_not_in err "section_start"
GITLAB_CI=true expect_exit 0 mlci -q verify
expect_not_in err "section_start"
# libcurl and libgit2 (and the ~40 libraries under them) are loaded on first
# use, not at start-up: the dynamic loader's log names them only then.
LD_DEBUG=files expect_exit 0 mlci --version
expect_not_in err "libcurl.so"
expect_not_in err "libgit2.so"
LD_DEBUG=files expect_exit 3 mlci pull 127.0.0.1:1/x:v1 --plain-http
expect_in err "file=libcurl.so.4"
git init -q repo
(cd repo && LD_DEBUG=files expect_exit 0 mlci init)
(cd repo && echo a,b >d.csv && LD_DEBUG=files expect_exit 0 mlci data-version add d.csv)
expect_in err "file=libgit2.so"
pass
