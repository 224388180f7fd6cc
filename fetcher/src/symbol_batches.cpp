#include "symbol_batches.hpp"

#include <algorithm>

namespace pgp::fetch {

std::vector<BatchRange> symbol_batches(std::size_t bars, std::size_t batch_size,
                                       bool has_rejected) {
    std::vector<BatchRange> out;
    std::size_t at = 0;
    bool rejected_placed = !has_rejected;
    while (at < bars || !rejected_placed) {
        const std::size_t n = std::min(bars - at, batch_size);
        out.push_back({at, at + n, !rejected_placed});
        rejected_placed = true;
        at += n;
    }
    return out;
}

}  // namespace pgp::fetch
