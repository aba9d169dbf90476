# cmake --install puts the binary, man pages, completions, templates and the
# example in the standard places; cpack -G DEB makes a package whose
# dependencies dpkg accepts and whose binary runs.
source "$(dirname "$0")/lib.sh"
build=$(cd "$(dirname "$MLCI")" && pwd)

cmake --install "$build" --prefix "$SCRATCH/prefix" >/dev/null
p=$SCRATCH/prefix
"$p/bin/mlci" --version | grep -q "^mlci " || fail "the installed binary does not run"
for f in share/man/man1/mlci.1 share/man/man1/mlci-deploy.1 share/man/man1/mlci-data-version.1 \
    share/man/man5/mlci.yaml.5 \
    share/bash-completion/completions/mlci share/zsh/vendor-completions/_mlci \
    share/fish/vendor_completions.d/mlci.fish share/mlci/ci/gitlab-ci.yml \
    share/mlci/examples/iris/mlci.yaml share/mlci/deploy/kserve/inferenceservice.yaml; do
    [[ -f $p/$f ]] || fail "not installed: $f"
done
MANPATH="$p/share/man" man -w mlci-deploy >/dev/null || fail "man does not find mlci-deploy"
MANPATH="$p/share/man" man -w 5 mlci.yaml >/dev/null || fail "man does not find mlci.yaml(5)"
[[ ! -e $p/share/man/man1/mlci.yaml.5 ]] || fail "mlci.yaml.5 installed in man1"

cpack -G DEB -B "$SCRATCH/pkg" --config "$build/CPackConfig.cmake" >/dev/null 2>cpack.err ||
    { cat cpack.err >&2; fail "cpack failed"; }
deb=$(ls "$SCRATCH"/pkg/mlci_*.deb)
expect_eq "$(dpkg-deb -f "$deb" Package)" "mlci" "package name"
depends=$(dpkg-deb -f "$deb" Depends)
[[ $depends == *libgit2* && $depends == *libcurl* && $depends == *libarchive* ]] ||
    fail "Depends misses libraries: $depends"
dpkg --dry-run -i "$deb" >dry.out 2>&1 || { cat dry.out >&2; fail "dpkg would not install it"; }
dpkg-deb -x "$deb" root
root/usr/bin/mlci --version | grep -q "^mlci " || fail "the packaged binary does not run"
[[ -f root/usr/share/man/man1/mlci-deploy.1 ]] || fail "no man pages in the package"
[[ -f root/usr/share/man/man5/mlci.yaml.5 ]] || fail "no mlci.yaml(5) in the package"
pass
