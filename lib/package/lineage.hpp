// Where a package came from, written three ways: manifest annotations (for
// mlci and registries), config labels (what `docker inspect` shows), and the
// SLSA provenance predicate (for supply-chain tools).
#pragma once

#include <map>
#include <mlci/oci/provenance.hpp>
#include <mlci/package/build.hpp>
#include <string>

namespace mlci::package {

// org.opencontainers.image.{created,revision,source,version}, dev.mlci.kind,
// dev.mlci.name, dev.mlci.run, dev.mlci.lineage.run, dev.mlci.lineage.inputs,
// dev.mlci.metric.*, dev.mlci.validation, dev.mlci.verdict.
store::Annotations lineage_annotations(const BuildContext& ctx);

// The OCI labels a runtime shows: created, revision, source, version, and
// the run's digest.
std::map<std::string, std::string> lineage_labels(const BuildContext& ctx);

// The provenance of `built`, tagged `reference`.
oci::Provenance provenance_of(const BuildContext& ctx, const Built& built,
                              const std::string& reference);

} // namespace mlci::package
