#include <cstdlib>
#include <mlci/core/bulk_buffer.hpp>
#include <new>
#include <sys/mman.h>

namespace mlci {

namespace {

constexpr size_t k_huge_page = 2u << 20;

} // namespace

void FreeBulk::operator()(uint8_t* p) const noexcept {
    std::free(p);
}

BulkBuffer bulk_buffer(size_t size) {
    const size_t rounded = (size + k_huge_page - 1) / k_huge_page * k_huge_page;
    auto* p = static_cast<uint8_t*>(std::aligned_alloc(k_huge_page, rounded));
    if (!p)
        throw std::bad_alloc();
    // Advice only: without huge pages (a kernel set to "never") the memory
    // works the same.
    (void)::madvise(p, rounded, MADV_HUGEPAGE);
    return BulkBuffer(p);
}

} // namespace mlci
