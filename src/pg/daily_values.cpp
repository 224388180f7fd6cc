// Glue for the day paths of the daily valuation kernel (src/core/daily_values.hpp) behind
// portfolio.valuation_blocks() (the day values are ledger_days_agg's, src/pg/ledger_days.cpp):
//   day_path_agg(first_day, last_day, day, value ORDER BY day) -> bytea   a close or FX path
// The state is a flat block in the aggregate memory context, allocated once per group for the
// group's window (first_day and last_day are the same on every row of a group).
#include "pg/aggregate_support.hpp"
#include "pg/decimal_numeric.hpp"
#include "pg/sql_function.hpp"
#include "pg/window_args.hpp"
#include "core/daily_values.hpp"

namespace core = pgp::core;
using pgp::pg::call_core;
using pgp::pg::Window;
using pgp::pg::window_args;

namespace {

// A copy of a block as a bytea in the current (output) memory context.
Datum bytea_of(const uint8_t* bytes, size_t size) {
    bytea* out = static_cast<bytea*>(palloc(VARHDRSZ + size));
    SET_VARSIZE(out, VARHDRSZ + size);
    memcpy(VARDATA(out), bytes, size);
    return PointerGetDatum(out);
}

}  // namespace

// day_path_agg(first_day date, last_day date, day date, value numeric): non-strict; a NULL value
// is a day without one (a stale FX rate), a NULL day is skipped.
namespace {
constexpr const char* kDayPathAgg = "day_path_agg";

// The first row's state: an empty path over the group's window, in the aggregate context.
core::DayPathBuilder* new_day_path(FunctionCallInfo fcinfo, MemoryContext context) {
    const Window w = window_args(fcinfo, kDayPathAgg);
    void* block =
        MemoryContextAlloc(context, sizeof(core::DayPathBuilder) + core::day_path_size(w.days));
    return call_core([&] { return core::day_path_start(block, w.first, w.last); });
}
}  // namespace

PGP_FUNCTION(pgp_day_path_trans) {
    MemoryContext context = pgp::pg::aggregate_context(fcinfo, kDayPathAgg);
    core::DayPathBuilder* builder =
        PG_ARGISNULL(0) ? new_day_path(fcinfo, context)
                        : reinterpret_cast<core::DayPathBuilder*>(PG_GETARG_POINTER(0));
    if (PG_ARGISNULL(3)) PG_RETURN_POINTER(builder);
    const int32_t day = PG_GETARG_DATEADT(3);
    const bool has_value = !PG_ARGISNULL(4);
    const core::Decimal value =
        has_value ? pgp::pg::decimal_from_numeric(PG_GETARG_DATUM(4)) : core::Decimal();
    call_core([&] { core::day_path_add(*builder, day, has_value ? &value : nullptr); });
    PG_RETURN_POINTER(builder);
}

PGP_FUNCTION(pgp_day_path_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    auto* builder = reinterpret_cast<core::DayPathBuilder*>(PG_GETARG_POINTER(0));
    const uint8_t* bytes = call_core([&] { return core::day_path_finish(*builder); });
    return bytea_of(bytes, core::day_path_size(builder->days));
}
