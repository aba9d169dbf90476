# A Python base image for the tests that run a packaged image: Debian 12's
# python3 and python3-sklearn (what the iris example's serve.py needs to load
# its model), made with mmdebstrap from the machine's own Debian mirror and
# turned into an OCI layout with umoci. Source after lib.sh, then:
#   python_base    sets PYTHON_BASE, an OCI layout directory whose image is
#                  named "python" (pass it as --base oci:$PYTHON_BASE:python)
# The layout is built once and cached in $MLCI_TEST_CACHE (default
# ${XDG_CACHE_HOME:-~/.cache}/mlci-tests), keyed by this file and the
# mirror: a change to either builds it anew, and the stale copy is removed.

# The machine's Debian mirror, as apt here uses it (one-line or deb822
# sources), else deb.debian.org. $MLCI_TEST_DEBIAN_MIRROR overrides it.
debian_mirror() {
    if [[ -n ${MLCI_TEST_DEBIAN_MIRROR:-} ]]; then
        echo "$MLCI_TEST_DEBIAN_MIRROR"
        return
    fi
    local found
    found=$(
        shopt -s nullglob
        for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
            [[ -r $f ]] && sed -E 's/\[[^]]*\]//' "$f" | awk '$1 == "deb" && $3 == "bookworm" { print $2 }'
        done
        for f in /etc/apt/sources.list.d/*.sources; do
            [[ -r $f ]] && awk '
                /^[[:space:]]*$/ { uris = ""; next }
                /^URIs:/ { uris = $2 }
                /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm" && uris != "") print uris }' "$f"
        done
    )
    found=${found%%$'\n'*}
    echo "${found:-http://deb.debian.org/debian}"
}

# Builds the layout in DIR (empty, on the cache's filesystem).
build_python_base() {
    local dir=$1 mirror=$2
    # scipy depends on python3-pythran, the compiler its extensions were
    # built with, and that pulls g++, boost and the BLAS headers (500 MB)
    # into an image that only runs them: a stand-in package of the same name
    # satisfies the dependency instead.
    mkdir -p "$dir/standin/DEBIAN"
    cat >"$dir/standin/DEBIAN/control" <<'EOF'
Package: python3-pythran
Version: 99:0
Architecture: all
Maintainer: mlci tests <test@example.invalid>
Description: stand-in for pythran, which scipy needs to build, not to run
EOF
    dpkg-deb --root-owner-group -b "$dir/standin" "$dir/pythran-standin.deb" >/dev/null ||
        fail "dpkg-deb could not build the pythran stand-in package"
    # Recommends, documentation and translations are left out; apt's lists
    # and cache too (mmdebstrap's default). init-system-helpers needs
    # usrmerge or usr-is-merged: apt takes usrmerge, a conversion tool, and
    # perl with it; with usr-is-merged there, they go.
    echo "building the Python base image with mmdebstrap from $mirror (once; cached)" >&2
    mmdebstrap --variant=essential --format=tar \
        --include="python3,python3-sklearn,usr-is-merged,$dir/pythran-standin.deb" \
        --hook-dir=/usr/share/mmdebstrap/hooks/file-mirror-automount \
        --aptopt='APT::Install-Recommends "false"' \
        --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
        --dpkgopt='path-exclude=/usr/share/locale/*' \
        --customize-hook='chroot "$1" dpkg --purge usrmerge libfile-find-rule-perl libnumber-compare-perl libtext-glob-perl perl perl-modules-5.36 libperl5.36 libgdbm-compat4' \
        bookworm "$dir/rootfs.tar" "deb $mirror bookworm main" >"$dir/mmdebstrap.log" 2>&1 || {
        tail -n 30 "$dir/mmdebstrap.log" >&2
        fail "mmdebstrap could not build the Python base image (log above)"
    }
    # The root filesystem as the image's one layer, as it is.
    {
        umoci init --layout "$dir/layout" &&
            umoci new --image "$dir/layout:python" &&
            umoci raw add-layer --image "$dir/layout:python" \
                --history.created_by "mmdebstrap bookworm python3 python3-sklearn" "$dir/rootfs.tar" &&
            umoci config --image "$dir/layout:python" --no-history --os linux \
                --architecture "$(dpkg --print-architecture)" --config.cmd python3 \
                --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
    } >"$dir/umoci.log" 2>&1 || {
        cat "$dir/umoci.log" >&2
        fail "umoci could not make an OCI layout of the Python base image"
    }
    rm -f "$dir/rootfs.tar"
}

python_base() {
    local cache=${MLCI_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mlci-tests}
    local mirror key
    mirror=$(debian_mirror)
    key=$({ cat "${BASH_SOURCE[0]}"; echo "$mirror"; dpkg --print-architecture; } | sha256sum)
    key=${key:0:16}
    PYTHON_BASE=$cache/python-base-$key/layout
    mkdir -p "$cache" || fail "cannot create the test cache '$cache'"
    # One build at a time: tests running in parallel wait for it.
    exec {lock}>"$cache/python-base.lock"
    flock "$lock"
    if [[ ! -f $PYTHON_BASE/index.json ]]; then
        # Built in the test's scratch folder (removed on exit, whatever
        # happens), then moved into the cache whole.
        build_python_base "$SCRATCH/python-base" "$mirror"
        rm -rf "$cache/python-base-$key" "$cache/python-base-$key.partial"
        mkdir "$cache/python-base-$key.partial"
        cp -r "$SCRATCH/python-base/layout" "$cache/python-base-$key.partial/layout"
        mv -T "$cache/python-base-$key.partial" "$cache/python-base-$key"
        rm -rf "$SCRATCH/python-base"
        local old
        for old in "$cache"/python-base-*/; do
            [[ $old == "$cache/python-base-$key/" ]] || rm -rf "$old"
        done
    fi
    flock -u "$lock"
    exec {lock}>&-
}
