// Glue for the one-step moment aggregates of one series: volatility, sharpe, var_gaussian,
// cvar_gaussian, var_cornish_fisher, tracking_error, information_ratio (state: MomentAggState),
// annualized_return (GrowthAggState) and sortino (SortinoState).
//
// Transition functions come in shapes by their trailing arguments (plain r; r with ppy; r with a
// confidence; r with a per-row rate rf; r with a benchmark rb), each with its inverse for moving
// windows. An inverse returns NULL when the downdated state may have lost accuracy: PostgreSQL then
// recomputes the aggregate over the current frame (see core/moments.hpp).
#include <optional>

#include "pg/moment_support.hpp"
#include "pg/sql_function.hpp"
#include "core/moment_states.hpp"
#include "core/parameters.hpp"
#include "core/return_summary.hpp"

namespace core = pgp::core;
using pgp::pg::call_core;

namespace {

constexpr double kDefaultPeriodsPerYear = 252;
constexpr double kDefaultConfidence = 0.95;

// What the trailing arguments of a transition function mean.
enum class Shape { Plain, Ppy, Confidence, Excess, Difference };

const char* param_name(Shape shape) {
    return shape == Shape::Confidence ? "confidence" : "periods per year";
}

// One row: read the arguments, then validate and apply them in a single call into the core.
Datum moment_step(FunctionCallInfo fcinfo, Shape shape, bool inverse) {
    if (pgp::pg::any_argument_null(fcinfo)) return pgp::pg::unchanged_state(fcinfo);
    const double r = PG_GETARG_FLOAT8(1);
    double other = 0.0;
    std::optional<double> param;
    switch (shape) {
        case Shape::Plain:
            break;
        case Shape::Ppy:
            param = static_cast<double>(PG_GETARG_INT32(2));
            break;
        case Shape::Confidence:
            param = PG_GETARG_FLOAT8(2);
            break;
        case Shape::Excess:
        case Shape::Difference:
            other = PG_GETARG_FLOAT8(2);
            if (PG_NARGS() > 3) param = static_cast<double>(PG_GETARG_INT32(3));
            break;
    }
    auto* state = pgp::pg::state_or_new<core::MomentAggState>(fcinfo, "moment aggregate");
    // The common row is plausible and repeats the stored parameter: it never enters call_core (a
    // measurable cost per row). Anything else is validated in the core, which raises the error.
    const bool param_seen = state->param.repeats(param);
    const bool plausible =
        core::plausible_return(r) && (shape == Shape::Excess       ? core::plausible_rate(other)
                                      : shape == Shape::Difference ? core::plausible_return(other)
                                                                   : true);
    if (!plausible || !param_seen) {
        call_core([&] {
            core::check_simple_return(r);
            if (shape == Shape::Excess) core::check_rate(other, "rf");
            if (shape == Shape::Difference) core::check_simple_return(other);
            state->param.accept(
                param,
                shape == Shape::Confidence ? core::check_confidence : core::check_periods_per_year,
                param_name(shape));
        });
    }
    const double value = r - other;
    bool accurate = true;
    if (!inverse)
        state->moments.add(value);  // noexcept
    else
        accurate = state->moments.remove(value);
    if (!accurate) PG_RETURN_NULL();  // recompute the frame
    PG_RETURN_POINTER(state);
}

}  // namespace

PGP_FUNCTION(pgp_moment_trans) { return moment_step(fcinfo, Shape::Plain, false); }
PGP_FUNCTION(pgp_moment_inv) { return moment_step(fcinfo, Shape::Plain, true); }
PGP_FUNCTION(pgp_moment_trans_ppy) { return moment_step(fcinfo, Shape::Ppy, false); }
PGP_FUNCTION(pgp_moment_inv_ppy) { return moment_step(fcinfo, Shape::Ppy, true); }
PGP_FUNCTION(pgp_moment_trans_conf) { return moment_step(fcinfo, Shape::Confidence, false); }
PGP_FUNCTION(pgp_moment_inv_conf) { return moment_step(fcinfo, Shape::Confidence, true); }
PGP_FUNCTION(pgp_moment_trans_excess) { return moment_step(fcinfo, Shape::Excess, false); }
PGP_FUNCTION(pgp_moment_inv_excess) { return moment_step(fcinfo, Shape::Excess, true); }
PGP_FUNCTION(pgp_moment_trans_diff) { return moment_step(fcinfo, Shape::Difference, false); }
PGP_FUNCTION(pgp_moment_inv_diff) { return moment_step(fcinfo, Shape::Difference, true); }

PGP_FIXED_STATE_PARALLEL_FUNCTIONS(moment, core::MomentAggState)

namespace {
using MomentFormula = std::optional<double> (*)(const core::Moments&, double);

// The final functions of MomentAggState: f(moments, the stored parameter or its default). The
// formulas with a confidence validate it and may throw, so all of them run inside call_core.
Datum moment_final(FunctionCallInfo fcinfo, MomentFormula f, double default_param) {
    return pgp::pg::float8_final<core::MomentAggState>(fcinfo, [&](const core::MomentAggState& s) {
        return call_core([&] { return f(s.moments, s.param.value_or(default_param)); });
    });
}
}  // namespace

// volatility and tracking_error: sample stddev * sqrt(ppy)
PGP_FUNCTION(pgp_volatility_final) {
    return moment_final(fcinfo, &core::volatility, kDefaultPeriodsPerYear);
}
// sharpe and information_ratio: mean / sample stddev * sqrt(ppy) of the excess or active return
PGP_FUNCTION(pgp_mean_ratio_final) {
    return moment_final(fcinfo, &core::sharpe_ratio, kDefaultPeriodsPerYear);
}
PGP_FUNCTION(pgp_var_gaussian_final) {
    return moment_final(fcinfo, &core::var_gaussian, kDefaultConfidence);
}
PGP_FUNCTION(pgp_cvar_gaussian_final) {
    return moment_final(fcinfo, &core::cvar_gaussian, kDefaultConfidence);
}
PGP_FUNCTION(pgp_var_cornish_fisher_final) {
    return moment_final(fcinfo, &core::var_cornish_fisher, kDefaultConfidence);
}

// --- annualized_return(r [, ppy]) -------------------------------------------------------------

namespace {
Datum growth_step(FunctionCallInfo fcinfo, bool inverse) {
    if (pgp::pg::any_argument_null(fcinfo)) return pgp::pg::unchanged_state(fcinfo);
    const double r = PG_GETARG_FLOAT8(1);
    std::optional<double> ppy;
    if (PG_NARGS() > 2) ppy = static_cast<double>(PG_GETARG_INT32(2));
    auto* state = pgp::pg::state_or_new<core::GrowthAggState>(fcinfo, "annualized_return");
    if (!inverse && core::plausible_return(r) && state->ppy.repeats(ppy)) {
        state->series.add_plausible(r);  // the per-row hot path: nothing to check
        PG_RETURN_POINTER(state);
    }
    call_core([&] {
        state->ppy.accept(ppy, core::check_periods_per_year, "periods per year");
        if (inverse)
            state->series.remove(r);
        else
            state->series.add(r);
    });
    PG_RETURN_POINTER(state);
}
}  // namespace

PGP_MOVING_FIXED_STATE_AGGREGATE(annualized, core::GrowthAggState, growth_step)
PGP_FUNCTION(pgp_annualized_final) {
    return pgp::pg::float8_final<core::GrowthAggState>(fcinfo, [](const core::GrowthAggState& s) {
        return core::annualized_return(s.series, s.ppy.value_or(kDefaultPeriodsPerYear));
    });
}

// --- sortino(r [, mar [, ppy]]) ---------------------------------------------------------------

namespace {
Datum sortino_step(FunctionCallInfo fcinfo, bool inverse) {
    if (pgp::pg::any_argument_null(fcinfo)) return pgp::pg::unchanged_state(fcinfo);
    const double r = PG_GETARG_FLOAT8(1);
    const double mar = PG_NARGS() > 2 ? PG_GETARG_FLOAT8(2) : 0.0;
    std::optional<double> ppy;
    if (PG_NARGS() > 3) ppy = static_cast<double>(PG_GETARG_INT32(3));
    auto* state = pgp::pg::state_or_new<core::SortinoState>(fcinfo, "sortino");
    // Only a row that fails the fast checks enters the core, which raises the error.
    if (!core::plausible_return(r) || !core::plausible_rate(mar) || !state->ppy.repeats(ppy)) {
        call_core([&] {
            core::check_simple_return(r);
            core::check_rate(mar, "mar");
            state->ppy.accept(ppy, core::check_periods_per_year, "periods per year");
        });
    }
    if (inverse)
        state->remove(r - mar);  // noexcept
    else
        state->add(r - mar);
    PG_RETURN_POINTER(state);
}
}  // namespace

PGP_MOVING_FIXED_STATE_AGGREGATE(sortino, core::SortinoState, sortino_step)
PGP_FUNCTION(pgp_sortino_final) {
    return pgp::pg::float8_final<core::SortinoState>(fcinfo, [](const core::SortinoState& s) {
        return core::sortino(s, s.ppy.value_or(kDefaultPeriodsPerYear));
    });
}
