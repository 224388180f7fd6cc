// portfolio.month_start(date) and portfolio.year_start(date): C functions, not SQL ones, so the
// planner cannot inline them into date_trunc()/extract() with a text argument, which postgres_fdw
// does not ship; as functions of this extension they push down to shards (docs/scale-out.md).
#include "core/civil_date.hpp"
#include "pg/sql_function.hpp"

namespace {

// PostgreSQL counts days from 2000-01-01, the core from 1970-01-01.
constexpr int64_t kPostgresEpochDays = 10957;

template <typename Start>
Datum period_start(FunctionCallInfo fcinfo, Start start) {
    const DateADT day = PG_GETARG_DATEADT(0);
    if (DATE_NOT_FINITE(day)) {
        PG_RETURN_DATEADT(day);  // the period of an infinite date is that date
    }
    const int64_t days = start(static_cast<int64_t>(day) + kPostgresEpochDays) - kPostgresEpochDays;
    PG_RETURN_DATEADT(static_cast<DateADT>(days));
}

}  // namespace

PGP_FUNCTION(pgp_month_start) { return period_start(fcinfo, pgp::core::month_start); }

PGP_FUNCTION(pgp_year_start) { return period_start(fcinfo, pgp::core::year_start); }
