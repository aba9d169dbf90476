#!/usr/bin/env bash
# Regenerates man/*.1 and completions/* from the built binary's command
# definitions. Run it after changing a command or flag; tests/cli/test_docs.sh
# fails when the checked-in files differ from what this writes.
set -euo pipefail
mlci=${1:-build/mlci}
top=$(cd "$(dirname "$0")/../.." && pwd)
rm -f "$top"/man/*.1
"$mlci" help --man > "$top/man/mlci.1"
for step in $("$mlci" help --list); do
    "$mlci" help --man "$step" > "$top/man/mlci-$step.1"
done
"$mlci" completion bash > "$top/completions/mlci.bash"
"$mlci" completion zsh > "$top/completions/_mlci"
"$mlci" completion fish > "$top/completions/mlci.fish"
echo "updated man/ and completions/" >&2
