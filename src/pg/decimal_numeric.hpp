// numeric <-> core::Decimal, for every glue file that hands money or quantities to the core.
// The values cross exactly: read from the numeric's stored base-10000 digits and built with
// int64_div_fast_to_numeric, or as text (numeric_out / numeric_in) where those do not apply
// (more than 12 decimals, very wide values). A numeric the Decimal cannot hold (more than 24
// integer digits, NaN, infinity) is an ERROR with SQLSTATE 22003/22023.
#pragma once

#include "pg/postgres_headers.hpp"
#include "core/decimal.hpp"

namespace pgp::pg {

core::Decimal decimal_from_numeric(Datum value);
Datum numeric_from_decimal(core::Decimal d);
// A numeric's display scale (the digits after the point it prints; 0 for NaN and infinities):
// what a sum of numerics keeps, the largest of its terms'.
int numeric_display_scale(Datum value);
// d as a numeric printed with at least `scale` decimals (a sum of numerics keeps its terms'
// largest scale: a Decimal sum is shown as that numeric sum would be).
Datum numeric_from_decimal(core::Decimal d, int scale);

}  // namespace pgp::pg
