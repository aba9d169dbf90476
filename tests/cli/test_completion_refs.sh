# Shell completion of references: bash, zsh and fish ask 'mlci __complete
# refs' for the store's names and tags when a command takes a reference.
source "$(dirname "$0")/lib.sh"
top=$MLCI_SOURCE_DIR
mkdir bin && ln -s "$MLCI" bin/mlci
export PATH="$SCRATCH/bin:$PATH"

# No store: no words, no error.
expect_exit 0 mlci __complete refs
expect_eq "$(cat "$SCRATCH/out")" "" "words without a store"
expect_exit 2 mlci __complete nothing

mkdir proj && cd proj
mlci init >/dev/null 2>&1
echo a > iris.csv && mlci data-version add iris.csv >/dev/null 2>&1
echo b > iris.csv && mlci data-version add iris.csv >/dev/null 2>&1
echo c > other.csv && mlci data-version add --name other other.csv >/dev/null 2>&1
expect_exit 0 mlci __complete refs
expect_eq "$(tr '\n' ' ' < "$SCRATCH/out")" "iris iris:latest iris:v1 iris:v2 other other:latest other:v1 " "words"
# The hidden command is in no help, man page or list.
expect_exit 0 mlci --help
expect_not_in "$SCRATCH/out" "__complete"
mlci help --list | grep -q __complete && fail "__complete listed"

complete_bash() { # the line so far (the cursor at its end)
    bash -c 'source "$1"; COMP_LINE="$2"; COMP_POINT=${#COMP_LINE}
        read -ra COMP_WORDS <<<"$COMP_LINE"; [[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
        # bash splits NAME:TAG at the colon, as an interactive shell does.
        if [[ ${COMP_WORDS[-1]} == *:* ]]; then w=${COMP_WORDS[-1]}; unset "COMP_WORDS[-1]"
            COMP_WORDS+=("${w%%:*}" ":" "${w#*:}"); fi
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _mlci; printf "%s\n" "${COMPREPLY[@]}"' \
        _ "$top/completions/mlci.bash" "$1"
}
complete_bash "mlci show ir" >bash.out
grep -qx "iris:v1" bash.out || { cat bash.out; fail "bash: show ir<TAB>"; }
grep -qx "iris" bash.out || fail "bash: the name too"
grep -q "other" bash.out && fail "bash: only matching words"
complete_bash "mlci rm iris:v" >bash.out
expect_eq "$(sort bash.out | tr '\n' ' ')" "v1 v2 " "bash: after the colon, the tags"
complete_bash "mlci untag oth" >words.out; grep -qx "other:latest" words.out || fail "bash: untag"
complete_bash "mlci metrics diff ir" >words.out; grep -qx "iris:v2" words.out || fail "bash: a subcommand's REF"
complete_bash "mlci log " >words.out; grep -qx "other" words.out || fail "bash: log NAME"
complete_bash "mlci data-version add ot" >words.out; grep -qx "other" words.out && fail "bash: add takes paths, not references"
complete_bash "mlci show iri" >words.out; grep -qx "iris.csv" words.out || fail "bash: files too (pointer files)"

fish -c "source $top/completions/mlci.fish; complete -C 'mlci show ir'" >fish.out
grep -q "^iris:v2" fish.out || { cat fish.out; fail "fish: show ir<TAB>"; }
fish -c "source $top/completions/mlci.fish; complete -C 'mlci rm oth'" >words.out; grep -q "^other:v1" words.out || fail "fish: rm"

zsh -c "source $top/completions/_mlci 2>/dev/null; _mlci_refs show && _mlci_refs 'metrics diff' && ! _mlci_refs 'data-version add'" ||
    fail "zsh: which commands take references"
grep -q 'mlci __complete refs' "$top/completions/_mlci" || fail "zsh: asks for references"
pass
