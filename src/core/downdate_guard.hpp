// The accuracy guard shared by the states that support moving windows (Moments, PairMoments).
//
// A downdate (removing a row) subtracts, so it can cancel. A downdated state is trusted while each
// second-or-higher moment stays within kMaxShrink of its peak since the state was last built from
// scratch: the rounding error of each update is about eps times the peak, so the relative error
// stays near 1e3 * eps * (number of updates), which the removal limit bounds. When the guard says
// no, the glue asks PostgreSQL to recompute the window frame from its rows.
#pragma once

#include <algorithm>
#include <cstdint>

namespace pgp::core::downdate_guard {

constexpr double kMaxShrink = 1e3;
constexpr int64_t kMinRemovalLimit = 1024;

// More downdates than this since the last rebuild (of a state of n rows) are not trusted.
inline bool too_many_removals(int64_t removals, int64_t n) noexcept {
    return removals > std::max<int64_t>(kMinRemovalLimit, 4 * n);
}

// A moment that went negative or fell far below its peak has lost its digits.
inline bool shrunk(double moment, double peak) noexcept {
    return moment < 0 || moment * kMaxShrink < peak;
}

}  // namespace pgp::core::downdate_guard
