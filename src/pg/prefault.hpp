// Prefaulting the fresh part of a large aggregate buffer.
//
// var_historical holds every value (80 MB for 10M rows). A chunk that size comes from mmap, and
// each first write to one of its 4 KiB pages traps into the kernel: 20,000 traps, which on a
// virtual machine cost more than the writes (perf: a third of var_historical's time beyond the
// scan). MADV_POPULATE_WRITE (Linux 5.14) maps the whole range in one system call instead. It is
// only advice: on an older kernel, or where it fails, the pages fault in one by one as before.
// (Transparent huge pages were measured too: slower, the kernel zeroes and compacts 2 MiB pages.)
// Used as a buffer fills (window by window), and for the large copies of parallel plans: a
// worker's serialized state, its deserialized copy and the combined buffer (2 workers: 2.8-3.1 s
// -> 2.0-2.1 s for 10M rows here).
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>

namespace pgp::pg {

// How much a filling buffer maps per call: a system call per 512 pages.
constexpr size_t kPrefaultWindowBytes = size_t{2} << 20;
// Smaller ranges are left to page faults: mostly malloc's already-mapped arena memory, where the
// system call would cost more than it saves. (Half a window: a window rounded inward to whole
// pages still qualifies.)
constexpr size_t kPrefaultMinBytes = kPrefaultWindowBytes / 2;

// Maps the whole pages inside [begin, end) for writing, when the range is large enough to matter.
inline void prefault_pages(void* begin, void* end) noexcept {
#ifdef MADV_POPULATE_WRITE
    static const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
    const uintptr_t first = (reinterpret_cast<uintptr_t>(begin) + page - 1) & ~(page - 1);
    const uintptr_t last = reinterpret_cast<uintptr_t>(end) & ~(page - 1);
    if (last > first && last - first >= kPrefaultMinBytes)
        (void)madvise(reinterpret_cast<void*>(first), last - first, MADV_POPULATE_WRITE);
#else
    (void)begin;
    (void)end;
#endif
}

}  // namespace pgp::pg
