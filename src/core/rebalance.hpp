// Rebalancing to target weights in whole lots: which quantities to hold so that the holdings'
// values come closest (least squares, in money) to the target weights of the portfolio's value,
// without short positions and without spending more cash than there is. Exact money (Decimal).
#pragma once
#include <cstddef>

#include "core/decimal.hpp"
#include "core/interrupt.hpp"

namespace pgp::core {

struct RebalanceAsset {
    Decimal held;    // quantity held now (>= 0)
    Decimal price;   // price of one unit in the portfolio's base currency (> 0)
    Decimal lot;     // trading unit (> 0; 1 = whole shares)
    Decimal weight;  // target weight of the portfolio's total value (>= 0)
};

// What the plan costs and leaves: cash after the trades and the trading cost paid.
struct RebalanceTotals {
    Decimal cash_after;
    Decimal cost;
};

// The trading cost of moving `quantity` units at `price`: |quantity| * price * cost_rate.
Decimal trade_cost(Decimal quantity, Decimal price, Decimal cost_rate);

// Fills target[i] with the quantity to hold of assets[i] (a multiple of its lot, >= 0, so no
// asset is sold beyond what is held). cash is the cash available now (base currency); the rest
// of the value (1 - sum of weights) is meant to stay in cash. cost_rate is charged on every
// trade's value. Method, in exact arithmetic:
//   1. each target value weight * V (V = cash + holdings) rounded to the nearest lot;
//   2. while the buys would spend more than the cash (after the sells' proceeds and all costs),
//      take back the bought lot whose removal moves its value least away from its target;
//   3. while some lot can still be bought with the cash left and brings its asset closer to its
//      target, buy the one that helps most.
// The result is locally optimal: no single lot more or less of one asset, within the cash, is
// closer to the targets (tested). Errors: InvalidParameter for a negative quantity, weight or
// cost rate, a price or lot <= 0, or weights summing to more than 1.
RebalanceTotals rebalance(const RebalanceAsset* assets, std::size_t count, Decimal cash,
                          Decimal cost_rate, Decimal* target, const InterruptCheck& interrupt = {});

}  // namespace pgp::core
