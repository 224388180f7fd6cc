#include "pg/decimal_numeric.hpp"

#include "pg/boundary.hpp"

namespace pgp::pg {

namespace {
struct DecimalText {
    char chars[64];
};
}  // namespace

core::Decimal decimal_from_numeric(Datum value) {
    char* text = DatumGetCString(DirectFunctionCall1(numeric_out, value));
    const core::Decimal d = call_core([&] { return core::Decimal::parse(text); });
    pfree(text);
    return d;
}

Datum numeric_from_decimal(core::Decimal d) {
    const DecimalText text = call_core([&] {
        DecimalText t;
        d.to_chars(t.chars, sizeof t.chars);
        return t;
    });
    return DirectFunctionCall3(numeric_in, CStringGetDatum(text.chars),
                               ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
}

}  // namespace pgp::pg
