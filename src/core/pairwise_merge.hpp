// The start of the pairwise merge shared by Moments and PairMoments (Pébay's formulas): merging
// with an empty side is a copy or nothing; otherwise the formulas need both counts and their sum.
#pragma once

#include <optional>

namespace pgp::core {

struct MergeCounts {
    double na;  // rows of the left state (the one merged into)
    double nb;  // rows of the right state
    double nn;  // na + nb
};

// Merges the trivial cases (an empty a or b) and returns nothing; else the counts for the formulas.
template <class State>
std::optional<MergeCounts> merge_counts(State& a, const State& b) noexcept {
    if (b.n == 0) return std::nullopt;
    if (a.n == 0) {
        a = b;
        return std::nullopt;
    }
    const double na = static_cast<double>(a.n);
    const double nb = static_cast<double>(b.n);
    return MergeCounts{na, nb, na + nb};
}

}  // namespace pgp::core
