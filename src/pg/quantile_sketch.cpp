// Glue for the sketch family (src/sql/26_quantile_sketch.sql): var_historical_approx /
// cvar_historical_approx over a fixed 32 KiB relative-accuracy sketch, and the storable sketch,
// type portfolio.quantile_sketch, with its rollup and accessors.
#include <cstring>

#include "pg/aggregate_support.hpp"
#include "pg/binary_io.hpp"
#include "pg/confidence_checks.hpp"
#include "pg/sql_function.hpp"
#include "core/quantile_sketch.hpp"

using pgp::core::QuantileSketch;
using pgp::pg::call_core;
using pgp::pg::fix_confidence;
using pgp::pg::kDefaultConfidence;

namespace {

// The storable sketch's varlena body is the sketch's versioned little-endian encoding (the same
// bytes as the parallel-state serialization, with the confidence field 0: a stored sketch answers
// any level).
bytea* sketch_to_varlena(const QuantileSketch& sketch) {
    const size_t size = sketch.encoded_size();
    bytea* out = static_cast<bytea*>(palloc(VARHDRSZ + size));
    SET_VARSIZE(out, VARHDRSZ + size);
    auto* bytes = reinterpret_cast<uint8_t*>(VARDATA(out));
    call_core([&] {
        pgp::core::ByteWriter w(bytes, size);
        sketch.encode(w);
    });
    return out;
}

// Decodes into a new zeroed sketch in the current memory context (or `into` when given).
QuantileSketch* sketch_from_varlena(const bytea* in, QuantileSketch* into = nullptr) {
    const auto* bytes = reinterpret_cast<const uint8_t*>(VARDATA_ANY(in));
    const size_t size = VARSIZE_ANY_EXHDR(in);
    QuantileSketch* sketch =
        into != nullptr ? into : static_cast<QuantileSketch*>(palloc0(sizeof(QuantileSketch)));
    call_core([&] {
        pgp::core::ByteReader r(bytes, size);
        QuantileSketch::decode(r, *sketch);
        r.expect_end("quantile sketch");
    });
    return sketch;
}

Datum sketch_trans(FunctionCallInfo fcinfo, double confidence) {
    MemoryContext context = pgp::pg::aggregate_context(fcinfo, "var_historical_approx");
    QuantileSketch* state =
        PG_ARGISNULL(0) ? nullptr : reinterpret_cast<QuantileSketch*>(PG_GETARG_POINTER(0));
    if (PG_ARGISNULL(1) || (PG_NARGS() > 2 && PG_ARGISNULL(2))) {
        if (state == nullptr) PG_RETURN_NULL();
        PG_RETURN_POINTER(state);
    }
    const double r = PG_GETARG_FLOAT8(1);
    if (state == nullptr) {
        call_core([&] { pgp::core::check_confidence(confidence); });
        state =
            static_cast<QuantileSketch*>(MemoryContextAllocZero(context, sizeof(QuantileSketch)));
        state->confidence = confidence;
    } else if (state->confidence != confidence) {
        int64_t has = 1;
        fix_confidence(state->confidence, has, confidence);  // raises the mismatch error
    }
    if (!state->try_add(r)) call_core([&] { state->add(r); });  // raises the error
    PG_RETURN_POINTER(state);
}
}  // namespace

// --- approximate (sketch) ------------------------------------------------------------------------
PGP_FUNCTION(pgp_var_approx_trans) {
    return sketch_trans(fcinfo, PG_ARGISNULL(2) ? 0.0 : PG_GETARG_FLOAT8(2));
}
PGP_FUNCTION(pgp_var_approx_trans_default) { return sketch_trans(fcinfo, kDefaultConfidence); }
PGP_FUNCTION(pgp_var_approx_combine) {
    return pgp::pg::combine_fixed_states<QuantileSketch>(fcinfo, "var_historical_approx combine");
}
// The parallel state's bytes are the stored sketch's encoding (with its confidence field).
PGP_FUNCTION(pgp_var_approx_serialize) {
    const auto* state = reinterpret_cast<const QuantileSketch*>(PG_GETARG_POINTER(0));
    PG_RETURN_BYTEA_P(sketch_to_varlena(*state));
}
PGP_FUNCTION(pgp_var_approx_deserialize) {
    MemoryContext context = pgp::pg::aggregate_context(fcinfo, "var_historical_approx deserialize");
    const bytea* in = PG_GETARG_BYTEA_PP(0);
    auto* state =
        static_cast<QuantileSketch*>(MemoryContextAllocZero(context, sizeof(QuantileSketch)));
    PG_RETURN_POINTER(sketch_from_varlena(in, state));
}

namespace {
using SketchLevel = double (QuantileSketch::*)(double) const;

// var or cvar of a sketch at a confidence level; an empty sketch gives NULL (undefined, like an
// aggregate over no rows).
Datum sketch_at(FunctionCallInfo fcinfo, const QuantileSketch* sketch, SketchLevel level,
                double confidence) {
    if (sketch == nullptr || sketch->count == 0) PG_RETURN_NULL();
    PG_RETURN_FLOAT8(call_core([&] { return (sketch->*level)(confidence); }));
}

// The approximate aggregates end here, at the confidence their rows gave.
Datum approx_final(FunctionCallInfo fcinfo, SketchLevel level) {
    const QuantileSketch* state = pgp::pg::state_or_null<QuantileSketch>(fcinfo);
    return sketch_at(fcinfo, state, level, state == nullptr ? 0.0 : state->confidence);
}
}  // namespace

PGP_FUNCTION(pgp_var_approx_final) { return approx_final(fcinfo, &QuantileSketch::var); }
PGP_FUNCTION(pgp_cvar_approx_final) { return approx_final(fcinfo, &QuantileSketch::cvar); }

// --- the storable sketch: type portfolio.quantile_sketch -----------------------------------------
PGP_FUNCTION(pgp_quantile_sketch_in) {
    const char* text = PG_GETARG_CSTRING(0);
    auto* sketch = static_cast<QuantileSketch*>(palloc0(sizeof(QuantileSketch)));
    call_core([&] { QuantileSketch::read_text(text, *sketch); });
    PG_RETURN_BYTEA_P(sketch_to_varlena(*sketch));
}

PGP_FUNCTION(pgp_quantile_sketch_out) {
    const QuantileSketch* sketch = sketch_from_varlena(PG_GETARG_BYTEA_PP(0));
    char* text = static_cast<char*>(palloc(QuantileSketch::max_text_size()));
    call_core([&] { return sketch->write_text(text, QuantileSketch::max_text_size()); });
    PG_RETURN_CSTRING(text);
}

PGP_FUNCTION(pgp_quantile_sketch_recv) {
    bytea* out = pgp::pg::received_bytea(fcinfo);
    sketch_from_varlena(out);  // validates: version, runs, counts
    PG_RETURN_BYTEA_P(out);
}

PGP_FUNCTION(pgp_quantile_sketch_send) {
    const bytea* in = PG_GETARG_BYTEA_PP(0);
    const size_t size = VARSIZE_ANY_EXHDR(in);
    bytea* out = static_cast<bytea*>(palloc(VARHDRSZ + size));
    SET_VARSIZE(out, VARHDRSZ + size);
    std::memcpy(VARDATA(out), VARDATA_ANY(in), size);
    PG_RETURN_BYTEA_P(out);
}

// quantile_sketch(r) and rollup(quantile_sketch) end here: the state as a stored sketch.
PGP_FUNCTION(pgp_quantile_sketch_final) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    const auto* state = reinterpret_cast<const QuantileSketch*>(PG_GETARG_POINTER(0));
    if (state->count == 0) PG_RETURN_NULL();
    auto* copy = static_cast<QuantileSketch*>(palloc(sizeof(QuantileSketch)));
    *copy = *state;
    copy->confidence = 0.0;
    PG_RETURN_BYTEA_P(sketch_to_varlena(*copy));
}

PGP_FUNCTION(pgp_sketch_rollup_trans) {
    MemoryContext context = pgp::pg::aggregate_context(fcinfo, "rollup(quantile_sketch)");
    QuantileSketch* state =
        PG_ARGISNULL(0) ? nullptr : reinterpret_cast<QuantileSketch*>(PG_GETARG_POINTER(0));
    if (PG_ARGISNULL(1)) {
        if (state == nullptr) PG_RETURN_NULL();
        PG_RETURN_POINTER(state);
    }
    if (state == nullptr)
        state =
            static_cast<QuantileSketch*>(MemoryContextAllocZero(context, sizeof(QuantileSketch)));
    const QuantileSketch* next = sketch_from_varlena(PG_GETARG_BYTEA_PP(1));
    call_core([&] { state->merge(*next); });
    pfree(const_cast<QuantileSketch*>(next));
    PG_RETURN_POINTER(state);
}

// var(sketch, confidence) and cvar(...) of a stored sketch (an empty one can be typed in)
PGP_FUNCTION(pgp_sketch_var) {
    return sketch_at(fcinfo, sketch_from_varlena(PG_GETARG_BYTEA_PP(0)), &QuantileSketch::var,
                     PG_GETARG_FLOAT8(1));
}
PGP_FUNCTION(pgp_sketch_cvar) {
    return sketch_at(fcinfo, sketch_from_varlena(PG_GETARG_BYTEA_PP(0)), &QuantileSketch::cvar,
                     PG_GETARG_FLOAT8(1));
}

PGP_FUNCTION(pgp_sketch_quantile) {
    const QuantileSketch* sketch = sketch_from_varlena(PG_GETARG_BYTEA_PP(0));
    const double p = PG_GETARG_FLOAT8(1);
    if (!(p >= 0.0 && p <= 1.0))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("quantile probability must be between 0 and 1, got %g", p)));
    if (sketch->count == 0) PG_RETURN_NULL();
    PG_RETURN_FLOAT8(call_core([&] { return sketch->quantile(p); }));
}

PGP_FUNCTION(pgp_sketch_count) {
    const QuantileSketch* sketch = sketch_from_varlena(PG_GETARG_BYTEA_PP(0));
    PG_RETURN_INT64(static_cast<int64>(sketch->count));
}
