// Small helpers shared by the moment-family glue (moments, pair_moments,
// return_summary).
#pragma once

#include <optional>

#include "pg/aggregate_support.hpp"

namespace pgp::pg {

// The transition state: the existing one without further checks (the per-row hot path), or a new
// one allocated in the aggregate context (which checks we are called as an aggregate).
template <typename State>
State* state_or_new(FunctionCallInfo fcinfo, const char* function_name) {
    if (!PG_ARGISNULL(0)) return reinterpret_cast<State*>(PG_GETARG_POINTER(0));
    return state_arg_or_new<State>(fcinfo, 0, function_name);
}

// A row with any NULL argument (after the state) is skipped.
inline bool any_argument_null(FunctionCallInfo fcinfo) {
    for (int i = 1; i < PG_NARGS(); ++i)
        if (PG_ARGISNULL(i)) return true;
    return false;
}

inline Datum optional_float8(FunctionCallInfo fcinfo, std::optional<double> v) {
    if (!v) PG_RETURN_NULL();
    PG_RETURN_FLOAT8(*v);
}

// A float8 final function: NULL while no row was accepted, else what `result` computes from the
// state (a std::optional<double>, NULL where undefined). `result` may call call_core itself.
template <typename State, typename Result>
Datum float8_final(FunctionCallInfo fcinfo, Result&& result) {
    const State* state = state_or_null<State>(fcinfo);
    if (state == nullptr) PG_RETURN_NULL();
    return optional_float8(fcinfo, result(*state));
}

}  // namespace pgp::pg
