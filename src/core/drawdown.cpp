#include "core/drawdown.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/format.hpp"
#include "core/growth.hpp"
#include "core/parameters.hpp"

namespace pgp::core {

void DrawdownState::set_or_check_periods_per_year(double ppy) {
    if (n == 0) {
        check_periods_per_year(ppy);
        periods_per_year = ppy;
    } else if (ppy != periods_per_year) {
        fail(ErrorCode::InvalidParameter, "periods per year must be the same in every row, got " +
                                              show(periods_per_year) + " and " + show(ppy));
    }
}

void DrawdownState::add(double r) {
    check_simple_return(r);
    try_add(r);
}

bool DrawdownState::try_add(double r) noexcept {
    if (!(std::isfinite(r) && r >= -1.0)) return false;
    ++n;
    if (wiped_out) return true;
    if (r == -1.0) {
        wiped_out = true;
        return true;
    }
    log_wealth.add(std::log1p(r));
    const double now = log_wealth.value();
    if (now > peak_log)
        peak_log = now;
    else
        worst_gap = std::min(worst_gap, now - peak_log);
    return true;
}

double DrawdownState::max_drawdown() const noexcept {
    if (wiped_out) return 1.0;
    return worst_gap < 0.0 ? -std::expm1(worst_gap) : 0.0;  // 1 - W / peak
}

double DrawdownState::annualized_return(double ppy) const {
    check_periods_per_year(ppy);
    if (wiped_out) return -1.0;
    return std::expm1(log_wealth.value() * ppy / static_cast<double>(n));
}

bool calmar_ratio(const DrawdownState& s, double ppy, double* out) {
    check_periods_per_year(ppy);
    if (s.n == 0) return false;
    const double drawdown = s.max_drawdown();
    if (drawdown == 0.0) return false;
    *out = s.annualized_return(ppy) / drawdown;
    return true;
}

}  // namespace pgp::core
