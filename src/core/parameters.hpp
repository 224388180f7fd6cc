// Validation of the parameters every metric shares. Each throws InvalidParameter (SQLSTATE 22023)
// with a message that names the parameter and the value given.
#pragma once

#include <cmath>

namespace pgp::core {

// confidence level of VaR/CVaR: strictly between 0 and 1.
void check_confidence(double confidence);
// periods per year: a positive number (252 trading days, 12 months, 52 weeks ...).
void check_periods_per_year(double periods_per_year);
// a per-period rate (rf, mar): finite and above -1.
void check_rate(double rate, const char* name);
// The same test without the message, for the per-row fast path of the glue.
inline bool plausible_rate(double rate) noexcept { return std::isfinite(rate) && rate > -1.0; }

}  // namespace pgp::core
