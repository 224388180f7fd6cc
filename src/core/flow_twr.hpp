// Time-weighted return of a valued portfolio with external cash flows:
// twr(market_value, net_flow ORDER BY t).
//
// Each row is one period's end: V_t the market value after that period's flows, F_t the net
// external flow (deposit > 0, withdrawal < 0). Deposits are invested at the start of the period and
// withdrawals leave at its end, so the period's return is
//     r_t = (V_t + max(-F_t, 0)) / (V_{t-1} + max(F_t, 0)) - 1
// and the periods are chained: twr = prod(1 + r_t) - 1. The first row only sets V_0: its value
// already contains its own flow (the opening deposit), which is not a return.
#pragma once

#include <cstdint>

#include "core/compensated_sum.hpp"

namespace pgp::core {

// The flow timing rule, the one definition (twr() here, the daily series' daily_return in
// daily_values.cpp): a period from previous_value to value with net external flow F starts at
// previous_value + max(F, 0) and ends at value + max(-F, 0). For double and Decimal.
template <class T>
struct FlowPeriod {
    T start;
    T end;
};
template <class T>
FlowPeriod<T> flow_period(T previous_value, T value, T net_flow) {
    const T zero{};
    return {previous_value + (net_flow > zero ? net_flow : zero),
            value + (zero > net_flow ? zero - net_flow : zero)};
}

struct FlowTwrState {
    int64_t rows = 0;
    bool wiped_out = false;  // a period ended at zero value: the chain is -100 %
    double previous_value = 0.0;
    CompensatedSum log_growth;

    void add(double market_value, double net_flow);
    // prod(1 + r_t) - 1 over rows - 1 periods; false (SQL NULL) with fewer than two rows.
    bool result(double* out) const noexcept;
};

}  // namespace pgp::core
