#include "pg/decimal_numeric.hpp"

#include <cstring>

#include "pg/boundary.hpp"

namespace pgp::pg {

namespace {
struct DecimalText {
    char chars[64];
};

// A numeric's stored form (PostgreSQL's src/backend/utils/adt/numeric.c, the on-disk format
// pg_upgrade keeps): after the varlena header a uint16 header word, then, in the long form, an
// int16 weight, then base-10000 int16 digits. The header's two top bits: 10 the short form (sign,
// display scale and a 7-bit weight in the word), 11 NaN or an infinity, else the long form's
// sign (01 negative).
constexpr uint16_t kFormMask = 0xC000;
constexpr uint16_t kShortForm = 0x8000;
constexpr uint16_t kSpecial = 0xC000;
constexpr uint16_t kLongNegative = 0x4000;
constexpr uint16_t kShortNegative = 0x2000;
constexpr uint16_t kShortWeightSign = 0x0040;
constexpr uint16_t kShortWeightMask = 0x003F;
constexpr uint16_t kShortScaleMask = 0x1F80;  // the short form's display scale, bits 7-12
constexpr int kShortScaleShift = 7;
constexpr uint16_t kLongScaleMask = 0x3FFF;  // the long form's, under the sign bits

// The Decimal a stored numeric holds exactly, without printing it; false for whatever needs the
// text path (NaN, infinities, more than 12 decimals, too large), which gives the same rounding
// and errors as before. Reading the bytes in place: a numeric stored with a one-byte header sits
// at any alignment.
bool decode_stored(const uint8_t* bytes, size_t size, core::Decimal* out) {
    if (size < sizeof(uint16_t)) return false;
    uint16_t header;
    std::memcpy(&header, bytes, sizeof header);
    bool negative;
    int weight;
    size_t offset = sizeof header;
    if ((header & kFormMask) == kShortForm) {
        negative = (header & kShortNegative) != 0;
        weight = (header & kShortWeightSign) ? (~static_cast<int>(kShortWeightMask) |
                                                static_cast<int>(header & kShortWeightMask))
                                             : static_cast<int>(header & kShortWeightMask);
    } else if ((header & kFormMask) == kSpecial) {
        return false;
    } else {
        if (size < offset + sizeof(int16_t)) return false;
        negative = (header & kFormMask) == kLongNegative;
        int16_t long_weight;
        std::memcpy(&long_weight, bytes + offset, sizeof long_weight);
        weight = long_weight;
        offset += sizeof long_weight;
    }
    if ((size - offset) % sizeof(int16_t) != 0) return false;
    return core::Decimal::from_base10000(negative, weight, bytes + offset,
                                         static_cast<int>((size - offset) / sizeof(int16_t)), out);
}
}  // namespace

int numeric_display_scale(Datum value) {
    struct varlena* stored = PG_DETOAST_DATUM_PACKED(value);
    const auto* bytes = reinterpret_cast<const uint8_t*>(VARDATA_ANY(stored));
    uint16_t header = 0;
    if (VARSIZE_ANY_EXHDR(stored) >= sizeof header) std::memcpy(&header, bytes, sizeof header);
    if (reinterpret_cast<Pointer>(stored) != DatumGetPointer(value)) pfree(stored);
    if ((header & kFormMask) == kShortForm) return (header & kShortScaleMask) >> kShortScaleShift;
    if ((header & kFormMask) == kSpecial) return 0;
    return header & kLongScaleMask;
}

// The stored digits when they are a Decimal exactly (nearly always: prices, quantities and
// amounts have at most 12 decimals); else the exact text path. numeric_out and the parse cost
// about as much as the valuation's arithmetic, per value, in a rebuild.
core::Decimal decimal_from_numeric(Datum value) {
    struct varlena* stored = PG_DETOAST_DATUM_PACKED(value);
    core::Decimal d;
    const bool exact = decode_stored(reinterpret_cast<const uint8_t*>(VARDATA_ANY(stored)),
                                     VARSIZE_ANY_EXHDR(stored), &d);
    if (reinterpret_cast<Pointer>(stored) != DatumGetPointer(value)) pfree(stored);
    if (exact) return d;
    char* text = DatumGetCString(DirectFunctionCall1(numeric_out, value));
    d = call_core([&] { return core::Decimal::parse(text); });
    pfree(text);
    return d;
}

// int64_div_fast_to_numeric (utils/numeric.h) builds mantissa / 10^scale with display scale
// `scale`: the numeric numeric_in makes of the shortest text, without printing and parsing it.
Datum numeric_from_decimal(core::Decimal d) {
    int64_t mantissa;
    int scale;
    if (d.to_scaled_int64(&mantissa, &scale))
        return NumericGetDatum(int64_div_fast_to_numeric(mantissa, scale));
    const DecimalText text = call_core([&] {
        DecimalText t;
        d.to_chars(t.chars, sizeof t.chars);
        return t;
    });
    return DirectFunctionCall3(numeric_in, CStringGetDatum(text.chars),
                               ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
}

Datum numeric_from_decimal(core::Decimal d, int scale) {
    const Datum shortest = numeric_from_decimal(d);
    if (numeric_display_scale(shortest) >= scale) return shortest;
    return DirectFunctionCall2(numeric_round, shortest, Int32GetDatum(scale));
}

}  // namespace pgp::pg
