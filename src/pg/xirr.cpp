// Glue for xirr(amount, at date | timestamptz): every flow in a flat growable buffer (16 bytes a
// flow). Not combinable since 0.2 (src/sql/23_xirr.sql says why); the combine/serialize/
// deserialize entry points stay because the frozen 0.1 install script declares them.
#include <cmath>

#include "pg/buffer_state.hpp"
#include "pg/sql_function.hpp"
#include "core/xirr.hpp"

extern "C" {}

namespace core = pgp::core;
using pgp::pg::call_core;
using Flows = pgp::pg::FlatBuffer<core::CashFlow>;

namespace {
constexpr const char* kWhat = "xirr";

Datum xirr_add(FunctionCallInfo fcinfo, double days) {
    MemoryContext context = pgp::pg::aggregate_context(fcinfo, kWhat);
    const double amount = PG_GETARG_FLOAT8(1);
    if (!std::isfinite(amount)) call_core([&] { core::check_cash_flow(amount, days); });
    pgp::pg::BufferHeader* state = Flows::state_or_create(fcinfo, context, 16, kWhat);
    state = Flows::append(state, core::CashFlow{amount, days}, kWhat);
    PG_RETURN_POINTER(state);
}

bool skip_row(FunctionCallInfo fcinfo) { return PG_ARGISNULL(1) || PG_ARGISNULL(2); }
}  // namespace

PGP_FUNCTION(pgp_xirr_date_trans) {
    if (skip_row(fcinfo)) return pgp::pg::unchanged_state(fcinfo);
    const DateADT day = PG_GETARG_DATEADT(2);
    if (DATE_NOT_FINITE(day))
        ereport(ERROR, (errcode(ERRCODE_DATA_EXCEPTION), errmsg("cash flow date must be finite")));
    return xirr_add(fcinfo, static_cast<double>(day));
}

PGP_FUNCTION(pgp_xirr_timestamptz_trans) {
    if (skip_row(fcinfo)) return pgp::pg::unchanged_state(fcinfo);
    const TimestampTz at = PG_GETARG_TIMESTAMPTZ(2);
    if (TIMESTAMP_NOT_FINITE(at))
        ereport(ERROR, (errcode(ERRCODE_DATA_EXCEPTION), errmsg("cash flow time must be finite")));
    return xirr_add(fcinfo, static_cast<double>(at) / static_cast<double>(USECS_PER_DAY));
}

// 0.1's combine/serialize/deserialize (not declared by 0.2).
PGP_BUFFER_PARALLEL_FUNCTIONS(xirr, Flows)

PGP_FUNCTION(pgp_xirr_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    const auto* state = reinterpret_cast<const pgp::pg::BufferHeader*>(PG_GETARG_POINTER(0));
    double rate = 0.0;
    const bool found = call_core([&] {
        return core::xirr(Flows::elements(state), static_cast<size_t>(state->count), &rate);
    });
    if (!found) PG_RETURN_NULL();
    PG_RETURN_FLOAT8(rate);
}
