// Glue for the one-step aggregates of a series against a benchmark: beta(r, rb) and
// alpha(r, rb [, rf [, ppy]]). State: PairAggState (co-moments of the excess returns r - rf and
// rb - rf, and the ppy every row must agree on). tracking_error and information_ratio only need the
// moments of r - rb and live in moments.cpp.
#include <optional>

#include "pg/moment_support.hpp"
#include "pg/sql_function.hpp"
#include "core/moment_states.hpp"
#include "core/parameters.hpp"

using pgp::core::PairAggState;
using pgp::pg::call_core;

namespace {

constexpr double kDefaultPeriodsPerYear = 252;

Datum pair_step(FunctionCallInfo fcinfo, bool inverse) {
    if (pgp::pg::any_argument_null(fcinfo)) return pgp::pg::unchanged_state(fcinfo);
    const double r = PG_GETARG_FLOAT8(1);
    const double rb = PG_GETARG_FLOAT8(2);
    const double rf = PG_NARGS() > 3 ? PG_GETARG_FLOAT8(3) : 0.0;
    std::optional<double> ppy;
    if (PG_NARGS() > 4) ppy = static_cast<double>(PG_GETARG_INT32(4));
    auto* state = pgp::pg::state_or_new<PairAggState>(fcinfo, "pair aggregate");
    // Only a row that fails the fast checks enters the core, which raises the error.
    if (!pgp::core::plausible_return(r) || !pgp::core::plausible_return(rb) ||
        !pgp::core::plausible_rate(rf) || !state->ppy.repeats(ppy)) {
        call_core([&] {
            pgp::core::check_simple_return(r);
            pgp::core::check_simple_return(rb);
            pgp::core::check_rate(rf, "rf");
            state->ppy.accept(ppy, pgp::core::check_periods_per_year, "periods per year");
        });
    }
    if (!inverse) {
        state->series.add(r - rf, rb - rf);  // noexcept
    } else if (!state->series.remove(r - rf, rb - rf)) {
        PG_RETURN_NULL();  // recompute the frame
    }
    PG_RETURN_POINTER(state);
}

}  // namespace

PGP_MOVING_FIXED_STATE_AGGREGATE(pair, PairAggState, pair_step)

PGP_FUNCTION(pgp_beta_final) {
    return pgp::pg::float8_final<PairAggState>(
        fcinfo, [](const PairAggState& s) { return pgp::core::beta(s.series); });
}

// rf was subtracted row by row already, so the constant-rf formula runs with rf = 0
PGP_FUNCTION(pgp_alpha_final) {
    return pgp::pg::float8_final<PairAggState>(fcinfo, [](const PairAggState& s) {
        return pgp::core::alpha(s.series, 0.0, s.ppy.value_or(kDefaultPeriodsPerYear));
    });
}
