// Glue for the drawdown family (src/sql/22_drawdown.sql): max_drawdown(r ORDER BY t) and
// calmar(r ORDER BY t [, ppy]). No combine function on purpose: the result depends on row order,
// so PostgreSQL must never split a group into partial aggregates.
#include "pg/aggregate_support.hpp"
#include "pg/sql_function.hpp"
#include "core/drawdown.hpp"

using pgp::core::DrawdownState;
using pgp::pg::call_core;

namespace {
constexpr double kDefaultPeriodsPerYear = 252;

Datum drawdown_trans(FunctionCallInfo fcinfo, double ppy) {
    const bool skip = PG_ARGISNULL(1) || (PG_NARGS() > 2 && PG_ARGISNULL(2));
    if (skip) {
        if (PG_ARGISNULL(0)) PG_RETURN_NULL();
        PG_RETURN_POINTER(PG_GETARG_POINTER(0));
    }
    DrawdownState* state = pgp::pg::state_arg_or_new<DrawdownState>(fcinfo, 0, "drawdown_trans");
    const double r = PG_GETARG_FLOAT8(1);
    // Per-row fast path without call_core; the core raises the error when a check fails.
    if (state->n == 0 || ppy != state->periods_per_year)
        call_core([&] { state->set_or_check_periods_per_year(ppy); });
    if (!state->try_add(r)) call_core([&] { state->add(r); });
    PG_RETURN_POINTER(state);
}
}  // namespace

PGP_FUNCTION(pgp_drawdown_trans) { return drawdown_trans(fcinfo, kDefaultPeriodsPerYear); }
PGP_FUNCTION(pgp_calmar_trans) {
    return drawdown_trans(fcinfo, PG_ARGISNULL(2) ? 0.0 : static_cast<double>(PG_GETARG_INT32(2)));
}

PGP_FUNCTION(pgp_max_drawdown_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    const auto* state = reinterpret_cast<const DrawdownState*>(PG_GETARG_POINTER(0));
    if (state->n == 0) PG_RETURN_NULL();
    PG_RETURN_FLOAT8(state->max_drawdown());
}

PGP_FUNCTION(pgp_calmar_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    const auto* state = reinterpret_cast<const DrawdownState*>(PG_GETARG_POINTER(0));
    double ratio = 0.0;
    const bool defined =
        call_core([&] { return pgp::core::calmar_ratio(*state, state->periods_per_year, &ratio); });
    if (!defined) PG_RETURN_NULL();
    PG_RETURN_FLOAT8(ratio);
}
