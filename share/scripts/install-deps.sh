#!/usr/bin/env bash
# Installs what building and testing mlci needs on Debian 12, skipping what is
# already there. Runs apt-get as root (or through sudo).
set -euo pipefail

packages=(
    # build
    build-essential cmake pkg-config git clang-format
    libcli11-dev libfmt-dev nlohmann-json3-dev libssl-dev libgit2-dev libarchive-dev
    libcurl4-openssl-dev libyaml-cpp-dev libsimdjson-dev catch2
    # layer compression done by lib/oci itself (gzip with libdeflate on every
    # core, multithreaded zstd; zlib reads gzip)
    libdeflate-dev libzstd-dev zlib1g-dev
    # the example project: a real scikit-learn model, its pytest suite
    python3 python3-sklearn python3-pandas python3-pytest
    # tests: documentation, shells, XML, OCI tools and a real registry
    groff man-db bash zsh fish libxml2-utils chromium skopeo umoci docker-registry zstd apache2-utils openssl curl ca-certificates procps
    # gitlab-ci-local copies the project into its work folder with rsync;
    # test_hostile_data.sh measures peak memory with GNU time (/usr/bin/time -v)
    rsync time
    # deploy tests: git (a bare repository and git daemon), flock
    git util-linux valgrind
    # watch tests: a real Prometheus scraping mlci watch --listen
    prometheus
    # the packaged image run for real (test_image_run.sh): podman with runc
    # (conmon, its networking and iptables come as its dependencies),
    # mmdebstrap for the Debian base image it runs on, and PyYAML to read
    # what mlci.yaml asks of the image
    podman runc mmdebstrap python3-yaml
    # fuzz targets (share/scripts/run-fuzz.sh): clang 19 from Debian 12, whose
    # libclang-rt-19-dev holds libFuzzer (clang 14 cannot compile <expected>)
    clang-19 libclang-rt-19-dev
    # share/scripts/clang-tidy.sh (pre-commit and CI): clang-tidy 19 for the
    # same reason
    clang-tidy-19
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    sudo=""
    [[ $(id -u) == 0 ]] || sudo=sudo
    echo "installing: ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The CI template test runs GitLab's pipeline locally with gitlab-ci-local
# (npm). Node and npm come from Debian when the machine has none. 4.55.0 is
# the last release without the native re2 module: from 4.56.0 on, npm
# compiles re2 and abseil from source wherever it cannot download their
# prebuilt binary (from GitHub), which took several minutes of a 2-core CI
# machine. The template test passes with either.
gitlab_ci_local=4.55.0
if [[ $(gitlab-ci-local --version 2>/dev/null) != "$gitlab_ci_local" ]]; then
    if ! command -v npm >/dev/null; then
        sudo=""
        [[ $(id -u) == 0 ]] || sudo=sudo
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
            nodejs npm >/dev/null
    fi
    echo "installing: gitlab-ci-local@$gitlab_ci_local (npm)" >&2
    npm install -g --no-fund --no-audit "gitlab-ci-local@$gitlab_ci_local" >/dev/null
fi

# podman's containers (test_image_run.sh, test_deploy_podman.sh, and a
# podman: deploy target on this machine): with no default ulimits, which runc
# may not raise where mlci's tests run. crun, podman's default runtime,
# refuses to start containers on such machines (hybrid cgroups, setrlimit):
# give `runtime: runc` to a podman: environment, or --runtime runc. A
# default_ulimits the file already sets is left as it is.
containers_conf=/etc/containers/containers.conf
if ! grep -qs '^[[:space:]]*default_ulimits[[:space:]]*=' "$containers_conf"; then
    sudo=""
    [[ $(id -u) == 0 ]] || sudo=sudo
    echo "configuring: default_ulimits = [] in $containers_conf" >&2
    $sudo mkdir -p "$(dirname "$containers_conf")"
    if grep -qs '^[[:space:]]*\[containers\]' "$containers_conf"; then
        $sudo sed -i '0,/^[[:space:]]*\[containers\]/s//&\ndefault_ulimits = []/' "$containers_conf"
    else
        printf '\n[containers]\ndefault_ulimits = []\n' | $sudo tee -a "$containers_conf" >/dev/null
    fi
fi
