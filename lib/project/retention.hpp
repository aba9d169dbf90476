// What retention (gc --keep-last) must keep in a project whatever its age:
// the packages environments run or roll back to, and the dataset versions
// that the workspace's pointer files name. The store alone cannot tell: the
// deployments and the workspace live above it.
#pragma once

#include <filesystem>
#include <mlci/store/retention.hpp>
#include <mlci/store/store.hpp>

namespace mlci::project {

namespace fs = std::filesystem;

// The retention rule for `store` keeping `keep_last` versions per name, with
// the protected artifacts of the project at `root` (its pointer files are
// looked for under it). Deployment records are history, not versions to
// prune: the rule leaves them alone.
Result<store::RetentionOptions> retention_for(const store::Store& store, const fs::path& root,
                                              unsigned keep_last);

} // namespace mlci::project
