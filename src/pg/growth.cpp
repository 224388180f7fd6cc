// Glue for the compounded-growth aggregates: twr(r).
// State: core::GrowthState, flat, in the aggregate context; combine/serialize for parallel plans;
// an inverse transition for moving windows.
#include "pg/aggregate_support.hpp"
#include "pg/sql_function.hpp"
#include "core/growth.hpp"

using pgp::core::GrowthState;
using pgp::pg::call_core;

PGP_FUNCTION(pgp_growth_trans) {
    if (PG_ARGISNULL(1)) {  // NULL returns are skipped
        if (PG_ARGISNULL(0)) PG_RETURN_NULL();
        PG_RETURN_POINTER(PG_GETARG_POINTER(0));
    }
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

PGP_FUNCTION(pgp_growth_combine) {
    return pgp::pg::combine_fixed_states<GrowthState>(fcinfo, "growth_combine");
}

PGP_FUNCTION(pgp_growth_serialize) {
    const auto* state = reinterpret_cast<const GrowthState*>(PG_GETARG_POINTER(0));
    PG_RETURN_BYTEA_P(pgp::pg::serialize_fixed_state(*state));
}

PGP_FUNCTION(pgp_growth_deserialize) {
    PG_RETURN_POINTER(pgp::pg::deserialize_fixed_state<GrowthState>(fcinfo, "growth_deserialize"));
}

// twr = prod(1 + r) - 1; NULL for an empty set.
PGP_FUNCTION(pgp_twr_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    const auto* state = reinterpret_cast<const GrowthState*>(PG_GETARG_POINTER(0));
    if (state->n == 0) PG_RETURN_NULL();
    PG_RETURN_FLOAT8(state->compounded_return());
}
