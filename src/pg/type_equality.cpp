// = and hash of the stored types (return_summary, pair_summary, quantile_sketch, position), for
// their hash operator classes: DISTINCT, UNION, GROUP BY and hash joins on them.
//
// Equality is on the canonical encoding (core/canonical.hpp: -0 = 0, NaN = NaN, the compensated
// sum renormalised, a sketch's confidence field ignored); the hash is hash_any of the same bytes,
// so equal values hash alike. A value that does not decode is compared (and hashed) by its raw
// bytes instead of raising: these functions raise nothing that depends on their arguments
// (LEAKPROOF). Detoasting and palloc can still fail for lack of memory, as in texteq.
#include <cstring>

#include "pg/postgres_headers.hpp"
#include "pg/sql_function.hpp"
#include "core/canonical.hpp"

namespace {

struct Bytes {
    const uint8_t* data;
    size_t size;
};

Bytes raw_bytes(struct varlena* v) {
    return Bytes{reinterpret_cast<const uint8_t*>(VARDATA_ANY(v)), VARSIZE_ANY_EXHDR(v)};
}

bool same(Bytes a, Bytes b) {
    return a.size == b.size && (a.size == 0 || std::memcmp(a.data, b.data, a.size) == 0);
}

Datum hash_bytes(Bytes b) { return hash_any(b.data, static_cast<int>(b.size)); }

// Canonical bytes of a fixed-size summary in `buffer`, else the raw bytes.
template <size_t N, bool (*Canonical)(const uint8_t*, size_t, uint8_t (&)[N]) noexcept>
Bytes fixed_canonical(struct varlena* v, uint8_t (&buffer)[N]) {
    const Bytes raw = raw_bytes(v);
    if (Canonical(raw.data, raw.size, buffer)) return Bytes{buffer, N};
    return raw;
}

Bytes return_summary_bytes(Datum d, uint8_t (&buffer)[pgp::core::ReturnSummary::kEncodedSize]) {
    return fixed_canonical<pgp::core::ReturnSummary::kEncodedSize,
                           &pgp::core::canonical_return_summary>(PG_DETOAST_DATUM_PACKED(d),
                                                                 buffer);
}
Bytes pair_summary_bytes(Datum d, uint8_t (&buffer)[pgp::core::PairSummary::kEncodedSize]) {
    return fixed_canonical<pgp::core::PairSummary::kEncodedSize,
                           &pgp::core::canonical_pair_summary>(PG_DETOAST_DATUM_PACKED(d), buffer);
}

// A sketch's canonical bytes in palloc'd memory (scratch is the caller's 32 KiB sketch).
Bytes sketch_bytes(Datum d, pgp::core::QuantileSketch* scratch) {
    const Bytes raw = raw_bytes(PG_DETOAST_DATUM_PACKED(d));
    auto* out = static_cast<uint8_t*>(palloc(raw.size > 0 ? raw.size : 1));
    size_t written = 0;
    if (pgp::core::canonical_quantile_sketch(raw.data, raw.size, *scratch, out, raw.size, written))
        return Bytes{out, written};
    return raw;
}

pgp::core::QuantileSketch* new_scratch() {
    return static_cast<pgp::core::QuantileSketch*>(palloc(sizeof(pgp::core::QuantileSketch)));
}

}  // namespace

// --- return_summary ------------------------------------------------------------------------------
PGP_FUNCTION(pgp_return_summary_eq) {
    uint8_t a[pgp::core::ReturnSummary::kEncodedSize], b[pgp::core::ReturnSummary::kEncodedSize];
    PG_RETURN_BOOL(same(return_summary_bytes(PG_GETARG_DATUM(0), a),
                        return_summary_bytes(PG_GETARG_DATUM(1), b)));
}
PGP_FUNCTION(pgp_return_summary_ne) {
    uint8_t a[pgp::core::ReturnSummary::kEncodedSize], b[pgp::core::ReturnSummary::kEncodedSize];
    PG_RETURN_BOOL(!same(return_summary_bytes(PG_GETARG_DATUM(0), a),
                         return_summary_bytes(PG_GETARG_DATUM(1), b)));
}
PGP_FUNCTION(pgp_return_summary_hash) {
    uint8_t a[pgp::core::ReturnSummary::kEncodedSize];
    return hash_bytes(return_summary_bytes(PG_GETARG_DATUM(0), a));
}

// --- pair_summary --------------------------------------------------------------------------------
PGP_FUNCTION(pgp_pair_summary_eq) {
    uint8_t a[pgp::core::PairSummary::kEncodedSize], b[pgp::core::PairSummary::kEncodedSize];
    PG_RETURN_BOOL(
        same(pair_summary_bytes(PG_GETARG_DATUM(0), a), pair_summary_bytes(PG_GETARG_DATUM(1), b)));
}
PGP_FUNCTION(pgp_pair_summary_ne) {
    uint8_t a[pgp::core::PairSummary::kEncodedSize], b[pgp::core::PairSummary::kEncodedSize];
    PG_RETURN_BOOL(!same(pair_summary_bytes(PG_GETARG_DATUM(0), a),
                         pair_summary_bytes(PG_GETARG_DATUM(1), b)));
}
PGP_FUNCTION(pgp_pair_summary_hash) {
    uint8_t a[pgp::core::PairSummary::kEncodedSize];
    return hash_bytes(pair_summary_bytes(PG_GETARG_DATUM(0), a));
}

// --- quantile_sketch -----------------------------------------------------------------------------
PGP_FUNCTION(pgp_quantile_sketch_eq) {
    pgp::core::QuantileSketch* scratch = new_scratch();
    const Bytes a = sketch_bytes(PG_GETARG_DATUM(0), scratch);
    const Bytes b = sketch_bytes(PG_GETARG_DATUM(1), scratch);
    const bool equal = same(a, b);
    pfree(scratch);
    PG_RETURN_BOOL(equal);
}
PGP_FUNCTION(pgp_quantile_sketch_ne) {
    pgp::core::QuantileSketch* scratch = new_scratch();
    const Bytes a = sketch_bytes(PG_GETARG_DATUM(0), scratch);
    const Bytes b = sketch_bytes(PG_GETARG_DATUM(1), scratch);
    const bool equal = same(a, b);
    pfree(scratch);
    PG_RETURN_BOOL(!equal);
}
PGP_FUNCTION(pgp_quantile_sketch_hash) {
    pgp::core::QuantileSketch* scratch = new_scratch();
    const Datum h = hash_bytes(sketch_bytes(PG_GETARG_DATUM(0), scratch));
    pfree(scratch);
    return h;
}

// --- position: exact, canonical as stored ------------------------------------------------------
PGP_FUNCTION(pgp_position_eq) {
    PG_RETURN_BOOL(same(raw_bytes(PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0))),
                        raw_bytes(PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(1)))));
}
PGP_FUNCTION(pgp_position_ne) {
    PG_RETURN_BOOL(!same(raw_bytes(PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0))),
                         raw_bytes(PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(1)))));
}
PGP_FUNCTION(pgp_position_hash) {
    return hash_bytes(raw_bytes(PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0))));
}
