#include "core/parameters.hpp"

#include <cmath>
#include <string>

#include "core/error.hpp"
#include "core/format.hpp"

namespace pgp::core {

void check_confidence(double confidence) {
    if (!(confidence > 0.0 && confidence < 1.0))
        fail(ErrorCode::InvalidParameter,
             "confidence must be strictly between 0 and 1, got " + show(confidence));
}

void check_periods_per_year(double periods_per_year) {
    if (!(std::isfinite(periods_per_year) && periods_per_year > 0.0))
        fail(ErrorCode::InvalidParameter,
             "periods per year must be positive, got " + show(periods_per_year));
}

void check_rate(double rate, const char* name) {
    if (!std::isfinite(rate) || rate <= -1.0)
        fail(ErrorCode::InvalidParameter,
             std::string(name) + " must be a finite per-period rate above -1, got " + show(rate));
}

}  // namespace pgp::core
