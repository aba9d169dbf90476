// The text of `mlci train --help` and of its man page: kept apart from the
// flags (cmd/train.cpp) because it is most of the command's lines.
#include "train_doc.hpp"

#include "train_stages.hpp"

namespace mlci::cli {

CommandDoc train_doc() {
    return CommandDoc{
        "train",
        "Runs a training command and records it as a run artifact: the command, the resolved "
        "params, the input datasets' digests, the code (git commit, branch, and a digest of "
        "uncommitted changes), the interpreter and machine, start and end, exit status, wall "
        "and cpu time, peak memory, the log, every declared output (stored in the store) and "
        "the metrics file (nested names joined with '.'). The run is tagged NAME:vN and "
        "NAME:latest, and its reference is printed on standard output. NAME is --name, else "
        "train.name when the command is mlci.yaml's, else the script the command runs (train "
        "for python3 src/train.py; the program's name when no interpreter runs a script). A "
        "run that declares no output and no metrics file records little worth keeping: train "
        "warns.\n\n"
        "Flags override the train section of mlci.yaml and the params it names. The command "
        "of mlci.yaml runs in mlci.yaml's folder; a command given after '--' runs in the "
        "current folder and takes nothing from the train section (its inputs, outputs, metrics "
        "file, name, timeout and env describe mlci.yaml's command), only the params. Inputs are "
        "dataset names "
        "from mlci.yaml (the version their pointer file records) or references; their files "
        "are checked against the version, missing ones restored, and a change that is not "
        "versioned refuses the run. The command runs in a process group of its own with "
        "standard input from /dev/null; its output is shown on standard error and stored. It "
        "gets MLCI_RUN_ID, MLCI_PARAMS (a JSON file of the params), MLCI_INPUT_<NAME> (the "
        "absolute path of each input) and MLCI_INPUTS (JSON) in its environment.\n\n"
        "Outputs: declared outputs and the metrics file stay where they are while the command "
        "runs (a crash of mlci at any moment leaves them in place). An output that the command "
        "leaves exactly as it was (same inode, size, mtime and ctime) was not written by it: "
        "the run fails instead of recording a stale file. A folder output counts as written "
        "when a file in it was added, removed or rewritten, and is recorded as the command "
        "leaves it (files it did not touch included: empty the folder first for a clean one). "
        "A run that does not succeed puts the outputs that existed back as they were. Outputs "
        "must lie in the project and may not be .git, the store, or a folder holding either; "
        "an output that is a symbolic link is refused.\n\n"
        "Run cache: when the name, command, params, input data, outputs, environment "
        "settings, OS and architecture and the content of what the run depends on are those "
        "of a succeeded run, that run's outputs are restored byte for byte and its reference "
        "printed; nothing runs and nothing new is recorded. --force runs anyway. What a run "
        "depends on is train.deps or --dep (files, folders, globs), else the files git shows "
        "in the project minus pointer files, outputs, dataset folders, mlci.yaml, "
        "documentation and CI settings; a commit that changes none of them keeps the key. "
        "--explain (or -v) says what differs from the closest earlier run on a miss. The "
        "cache needs git: outside a repository it is off.\n\n"
        "Remote cache: --remote-cache DEST (a registry HOST[:PORT]/REPO or oci:PATH; "
        "$MLCI_REMOTE_CACHE; train.remote_cache) is asked before running, as the tag "
        "run-<key>; a hit is pulled (every blob verified) and restored, and a run that was "
        "not a hit is pushed there. A miss, an unreachable cache or an entry that does not "
        "verify is a warning, never a failure.\n\n"
        "Sweeps: --grid runs every combination of the values, -j at once, each in a private "
        "mirror of the project (symlinks to everything but the outputs) so that runs do not "
        "overwrite each other. Each run is recorded; --select prints the best one on "
        "standard output (the others on standard error) and restores its outputs into the "
        "workspace.\n\n"
        "Random search: --sample N draws N trials from the --range params: uniform:A,B (a "
        "number, A <= x <= B), loguniform:A,B (0 < A; uniform in log space), int:A,B (an "
        "integer, both bounds included) or choice:V1,V2,... (typed as --grid's values). The "
        "draw is a xoshiro256** generator seeded with --seed (default 0) and mapped to numbers "
        "with IEEE-754 arithmetic alone, so it is the same on every machine; trial k does not "
        "depend on N, so a larger --sample extends a sweep. With --grid too, each drawn point "
        "runs with every grid combination.\n\n"
        "Shards: --shard I/N runs only the trials k (0-based, in sweep order: the grid's first "
        "axis changing slowest, drawn points before grid combinations) with k mod N = I-1, so "
        "N jobs split a sweep without talking to each other; --shard auto takes I and N from "
        "CI_NODE_INDEX and CI_NODE_TOTAL (GitLab's 'parallel: N'). Labels such as [5/6] keep "
        "the numbering of the whole sweep. Every shard records its runs with the same sweep id "
        "(a digest of the grid, ranges, sample count, seed and the run cache's facts before "
        "the sweep's params; not the shard, not --select). With --select a shard picks among "
        "its own trials and says so. Collecting: the same command without --shard finds every "
        "trial in the run cache, runs nothing, and with --select prints the best trial and "
        "restores its outputs, as a sweep run in one job would.\n\n" +
            stages_doc() +
            "\n\n"
            "Exit status: 0 when every run succeeded (or was reused); 1 when a run failed, timed "
            "out or did not write a declared output (it is recorded all the same); 2 for bad "
            "flags, mlci.yaml or inputs; 3 when the command cannot be started (its program is not "
            "found: for a command given as one string too, when it is a simple command). Ctrl-C "
            "(SIGINT) and "
            "SIGTERM are passed to the command, a second one kills it; the run is recorded as "
            "interrupted and mlci then dies of the same signal.",
        {{"mlci train", "run the train command of mlci.yaml"},
         {"mlci train -p n_estimators=200", "the same with one param changed"},
         {"mlci train -i iris -o model.pkl --metrics metrics.json -- python3 train.py",
          "without mlci.yaml"},
         {"mlci train --grid max_depth=2,4 --grid n_estimators=50,100 -j 2 --select "
          "accuracy:max",
          "a sweep of four runs, two at once; prints the most accurate"},
         {"mlci train --sample 8 --range n_estimators=int:10,200 --range "
          "max_depth=int:2,12 --seed 7",
          "random search: eight trials, the same draw on every machine"},
         {"mlci train --grid max_depth=2,4,6 --shard auto",
          "in each job of GitLab's 'parallel: 3': one trial each"},
         {"mlci train evaluate -j 2",
          "with train.stages: the evaluate stage and the stages it needs, two at once"},
         {"mlci train | mlci validate -", "train, then gate the run"}}};
}

} // namespace mlci::cli
