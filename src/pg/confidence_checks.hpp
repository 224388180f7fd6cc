// Per-row checks shared by the historical VaR glue (var_historical.cpp) and the sketch glue
// (quantile_sketch.cpp): a return must be finite, and every row of a group repeats its confidence.
#pragma once

#include <cmath>
#include <cstdint>

#include "pg/boundary.hpp"
#include "core/var_historical.hpp"
#include "core/parameters.hpp"

namespace pgp::pg {

constexpr double kDefaultConfidence = 0.95;

// Inline: call_core is only entered to raise the error (it is not free).
inline void check_return(double r) {
    if (!std::isfinite(r)) call_core([&] { pgp::core::check_finite_return(r); });
}

// The confidence of the first row is the group's; later rows must repeat it.
inline void fix_confidence(double& stored, int64_t& has, double confidence) {
    if (has && confidence == stored) return;
    call_core([&] { pgp::core::check_same_confidence(!has, stored, confidence); });
    if (!has) {
        stored = confidence;
        has = 1;
    }
}

}  // namespace pgp::pg
