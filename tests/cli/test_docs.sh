# Man pages and completions: generated from the CLI definition, checked in,
# never drifting from it, rendering cleanly, and answering in each shell.
source "$(dirname "$0")/lib.sh"
top=$MLCI_SOURCE_DIR

# The checked-in files are exactly what the binary generates.
diff -u "$top/completions/mlci.bash" <(mlci completion bash) || fail "completions/mlci.bash drifted (run share/scripts/update-docs.sh)"
diff -u "$top/completions/_mlci" <(mlci completion zsh) || fail "completions/_mlci drifted"
diff -u "$top/completions/mlci.fish" <(mlci completion fish) || fail "completions/mlci.fish drifted"
diff -u "$top/man/mlci.1" <(mlci help --man) || fail "man/mlci.1 drifted"
steps=$(mlci help --list)
for step in $steps; do
    diff -u "$top/man/mlci-$step.1" <(mlci help --man "$step") || fail "man/mlci-$step.1 drifted"
done
expect_eq "$(ls "$top"/man/*.1 | wc -l)" "$(($(echo "$steps" | wc -w) + 1))" "man pages, one per command"
# Besides them, only the hand-written mlci.yaml(5), which names every section of mlci.yaml.
expect_eq "$(cd "$top/man" && ls | grep -v '\.1$')" "mlci.yaml.5" "pages other than section 1"
# The sections are the keys the one reader of mlci.yaml accepts at its top.
sections=$(sed -n '/expect_keys(file, root, "mlci.yaml"/,/}));/p' "$top/lib/config/project_config.cpp" |
    grep -o '"[a-z_]*"' | tr -d '"' | grep -vx 'mlci.yaml')
expect_eq "$(echo "$sections" | wc -l)" 10 "top-level keys of mlci.yaml"
for key in $sections; do
    grep -q "^\.B $key:" "$top/man/mlci.yaml.5" || fail "mlci.yaml(5) misses the '$key' section"
done

# Every page renders without a groff warning, and with man -l.
for page in "$top"/man/*.1 "$top"/man/*.5; do
    warnings=$(groff -ww -z -man "$page" 2>&1)
    [[ -z $warnings ]] || fail "groff warns on $page: $warnings"
    MANWIDTH=80 man -l "$page" >/dev/null 2>&1 || fail "man -l cannot render $page"
done

# Every flag that --help shows is in the man page of its command.
check_flags() { # STEP, then the words of the command
    local page="$top/man/mlci-$1.1"
    shift
    local text
    text=$(sed 's/\\-/-/g' "$page")
    for flag in $("$MLCI" "$@" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
        grep -qF -- "$flag" <<<"$text" || fail "'$flag' of '$*' is not in $(basename "$page")"
    done
}
for step in $steps; do
    check_flags "$step" "$step"
    for sub in $(sed -n 's/^\.SS //p' "$top/man/mlci-$step.1"); do
        check_flags "$step" "$step" "$sub"
    done
done

# Each shell completes commands and flags.
complete_bash() {
    bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _mlci; printf "%s\n" "${COMPREPLY[@]}"' _ "$top/completions/mlci.bash" "$@"
}
complete_bash mlci data- >"$SCRATCH/words.out"; grep -qx data-version "$SCRATCH/words.out" || fail "bash: mlci data-<TAB>"
complete_bash mlci data-version a >"$SCRATCH/words.out"; grep -qx add "$SCRATCH/words.out" || fail "bash: mlci data-version a<TAB>"
complete_bash mlci --store /tmp data-version add --na >"$SCRATCH/words.out"; grep -qx -- --name "$SCRATCH/words.out" || fail "bash: add --na<TAB>"

fish -c "source $top/completions/mlci.fish; complete -C 'mlci data-version a'" >"$SCRATCH/words.out"; grep -q '^add' "$SCRATCH/words.out" || fail "fish: data-version a<TAB>"
fish -c "source $top/completions/mlci.fish; complete -C 'mlci data-version add --n'" >"$SCRATCH/words.out"; grep -q -- '--name' "$SCRATCH/words.out" || fail "fish: add --n<TAB>"

zsh -n "$top/completions/_mlci" || fail "zsh: syntax"
zsh -c "source $top/completions/_mlci 2>/dev/null; _mlci_subs 'data-version'; print -l \$subs" >"$SCRATCH/words.out"; grep -q '^add:' "$SCRATCH/words.out" || fail "zsh: data-version subcommands"
zsh -c "source $top/completions/_mlci 2>/dev/null; _mlci_flags 'data-version add'; print -l -- \$flags" >"$SCRATCH/words.out"; grep -qx -- '--name' "$SCRATCH/words.out" || fail "zsh: add flags"

# Every subcommand, and its first flag, completes in every shell.
for step in $("$MLCI" help --list); do
    complete_bash mlci "${step:0:3}" >bash.out
    grep -qx -- "$step" bash.out || fail "bash: mlci ${step:0:3}<TAB> misses $step"
    # The option lines only: the description under them names other flags.
    flag=$("$MLCI" "$step" --help | grep -E '^ +-' | grep -o -- ' --[a-z][a-z-]*' | grep -v -- '--help' | head -1 | tr -d ' ' || true)
    [[ -n $flag ]] || continue
    complete_bash mlci "$step" "${flag:0:4}" >bash.out
    grep -qx -- "$flag" bash.out || fail "bash: mlci $step ${flag:0:4}<TAB> misses $flag"
    fish -c "source $top/completions/mlci.fish; complete -C 'mlci $step ${flag:0:4}'" >fish.out
    grep -q -- "^$flag" fish.out || fail "fish: mlci $step ${flag:0:4}<TAB> misses $flag"
    zsh -c "source $top/completions/_mlci 2>/dev/null; _mlci_flags '$step'; print -l -- \$flags" >zsh.out
    grep -q -- "$flag" zsh.out || fail "zsh: flags of $step miss $flag"
done

pass
