// = and hash of the stored types (return_summary, pair_summary, quantile_sketch, position), for
// their hash operator classes: DISTINCT, UNION, GROUP BY and hash joins on them.
//
// Equality is on the canonical encoding (core/canonical.hpp: -0 = 0, NaN = NaN, the compensated
// sum renormalised, a sketch's confidence field ignored); the hash is hash_any of the same bytes,
// so equal values hash alike. A value that does not decode is compared (and hashed) by its raw
// bytes instead of raising: these functions raise nothing that depends on their arguments
// (LEAKPROOF). Detoasting and palloc can still fail for lack of memory, as in texteq.
#include <cstring>
#include <type_traits>

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

// How each type's values become the bytes compared and hashed: canon.bytes(datum, side), side 0
// for the left argument and 1 for the right. The canons live on the stack across detoasting and
// palloc, which can raise, so they are trivially destructible and free their memory in release().

// A fixed-size summary: its canonical bytes in a stack buffer per side, else the raw bytes.
template <typename Summary,
          bool (*Canonical)(const uint8_t*, size_t, uint8_t (&)[Summary::kEncodedSize]) noexcept>
struct FixedCanon {
    uint8_t buffers[2][Summary::kEncodedSize];
    Bytes bytes(Datum d, int side) {
        const Bytes raw = raw_bytes(PG_DETOAST_DATUM_PACKED(d));
        if (Canonical(raw.data, raw.size, buffers[side]))
            return Bytes{buffers[side], sizeof buffers[side]};
        return raw;
    }
    void release() {}
};
using ReturnSummaryCanon =
    FixedCanon<pgp::core::ReturnSummary, &pgp::core::canonical_return_summary>;
using PairSummaryCanon = FixedCanon<pgp::core::PairSummary, &pgp::core::canonical_pair_summary>;

// A sketch: its canonical bytes in palloc'd memory, decoded through one 32 KiB scratch sketch.
struct SketchCanon {
    pgp::core::QuantileSketch* scratch =
        static_cast<pgp::core::QuantileSketch*>(palloc(sizeof(pgp::core::QuantileSketch)));
    Bytes bytes(Datum d, int /*side*/) {
        const Bytes raw = raw_bytes(PG_DETOAST_DATUM_PACKED(d));
        auto* out = static_cast<uint8_t*>(palloc(raw.size > 0 ? raw.size : 1));
        size_t written = 0;
        if (pgp::core::canonical_quantile_sketch(raw.data, raw.size, *scratch, out, raw.size,
                                                 written))
            return Bytes{out, written};
        return raw;
    }
    void release() { pfree(scratch); }
};

// A position: canonical as stored, so its raw bytes.
struct RawCanon {
    Bytes bytes(Datum d, int /*side*/) { return raw_bytes(PG_DETOAST_DATUM_PACKED(d)); }
    void release() {}
};

template <typename Canon>
bool arguments_equal(FunctionCallInfo fcinfo) {
    static_assert(std::is_trivially_destructible_v<Canon>, "a canon must not need a destructor");
    Canon canon;
    const Bytes a = canon.bytes(PG_GETARG_DATUM(0), 0);
    const Bytes b = canon.bytes(PG_GETARG_DATUM(1), 1);
    const bool equal = same(a, b);
    canon.release();
    return equal;
}

template <typename Canon>
Datum argument_hash(FunctionCallInfo fcinfo) {
    Canon canon;
    const Datum h = hash_bytes(canon.bytes(PG_GETARG_DATUM(0), 0));
    canon.release();
    return h;
}

}  // namespace

// pgp_<type>_eq, pgp_<type>_ne and pgp_<type>_hash of one stored type, through its canon.
#define PGP_EQUALITY_FUNCTIONS(type, Canon)                                            \
    PGP_FUNCTION(pgp_##type##_eq) { PG_RETURN_BOOL(arguments_equal<Canon>(fcinfo)); }  \
    PGP_FUNCTION(pgp_##type##_ne) { PG_RETURN_BOOL(!arguments_equal<Canon>(fcinfo)); } \
    PGP_FUNCTION(pgp_##type##_hash) { return argument_hash<Canon>(fcinfo); }

PGP_EQUALITY_FUNCTIONS(return_summary, ReturnSummaryCanon)
PGP_EQUALITY_FUNCTIONS(pair_summary, PairSummaryCanon)
PGP_EQUALITY_FUNCTIONS(quantile_sketch, SketchCanon)
PGP_EQUALITY_FUNCTIONS(position, RawCanon)
