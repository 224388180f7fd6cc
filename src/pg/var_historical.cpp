// Glue for the historical VaR family (src/sql/20_var_historical.sql).
//   var_historical / cvar_historical: every value in a flat growable buffer (8 bytes a row),
//     exact type-7 quantile by nth_element in the final function. Not combinable since 0.2
//     (src/sql/20_var_historical.sql says why); the combine/serialize/deserialize entry points
//     stay because the frozen 0.1 install script declares them (CREATE FUNCTION checks the symbol).
// The sketch-based var_historical_approx lives with the sketch, in quantile_sketch.cpp.
#include <cstring>
#include <optional>

#include "pg/buffer_state.hpp"
#include "pg/confidence_checks.hpp"
#include "pg/sql_function.hpp"
#include "core/var_historical.hpp"

namespace core = pgp::core;
using pgp::pg::call_core;
using Values = pgp::pg::FlatBuffer<double>;

namespace {
constexpr const char* kWhat = "var_historical";

Datum values_trans(FunctionCallInfo fcinfo, double confidence) {
    MemoryContext context = pgp::pg::aggregate_context(fcinfo, kWhat);
    // a row with a NULL is skipped
    if (PG_ARGISNULL(1) || (PG_NARGS() > 2 && PG_ARGISNULL(2)))
        return pgp::pg::unchanged_state(fcinfo);
    const double r = PG_GETARG_FLOAT8(1);
    pgp::pg::check_return(r);
    pgp::pg::BufferHeader* state = Values::state_or_create(fcinfo, context, 64, kWhat);
    pgp::pg::fix_confidence(state->parameter, state->has_parameter, confidence);
    state = Values::append(state, r, kWhat);
    PG_RETURN_POINTER(state);
}
}  // namespace

// --- exact ---------------------------------------------------------------------------------------
PGP_FUNCTION(pgp_var_historical_trans) {
    return values_trans(fcinfo, PG_ARGISNULL(2) ? 0.0 : PG_GETARG_FLOAT8(2));
}
PGP_FUNCTION(pgp_var_historical_trans_default) {
    return values_trans(fcinfo, pgp::pg::kDefaultConfidence);
}
// 0.1's combine/serialize/deserialize (not declared by 0.2).
PGP_BUFFER_PARALLEL_FUNCTIONS(var_historical, Values)

// The final functions reorder the buffer in place (nth_element): the multiset of values, which is
// all the state means, is unchanged, so later transitions and other final calls stay correct.
namespace {
// The var and cvar of a state, nullopt when no row was accepted.
std::optional<core::HistoricalTail> final_tail(FunctionCallInfo fcinfo) {
    if (PG_ARGISNULL(0)) return std::nullopt;
    auto* state = reinterpret_cast<pgp::pg::BufferHeader*>(PG_GETARG_POINTER(0));
    if (state->count == 0) return std::nullopt;
    return call_core([&] {
        return core::historical_tail(Values::elements(state), static_cast<size_t>(state->count),
                                     state->parameter);
    });
}
}  // namespace

PGP_FUNCTION(pgp_var_historical_final) {
    const auto tail = final_tail(fcinfo);
    if (!tail) PG_RETURN_NULL();
    PG_RETURN_FLOAT8(tail->var);
}
PGP_FUNCTION(pgp_cvar_historical_final) {
    const auto tail = final_tail(fcinfo);
    if (!tail) PG_RETURN_NULL();
    PG_RETURN_FLOAT8(tail->cvar);
}
