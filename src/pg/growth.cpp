// Glue for the compounded-growth aggregates: twr(r).
// State: core::GrowthState, flat, in the aggregate context; combine/serialize for parallel plans;
// an inverse transition for moving windows.
#include "pg/aggregate_support.hpp"
#include "pg/sql_function.hpp"
#include "core/growth.hpp"

using pgp::core::GrowthState;
using pgp::pg::call_core;

PGP_FUNCTION(pgp_growth_trans) {
    if (PG_ARGISNULL(1)) return pgp::pg::unchanged_state(fcinfo);  // NULL returns are skipped
    GrowthState* state = pgp::pg::state_arg_or_new<GrowthState>(fcinfo, 0, "growth_trans");
    const double r = PG_GETARG_FLOAT8(1);
    if (pgp::core::plausible_return(r))
        state->add_plausible(r);  // the per-row hot path
    else
        call_core([&] { state->add(r); });  // raises the error
    PG_RETURN_POINTER(state);
}

PGP_FUNCTION(pgp_growth_inv) {
    GrowthState* state = pgp::pg::state_arg_or_new<GrowthState>(fcinfo, 0, "growth_inv");
    if (!PG_ARGISNULL(1)) {
        const double r = PG_GETARG_FLOAT8(1);
        call_core([&] { state->remove(r); });
    }
    PG_RETURN_POINTER(state);
}

PGP_FIXED_STATE_PARALLEL_FUNCTIONS(growth, GrowthState)

// twr = prod(1 + r) - 1; NULL for an empty set.
PGP_FUNCTION(pgp_twr_final) {
    const auto* state = pgp::pg::state_or_null<GrowthState>(fcinfo);
    if (state == nullptr || state->n == 0) PG_RETURN_NULL();
    PG_RETURN_FLOAT8(state->compounded_return());
}
