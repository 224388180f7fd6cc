// How one symbol's fetched rows are cut into load transactions (--batch-size): consecutive
// ranges of at most batch_size bars, oldest first, so a run stopped between two batches has
// stored a prefix of the span and the next incremental run resumes without a gap. The symbol's
// rejected rows travel with its first batch, so a symbol with only rejected rows still has one.
#pragma once

#include <cstddef>
#include <vector>

namespace pgp::fetch {

struct BatchRange {
    std::size_t begin = 0, end = 0;  // [begin, end) of the symbol's bars
    bool with_rejected = false;      // the rejected rows load in this batch
};

// No bars and no rejected rows: no batch. batch_size must be at least 1.
std::vector<BatchRange> symbol_batches(std::size_t bars, std::size_t batch_size, bool has_rejected);

}  // namespace pgp::fetch
