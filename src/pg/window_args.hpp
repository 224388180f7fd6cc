// The window of a daily-series aggregate's group: arguments 1 and 2, its first and last day
// (the same on every row of a group), checked, with its day count (day_path_agg, ledger_days_agg).
#pragma once

#include "pg/boundary.hpp"
#include "pg/postgres_headers.hpp"
#include "core/daily_values.hpp"

namespace pgp::pg {

struct Window {
    int32_t first, last, days;
};

inline int32_t window_bound(FunctionCallInfo fcinfo, int argno, const char* function_name) {
    if (PG_ARGISNULL(argno))
        ereport(ERROR,
                (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                 errmsg("%s: the window's first and last day must not be NULL", function_name)));
    const DateADT day = PG_GETARG_DATEADT(argno);
    if (DATE_NOT_FINITE(day))
        ereport(ERROR,
                (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
                 errmsg("%s: the window's first and last day must be finite", function_name)));
    return day;
}

inline Window window_args(FunctionCallInfo fcinfo, const char* function_name) {
    Window w;
    w.first = window_bound(fcinfo, 1, function_name);
    w.last = window_bound(fcinfo, 2, function_name);
    w.days = call_core([&] { return core::day_path_window_days(w.first, w.last); });
    return w;
}

}  // namespace pgp::pg
