#include <linux/capability.h>
#include <mlci/core/privilege.hpp>
#include <sys/syscall.h>
#include <unistd.h>

namespace mlci {

bool overrides_file_permissions() {
    if (::geteuid() == 0)
        return true;
    // capget has no glibc wrapper; libcap is not worth a dependency for one bit.
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3]{};
    if (::syscall(SYS_capget, &header, data) != 0)
        return false;
    return (data[CAP_DAC_OVERRIDE / 32].effective & (1u << (CAP_DAC_OVERRIDE % 32))) != 0;
}

} // namespace mlci
