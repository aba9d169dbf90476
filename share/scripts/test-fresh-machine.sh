#!/usr/bin/env bash
# Proves that the README's quick start works on a machine with nothing
# installed: builds a bare Debian 12 root with mmdebstrap (the same package
# mirror as the rest of the install), copies the committed tree of this
# checkout into it, and runs there, as root in a chroot, what the README says:
#
#   share/scripts/test-fresh-machine.sh [example|tests]   default: example
#
#   example  ./share/scripts/run-example.sh   (install, build mlci, the pipeline)
#   tests    ./share/scripts/run-tests.sh     (install, build, the whole suite)
#
# Needs root, mmdebstrap and about 3 GiB in $MLCI_FRESH_DIR (default a new
# folder under /var/tmp). Not part of the test command: it downloads and
# builds everything from nothing, which takes from 15 minutes (example) to
# an hour (tests) on two cores. The root is removed afterwards unless
# MLCI_FRESH_KEEP=1.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
what=${1:-example}
case $what in
example) command=./share/scripts/run-example.sh ;;
tests) command=./share/scripts/run-tests.sh ;;
*)
    echo "usage: $0 [example|tests]" >&2
    exit 2
    ;;
esac
[[ $(id -u) == 0 ]] || { echo "test-fresh-machine: needs root (chroot, mounts)" >&2; exit 3; }
command -v mmdebstrap >/dev/null || { echo "test-fresh-machine: needs mmdebstrap (apt-get install mmdebstrap)" >&2; exit 3; }

root=${MLCI_FRESH_DIR:-$(mktemp -d /var/tmp/mlci-fresh.XXXXXX)}
mounted=()
cleanup() {
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}" 2>/dev/null || true; done
    [[ ${MLCI_FRESH_KEEP:-0} == 1 ]] || rm -rf --one-file-system "$root"
}
trap cleanup EXIT

# A bare Debian 12 as a cloud image has it: essential packages plus apt,
# ca-certificates and sudo-less root. Nothing of the project's.
echo "fresh-machine: debian 12 root in $root" >&2
mmdebstrap --quiet --variant=minbase --include=ca-certificates bookworm "$root" \
    "deb http://deb.debian.org/debian bookworm main" \
    "deb http://deb.debian.org/debian bookworm-updates main" \
    "deb http://deb.debian.org/debian-security bookworm-security main"

# The root a mount point of its own (podman's storage remounts / when it
# unpacks an image), /sys with its cgroup mounts under it (runc needs them),
# and nothing mounted in the root propagating back to this machine.
mount --bind "$root" "$root"
mount --make-private "$root"
mounted+=("$root")
for fs in proc sys dev dev/pts; do
    mkdir -p "$root/$fs"
    if [[ $fs == sys ]]; then
        mount --rbind /sys "$root/sys"
        mount --make-rslave "$root/sys"
    else
        mount --bind "/$fs" "$root/$fs"
    fi
    mounted+=("$root/$fs")
done
cp /etc/resolv.conf "$root/etc/resolv.conf"
# The network's own trust, which every machine here has before any project
# runs: a TLS-inspecting egress proxy's CA (for npm's registry) and npm's
# setting that points at the system's bundle. Nothing of the project's.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    mkdir -p "$root/usr/local/share/ca-certificates"
    cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
    chroot "$root" update-ca-certificates >/dev/null 2>&1
fi
[[ -f /etc/npmrc ]] && cp /etc/npmrc "$root/etc/npmrc"

# A fresh clone (made by this machine's git: the root has none yet) holds
# the committed tree, not this checkout's build folders or uncommitted files.
mkdir -p "$root/src"
git clone --quiet --no-local "$top" "$root/src/mlci"
echo "fresh-machine: running $command" >&2
# Nothing of this machine's environment but the suite's own switches
# (MLCI_SKIP_SANITIZE=1, MLCI_SKIP_FUZZ=1: the install and the plain suite only).
passed=()
for v in $(compgen -e | grep -E '^MLCI_(SKIP|FUZZ)_' || true); do passed+=("$v=${!v}"); done
chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt "${passed[@]}" \
    /bin/bash -c "cd /src/mlci && $command"
echo "fresh-machine: $what passed on a bare Debian 12" >&2
