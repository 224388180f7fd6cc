#include "core/flow_twr.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/format.hpp"

namespace pgp::core {

void FlowTwrState::add(double value, double flow) {
    if (!std::isfinite(value) || value < 0.0)
        fail(ErrorCode::DataException,
             "market value must be a finite non-negative number, got " + show(value));
    if (!std::isfinite(flow))
        fail(ErrorCode::DataException, "net flow must be a finite number, got " + show(flow));
    ++rows;
    if (rows > 1 && !wiped_out) {
        const auto [start, end] = flow_period(previous_value, value, flow);
        if (start > 0.0) {
            if (end == 0.0)
                wiped_out = true;
            else
                log_growth.add(std::log(end / start));
        } else if (end > 0.0) {
            fail(ErrorCode::DataException,
                 "period return undefined: value " + show(value) +
                     " grew from nothing (previous value 0 and no deposit at the period start)");
        }
        // start == end == 0: an empty account through the period, no return to chain.
    }
    previous_value = value;
}

bool FlowTwrState::result(double* out) const noexcept {
    if (rows < 2) return false;
    *out = wiped_out ? -1.0 : std::expm1(log_growth.value());
    return true;
}

}  // namespace pgp::core
