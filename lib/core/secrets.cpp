#include <mlci/core/secrets.hpp>
#include <sys/prctl.h>

namespace mlci {

void keep_secrets_out_of_core_dumps() {
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

bool process_dumpable() {
    return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1;
}

} // namespace mlci
