#!/usr/bin/env bash
# Installs what building and testing mlci needs on Debian 12, skipping what is
# already there. Runs apt-get as root (or through sudo).
set -euo pipefail

packages=(
    # build
    build-essential cmake pkg-config git clang-format
    libcli11-dev libfmt-dev nlohmann-json3-dev libssl-dev libgit2-dev libarchive-dev
    libcurl4-openssl-dev libyaml-cpp-dev libsimdjson-dev catch2
    # layer compression done by lib/oci itself (gzip with zlib, multithreaded zstd)
    libzstd-dev zlib1g-dev
    # the example project: a real scikit-learn model, its pytest suite
    python3 python3-sklearn python3-pandas python3-pytest
    # tests: documentation, shells, XML, OCI tools and a real registry
    groff man-db bash zsh fish libxml2-utils skopeo umoci docker-registry zstd apache2-utils openssl curl ca-certificates procps
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
