// Glue for the multi-asset aggregates over rows that are one period's vector of asset returns:
// covariance, correlation (co-moment state, combinable), var_monte_carlo and component_var (the
// same state plus the portfolio's weights and parameters, which must be equal in every row).
#include <cstring>

#include "pg/aggregate_support.hpp"
#include "pg/sql_function.hpp"
#include "core/comoments.hpp"
#include "core/monte_carlo.hpp"

extern "C" {}

using pgp::core::ComomentHeader;
using pgp::pg::call_core;

namespace {
constexpr double kDefaultConfidence = 0.95;
constexpr int64_t kDefaultHorizon = 1;
constexpr int64_t kDefaultSimulations = 10000;
constexpr int64_t kDefaultSeed = 42;

struct Vector {
    const double* data;
    int64_t length;
    bool has_null;
};

// A float8[] argument as a flat vector (detoasted into the per-row memory context).
Vector vector_arg(FunctionCallInfo fcinfo, int argno, const char* name) {
    ArrayType* a = PG_GETARG_ARRAYTYPE_P(argno);
    if (ARR_NDIM(a) != 1)
        ereport(ERROR,
                (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                 errmsg("%s must be a one-dimensional, non-empty float8 array (got %d dimensions)",
                        name, ARR_NDIM(a))));
    Vector v;
    v.data = reinterpret_cast<const double*>(ARR_DATA_PTR(a));
    v.length = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
    v.has_null = ARR_HASNULL(a);
    return v;
}

ComomentHeader* new_state(MemoryContext context, int64_t k) {
    const size_t bytes = call_core([&] { return pgp::core::comoment_bytes(k); });
    auto* h = static_cast<ComomentHeader*>(MemoryContextAllocZero(context, bytes));
    h->k = k;
    return h;
}

Datum return_state(FunctionCallInfo fcinfo) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    PG_RETURN_POINTER(PG_GETARG_POINTER(0));
}

// Adds the returns row (argument 1); rows with a NULL array or NULL element are skipped.
ComomentHeader* add_row(FunctionCallInfo fcinfo, ComomentHeader* state, const Vector& x) {
    MemoryContext context = pgp::pg::aggregate_context(fcinfo, "comoment_trans");
    if (state == nullptr) state = new_state(context, x.length);
    if (!pgp::core::vector_ok(*state, x.data, x.length))
        call_core([&] { pgp::core::check_vector(*state, x.data, x.length); });  // raises the error
    pgp::core::comoment_add(state, x.data);                                     // noexcept
    return state;
}

Datum float8_matrix(const double* values, const bool* defined, int64_t k) {
    const size_t count = static_cast<size_t>(k * k);
    Datum* elements = static_cast<Datum*>(palloc(sizeof(Datum) * count));
    bool* nulls = static_cast<bool*>(palloc(sizeof(bool) * count));
    for (size_t i = 0; i < count; ++i) {
        elements[i] = Float8GetDatum(values[i]);
        nulls[i] = defined != nullptr && !defined[i];
    }
    int dims[2] = {static_cast<int>(k), static_cast<int>(k)};
    int lbs[2] = {1, 1};
    PG_RETURN_ARRAYTYPE_P(construct_md_array(elements, nulls, 2, dims, lbs, FLOAT8OID, 8,
                                             FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}
}  // namespace

PGP_FUNCTION(pgp_comoment_trans) {
    if (PG_ARGISNULL(1)) return return_state(fcinfo);
    const Vector x = vector_arg(fcinfo, 1, "returns");
    if (x.has_null) return return_state(fcinfo);
    ComomentHeader* state =
        PG_ARGISNULL(0) ? nullptr : reinterpret_cast<ComomentHeader*>(PG_GETARG_POINTER(0));
    PG_RETURN_POINTER(add_row(fcinfo, state, x));
}

// (returns, weights [, confidence [, horizon_days [, simulations [, seed]]]]), defaults filled.
PGP_FUNCTION(pgp_portfolio_trans) {
    const int nargs = PG_NARGS();
    for (int i = 1; i < nargs; ++i)
        if (PG_ARGISNULL(i)) return return_state(fcinfo);
    const Vector x = vector_arg(fcinfo, 1, "returns");
    if (x.has_null) return return_state(fcinfo);
    const Vector w = vector_arg(fcinfo, 2, "weights");
    if (w.has_null)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("weights must not contain NULL")));
    pgp::core::PortfolioParameters p{kDefaultConfidence, kDefaultHorizon, kDefaultSimulations,
                                     kDefaultSeed};
    if (nargs > 3) p.confidence = PG_GETARG_FLOAT8(3);
    if (nargs > 4) p.horizon_days = PG_GETARG_INT32(4);
    if (nargs > 5) p.simulations = PG_GETARG_INT32(5);
    if (nargs > 6) p.seed = PG_GETARG_INT64(6);
    ComomentHeader* state =
        PG_ARGISNULL(0) ? nullptr : reinterpret_cast<ComomentHeader*>(PG_GETARG_POINTER(0));
    if (state == nullptr) {
        MemoryContext context = pgp::pg::aggregate_context(fcinfo, "portfolio_trans");
        state = new_state(context, x.length);
    }
    if (!pgp::core::portfolio_matches(state, w.data, w.length, p))
        call_core([&] { pgp::core::set_or_check_portfolio(state, w.data, w.length, p); });
    PG_RETURN_POINTER(add_row(fcinfo, state, x));
}

PGP_FUNCTION(pgp_comoment_combine) {
    MemoryContext context = pgp::pg::aggregate_context(fcinfo, "comoment_combine");
    if (PG_ARGISNULL(1)) return return_state(fcinfo);
    const auto* right = reinterpret_cast<const ComomentHeader*>(PG_GETARG_POINTER(1));
    if (PG_ARGISNULL(
            0)) {  // copy: the right state's memory may be reset with its partial aggregate
        const size_t bytes = call_core([&] { return pgp::core::comoment_bytes(right->k); });
        auto* copy = static_cast<ComomentHeader*>(MemoryContextAlloc(context, bytes));
        std::memcpy(copy, right, bytes);
        PG_RETURN_POINTER(copy);
    }
    auto* left = reinterpret_cast<ComomentHeader*>(PG_GETARG_POINTER(0));
    call_core([&] { pgp::core::comoment_merge(left, right); });
    PG_RETURN_POINTER(left);
}

PGP_FUNCTION(pgp_comoment_serialize) {
    const auto* state = reinterpret_cast<const ComomentHeader*>(PG_GETARG_POINTER(0));
    const size_t size = pgp::core::comoment_encoded_size(state);
    bytea* out = static_cast<bytea*>(palloc(VARHDRSZ + size));
    SET_VARSIZE(out, VARHDRSZ + size);
    auto* bytes = reinterpret_cast<uint8_t*>(VARDATA(out));
    call_core([&] {
        pgp::core::ByteWriter w(bytes, size);
        pgp::core::comoment_encode(state, w);
    });
    PG_RETURN_BYTEA_P(out);
}

PGP_FUNCTION(pgp_comoment_deserialize) {
    MemoryContext context = pgp::pg::aggregate_context(fcinfo, "comoment_deserialize");
    bytea* in = PG_GETARG_BYTEA_PP(0);
    const auto* bytes = reinterpret_cast<const uint8_t*>(VARDATA_ANY(in));
    const size_t size = VARSIZE_ANY_EXHDR(in);
    const ComomentHeader head = call_core([&] {
        pgp::core::ByteReader r(bytes, size);
        return pgp::core::comoment_decode_header(r);
    });
    const size_t bytes_needed = call_core([&] { return pgp::core::comoment_bytes(head.k); });
    auto* state = static_cast<ComomentHeader*>(MemoryContextAlloc(context, bytes_needed));
    *state = head;
    call_core([&] {
        pgp::core::ByteReader r(bytes, size);
        pgp::core::comoment_decode_header(r);
        pgp::core::comoment_decode_body(r, state);
        r.expect_end("covariance state");
    });
    PG_RETURN_POINTER(state);
}

namespace {
// The state of a final function when it holds at least min_rows rows; else nullptr (the result is
// NULL: too few rows for the statistic).
const ComomentHeader* state_with_rows(FunctionCallInfo fcinfo, int64_t min_rows) {
    const auto* state = pgp::pg::state_or_null<ComomentHeader>(fcinfo);
    return state != nullptr && state->n >= min_rows ? state : nullptr;
}

// Room for a k x k matrix of doubles (a covariance) in the current memory context.
double* new_matrix(const ComomentHeader* state) {
    return static_cast<double*>(palloc(sizeof(double) * static_cast<size_t>(state->k * state->k)));
}
}  // namespace

PGP_FUNCTION(pgp_covariance_final) {
    const ComomentHeader* state = state_with_rows(fcinfo, 2);
    if (state == nullptr) PG_RETURN_NULL();
    double* out = new_matrix(state);
    call_core([&] { pgp::core::covariance_matrix(state, 1, out); });
    return float8_matrix(out, nullptr, state->k);
}

PGP_FUNCTION(pgp_correlation_final) {
    const ComomentHeader* state = state_with_rows(fcinfo, 2);
    if (state == nullptr) PG_RETURN_NULL();
    const size_t count = static_cast<size_t>(state->k * state->k);
    double* out = static_cast<double*>(palloc(sizeof(double) * count));
    bool* defined = static_cast<bool*>(palloc(sizeof(bool) * count));
    call_core([&] { pgp::core::correlation_matrix(state, out, defined); });
    return float8_matrix(out, defined, state->k);
}

PGP_FUNCTION(pgp_var_monte_carlo_final) {
    const ComomentHeader* state = state_with_rows(fcinfo, 2);
    if (state == nullptr) PG_RETURN_NULL();
    double* covariance = new_matrix(state);
    const double var = call_core([&] {
        pgp::core::covariance_matrix(state, 1, covariance);
        pgp::core::MonteCarloInput in{state->k,           pgp::core::comoment_mean(state),
                                      covariance,         pgp::core::comoment_weights(state),
                                      state->confidence,  state->horizon_days,
                                      state->simulations, static_cast<uint64_t>(state->seed)};
        return pgp::core::monte_carlo_var(in, pgp::pg::postgres_interrupts());
    });
    PG_RETURN_FLOAT8(var);
}

PGP_FUNCTION(pgp_component_var_final) {
    const ComomentHeader* state = state_with_rows(fcinfo, 1);
    if (state == nullptr) PG_RETURN_NULL();
    const size_t k = static_cast<size_t>(state->k);
    double* covariance = new_matrix(state);
    double* out = static_cast<double*>(palloc(sizeof(double) * k));
    const bool defined = call_core([&] {
        pgp::core::covariance_matrix(state, 0, covariance);  // population, as var_gaussian
        return pgp::core::component_var(state->k, pgp::core::comoment_mean(state), covariance,
                                        pgp::core::comoment_weights(state), state->confidence, out);
    });
    if (!defined) PG_RETURN_NULL();
    Datum* elements = static_cast<Datum*>(palloc(sizeof(Datum) * k));
    for (size_t i = 0; i < k; ++i) elements[i] = Float8GetDatum(out[i]);
    PG_RETURN_ARRAYTYPE_P(construct_array(elements, static_cast<int>(k), FLOAT8OID, 8,
                                          FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}
