// numeric <-> core::Decimal, for every glue file that hands money or quantities to the core.
// The values cross as text (numeric_out / numeric_in), which is exact; a numeric the Decimal
// cannot hold (more than 24 integer digits, NaN, infinity) is an ERROR with SQLSTATE 22003/22023.
#pragma once

#include "pg/postgres_headers.hpp"
#include "core/decimal.hpp"

namespace pgp::pg {

core::Decimal decimal_from_numeric(Datum value);
Datum numeric_from_decimal(core::Decimal d);

}  // namespace pgp::pg
