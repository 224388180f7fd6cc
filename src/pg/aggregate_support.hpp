// Helpers shared by every aggregate's glue: finding the aggregate memory context, allocating a
// flat state in it, and moving states to and from bytea for parallel workers.
#pragma once

#include <cstdint>
#include <new>
#include <type_traits>

#include "pg/boundary.hpp"
#include "pg/sql_function.hpp"
#include "core/byte_codec.hpp"

namespace pgp::pg {

// The memory context aggregate states live in; an ERROR when called outside an aggregate.
inline MemoryContext aggregate_context(FunctionCallInfo fcinfo, const char* function_name) {
    MemoryContext context = nullptr;
    if (!AggCheckCallContext(fcinfo, &context))
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("%s called in non-aggregate context", function_name)));
    return context;
}

// The state unchanged (NULL while no row was accepted): what a skipped row returns.
inline Datum unchanged_state(FunctionCallInfo fcinfo) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    PG_RETURN_POINTER(PG_GETARG_POINTER(0));
}

// The flat state in argument 0 of a final function, or nullptr while no row was accepted.
template <typename State>
const State* state_or_null(FunctionCallInfo fcinfo) {
    if (PG_ARGISNULL(0)) return nullptr;
    return reinterpret_cast<const State*>(PG_GETARG_POINTER(0));
}

// The state in argument argno, or a new zero-initialised one in the aggregate context.
// States are flat structs: nothing in them needs a destructor, so PostgreSQL may free the context.
template <typename State>
State* state_arg_or_new(FunctionCallInfo fcinfo, int argno, const char* function_name) {
    static_assert(std::is_trivially_copyable_v<State> && std::is_trivially_destructible_v<State>,
                  "aggregate states must be flat");
    MemoryContext context = aggregate_context(fcinfo, function_name);
    if (!PG_ARGISNULL(argno)) return reinterpret_cast<State*>(PG_GETARG_POINTER(argno));
    void* memory = MemoryContextAllocZero(context, sizeof(State));
    return new (memory) State();
}

// Serializes a fixed-size state through its encode(): kEncodedSize bytes, version byte first.
template <typename State>
bytea* serialize_fixed_state(const State& state) {
    bytea* out = static_cast<bytea*>(palloc(VARHDRSZ + State::kEncodedSize));
    SET_VARSIZE(out, VARHDRSZ + State::kEncodedSize);
    auto* bytes = reinterpret_cast<uint8_t*>(VARDATA(out));
    call_core([&] {
        core::ByteWriter writer(bytes, State::kEncodedSize);
        state.encode(writer);
    });
    return out;
}

// The inverse of serialize_fixed_state, into a new state in the aggregate context.
template <typename State>
State* deserialize_fixed_state(FunctionCallInfo fcinfo, const char* function_name) {
    MemoryContext context = aggregate_context(fcinfo, function_name);
    bytea* in = PG_GETARG_BYTEA_PP(0);
    const auto* bytes = reinterpret_cast<const uint8_t*>(VARDATA_ANY(in));
    const size_t size = VARSIZE_ANY_EXHDR(in);
    State* state = static_cast<State*>(MemoryContextAllocZero(context, sizeof(State)));
    *state = call_core([&] {
        core::ByteReader reader(bytes, size);
        State decoded = State::decode(reader);
        reader.expect_end(function_name);
        return decoded;
    });
    return state;
}

// Combine for states with a merge(): either side may be NULL (an empty partial aggregate).
template <typename State>
Datum combine_fixed_states(FunctionCallInfo fcinfo, const char* function_name) {
    MemoryContext context = aggregate_context(fcinfo, function_name);
    if (PG_ARGISNULL(1)) {
        if (PG_ARGISNULL(0)) PG_RETURN_NULL();
        PG_RETURN_POINTER(PG_GETARG_POINTER(0));
    }
    State* right = reinterpret_cast<State*>(PG_GETARG_POINTER(1));
    if (PG_ARGISNULL(0)) {
        State* copy = static_cast<State*>(MemoryContextAlloc(context, sizeof(State)));
        *copy = *right;
        PG_RETURN_POINTER(copy);
    }
    State* left = reinterpret_cast<State*>(PG_GETARG_POINTER(0));
    call_core([&] { left->merge(*right); });
    PG_RETURN_POINTER(left);
}

}  // namespace pgp::pg

// Defines the three parallel-aggregate functions of a fixed-size state with encode/decode/merge:
// pgp_<name>_combine, pgp_<name>_serialize and pgp_<name>_deserialize. Their error messages name
// "<name>_combine" and "<name>_deserialize", as the SQL declarations' functions.
#define PGP_FIXED_STATE_PARALLEL_FUNCTIONS(name, State)                                           \
    PGP_FUNCTION(pgp_##name##_combine) {                                                          \
        return pgp::pg::combine_fixed_states<State>(fcinfo, #name "_combine");                    \
    }                                                                                             \
    PGP_FUNCTION(pgp_##name##_serialize) {                                                        \
        const auto* state = reinterpret_cast<const State*>(PG_GETARG_POINTER(0));                 \
        PG_RETURN_BYTEA_P(pgp::pg::serialize_fixed_state(*state));                                \
    }                                                                                             \
    PGP_FUNCTION(pgp_##name##_deserialize) {                                                      \
        PG_RETURN_POINTER(pgp::pg::deserialize_fixed_state<State>(fcinfo, #name "_deserialize")); \
    }

// A moving-window aggregate of a fixed-size state whose rows go through one step(fcinfo, inverse):
// pgp_<name>_trans and pgp_<name>_inv, and the parallel functions above.
#define PGP_MOVING_FIXED_STATE_AGGREGATE(name, State, step)          \
    PGP_FUNCTION(pgp_##name##_trans) { return step(fcinfo, false); } \
    PGP_FUNCTION(pgp_##name##_inv) { return step(fcinfo, true); }    \
    PGP_FIXED_STATE_PARALLEL_FUNCTIONS(name, State)
