// portfolio.rebalance_plan(): the glue between rebalance() in SQL (which gathers holdings,
// prices and targets) and the lot-rounding optimiser in src/core/rebalance.*.
#include "pg/boundary.hpp"
#include "pg/decimal_numeric.hpp"
#include "pg/sql_function.hpp"
#include "core/rebalance.hpp"

namespace core = pgp::core;
using pgp::pg::call_core;

namespace {

// The elements of a one-dimensional numeric[] without NULLs.
int numeric_elements(ArrayType* array, const char* what, Datum** values) {
    bool* nulls = nullptr;
    int count = 0;
    if (ARR_NDIM(array) > 1)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("rebalance_plan: %s must be one-dimensional", what)));
    deconstruct_array(array, NUMERICOID, -1, false, TYPALIGN_INT, values, &nulls, &count);
    for (int i = 0; i < count; ++i)
        if (nulls[i])
            ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                            errmsg("rebalance_plan: %s has a NULL element", what)));
    return count;
}

}  // namespace

// rebalance_plan(held, price, lot, weight numeric[], cash numeric, cost_rate numeric) -> numeric[]:
// the quantity to hold of each asset, then the cash left and the total trading cost.
PGP_FUNCTION(pgp_rebalance_plan) {
    Datum* held = nullptr;
    Datum* price = nullptr;
    Datum* lot = nullptr;
    Datum* weight = nullptr;
    const int n = numeric_elements(PG_GETARG_ARRAYTYPE_P(0), "held", &held);
    if (numeric_elements(PG_GETARG_ARRAYTYPE_P(1), "price", &price) != n ||
        numeric_elements(PG_GETARG_ARRAYTYPE_P(2), "lot", &lot) != n ||
        numeric_elements(PG_GETARG_ARRAYTYPE_P(3), "weight", &weight) != n)
        ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
                        errmsg("rebalance_plan: the arrays differ in length")));
    auto* assets = static_cast<core::RebalanceAsset*>(
        palloc(sizeof(core::RebalanceAsset) * static_cast<size_t>(n > 0 ? n : 1)));
    auto* target = static_cast<core::Decimal*>(
        palloc0(sizeof(core::Decimal) * static_cast<size_t>(n > 0 ? n : 1)));
    for (int i = 0; i < n; ++i)
        assets[i] = {pgp::pg::decimal_from_numeric(held[i]),
                     pgp::pg::decimal_from_numeric(price[i]), pgp::pg::decimal_from_numeric(lot[i]),
                     pgp::pg::decimal_from_numeric(weight[i])};
    const core::Decimal cash = pgp::pg::decimal_from_numeric(PG_GETARG_DATUM(4));
    const core::Decimal cost_rate = pgp::pg::decimal_from_numeric(PG_GETARG_DATUM(5));
    const core::InterruptCheck interrupts = pgp::pg::postgres_interrupts();
    const core::RebalanceTotals totals = call_core([&] {
        return core::rebalance(assets, static_cast<size_t>(n), cash, cost_rate, target, interrupts);
    });
    Datum* out = static_cast<Datum*>(palloc(sizeof(Datum) * static_cast<size_t>(n + 2)));
    for (int i = 0; i < n; ++i) out[i] = pgp::pg::numeric_from_decimal(target[i]);
    out[n] = pgp::pg::numeric_from_decimal(totals.cash_after);
    out[n + 1] = pgp::pg::numeric_from_decimal(totals.cost);
    PG_RETURN_ARRAYTYPE_P(construct_array(out, n + 2, NUMERICOID, -1, false, TYPALIGN_INT));
}
