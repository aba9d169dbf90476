// The help and man page text of `mlci train`.
#pragma once

#include "context.hpp"

namespace mlci::cli {

CommandDoc train_doc();

} // namespace mlci::cli
