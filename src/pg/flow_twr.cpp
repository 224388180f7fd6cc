// Glue for twr(market_value, net_flow ORDER BY t) (src/sql/24_flow_twr.sql): the time-weighted
// return of valued periods with external flows. No combine function on purpose: the result
// depends on row order, so PostgreSQL must never split a group into partial aggregates.
#include "pg/aggregate_support.hpp"
#include "pg/sql_function.hpp"
#include "core/flow_twr.hpp"

using pgp::core::FlowTwrState;
using pgp::pg::call_core;

PGP_FUNCTION(pgp_flow_twr_trans) {
    if (PG_ARGISNULL(1) || PG_ARGISNULL(2)) {
        if (PG_ARGISNULL(0)) PG_RETURN_NULL();
        PG_RETURN_POINTER(PG_GETARG_POINTER(0));
    }
    FlowTwrState* state = pgp::pg::state_arg_or_new<FlowTwrState>(fcinfo, 0, "flow_twr_trans");
    const double value = PG_GETARG_FLOAT8(1);
    const double flow = PG_GETARG_FLOAT8(2);
    call_core([&] { state->add(value, flow); });
    PG_RETURN_POINTER(state);
}

PGP_FUNCTION(pgp_flow_twr_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    const auto* state = reinterpret_cast<const FlowTwrState*>(PG_GETARG_POINTER(0));
    double out = 0.0;
    if (!state->result(&out)) PG_RETURN_NULL();
    PG_RETURN_FLOAT8(out);
}
