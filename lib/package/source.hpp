// What a package is made of: the run (its record and output files), the
// validation that lets it ship, and the serving files given with --add.
#pragma once

#include <filesystem>
#include <mlci/store/file_list.hpp>
#include <mlci/store/store.hpp>
#include <mlci/train/record.hpp>
#include <mlci/validate/validation.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mlci::package {

namespace fs = std::filesystem;

struct RunSource {
    train::Run run;
    std::vector<store::FileEntry> outputs; // the model files, relative to the project
    // The validation that decides: the one given as the reference, else the
    // run's latest; empty when the run was never validated.
    std::optional<validate::ValidationInfo> validation;

    std::string verdict() const { return validation ? validation->verdict : "none"; }
};

// Loads the run `entry` is or stands for (a validation stands for its
// subject) with its output files, each of which must be in the store.
Result<RunSource> load_source(const store::Store& store, const store::IndexEntry& entry);

// Refuses (an Exit::gate error) a run that did not succeed, and one without
// a passing validation unless `allow_unvalidated`.
Status check_gate(const RunSource& source, bool allow_unvalidated);

// A --add argument: SRC[:DEST].
struct AddSpec {
    fs::path source;  // absolute
    std::string dest; // as given; empty: the source's name under the workdir
};

// Parses SRC[:DEST]; a relative SRC is taken from `base_dir`.
Result<AddSpec> parse_add(std::string_view text, const fs::path& base_dir);

struct ServingFile {
    std::string path; // in the image, relative to '/': "app/serve.py"
    fs::path source;
    uint64_t size = 0;
    bool executable = false;
};

// The files --add names: a file goes to DEST (or WORKDIR/NAME); a folder's
// files go under DEST (or WORKDIR/NAME) keeping their relative paths. A
// relative DEST is taken from `workdir`. Symbolic links are followed;
// .git, __pycache__ and *.pyc are left out (they differ between checkouts).
Result<std::vector<ServingFile>> collect_serving_files(const std::vector<AddSpec>& specs,
                                                       const std::string& workdir);

} // namespace mlci::package
