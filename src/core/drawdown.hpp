// Maximum drawdown and the Calmar ratio of an ordered series of periodic simple returns.
//
// Wealth starts at 1 and compounds: W_t = prod_{s<=t} (1 + r_s). The drawdown at t is
// 1 - W_t / max(1, W_1..W_t); max_drawdown is its largest value, a positive fraction (0.15 = a
// 15 % fall). Wealth is tracked as a compensated sum of log(1 + r) so that millions of rows neither
// overflow nor underflow; a return of exactly -100 % wipes wealth out (drawdown 1 from then on).
//
// Order matters, so the state has no merge: PostgreSQL then never splits these aggregates.
#pragma once

#include <cstdint>

#include "core/compensated_sum.hpp"

namespace pgp::core {

struct DrawdownState {
    int64_t n = 0;
    bool wiped_out = false;         // a return of -100 % was seen: wealth is 0 for good
    double peak_log = 0.0;          // log of the highest wealth so far (wealth starts at 1)
    double worst_gap = 0.0;         // min over t of log W_t - peak_log (<= 0)
    double periods_per_year = 0.0;  // calmar's parameter, fixed by the first row
    CompensatedSum log_wealth;

    // The first row fixes periods per year (validated); later rows must repeat it (22023).
    void set_or_check_periods_per_year(double ppy);
    void add(double r);
    // add() without exceptions for the per-row path: false (state unchanged) for an invalid
    // return, which the caller then reports through add().
    bool try_add(double r) noexcept;
    // The largest peak-to-trough fall, in [0, 1]; 0 for an empty or never-falling series.
    double max_drawdown() const noexcept;
    // prod(1 + r)^(ppy / n) - 1 (-1 after a total loss).
    double annualized_return(double periods_per_year) const;
};

// annualized_return / max_drawdown; returns false (SQL NULL) when empty or the drawdown is 0.
bool calmar_ratio(const DrawdownState& s, double periods_per_year, double* out);

}  // namespace pgp::core
