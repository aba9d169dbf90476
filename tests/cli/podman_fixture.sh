# podman for the tests that run images, with everything in $SCRATCH: its own
# containers.conf (no default ulimits, which runc may not raise here) and
# storage.conf, exported so that podman run by mlci uses them too, and so
# that a test leaves nothing behind. Source after lib.sh, then:
#   podman ...           podman with runc (crun fails in these sandboxes)
#   podman_unmount       unmounts what podman's storage left mounted under
#                        $SCRATCH (it mounts its overlay folder on itself and
#                        leaves it mounted when a command fails half way);
#                        call it from the test's EXIT trap before removing it
mkdir -p "$SCRATCH/podman/tmp"
cat >"$SCRATCH/podman/containers.conf" <<CONF
[containers]
default_ulimits = []

[engine]
tmp_dir = "$SCRATCH/podman/tmp"
events_logger = "none"
CONF
cat >"$SCRATCH/podman/storage.conf" <<CONF
[storage]
driver = "overlay"
graphroot = "$SCRATCH/podman/root"
runroot = "$SCRATCH/podman/run"
CONF
export CONTAINERS_CONF=$SCRATCH/podman/containers.conf
export CONTAINERS_STORAGE_CONF=$SCRATCH/podman/storage.conf
podman() { command podman --runtime runc "$@"; }

podman_unmount() {
    local mount
    awk -v scratch="$SCRATCH/" 'index($2, scratch) == 1 { print $2 }' /proc/self/mounts | sort -r |
        while read -r mount; do umount -l "$mount" 2>/dev/null || true; done
}
