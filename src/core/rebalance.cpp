#include "core/rebalance.hpp"

#include <vector>

#include "core/error.hpp"

namespace pgp::core {

namespace {

Decimal abs_value(Decimal d) { return d.is_negative() ? -d : d; }

// The nearest whole number (half away from zero) to a non-negative Decimal.
Decimal round_to_integer(Decimal d) {
    const Decimal::Raw scale = Decimal::scale();
    const Decimal::Raw raw = d.raw();
    Decimal::Raw units = raw / scale;
    if ((raw % scale) * 2 >= scale) ++units;
    return Decimal::from_raw(units * scale);
}

// A ranking key only (which lot to move first); money itself stays exact.
double approx(Decimal d) {
    return static_cast<double>(d.raw()) / static_cast<double>(Decimal::scale());
}

}  // namespace

Decimal trade_cost(Decimal quantity, Decimal price, Decimal cost_rate) {
    return abs_value(quantity) * price * cost_rate;
}

namespace {

// The inputs checked, and the portfolio's total value (cash and holdings at their prices).
Decimal checked_total(const RebalanceAsset* assets, std::size_t count, Decimal cash,
                      Decimal cost_rate) {
    if (cost_rate.is_negative())
        fail(ErrorCode::InvalidParameter, "rebalance: the cost rate must not be negative");
    Decimal total = cash;
    Decimal weights;
    for (std::size_t i = 0; i < count; ++i) {
        const RebalanceAsset& a = assets[i];
        if (a.held.is_negative())
            fail(ErrorCode::InvalidParameter, "rebalance: a held quantity is negative");
        if (a.weight.is_negative())
            fail(ErrorCode::InvalidParameter, "rebalance: a target weight is negative");
        if (a.price.sign() <= 0)
            fail(ErrorCode::InvalidParameter, "rebalance: a price must be positive");
        if (a.lot.sign() <= 0)
            fail(ErrorCode::InvalidParameter, "rebalance: a lot size must be positive");
        total += a.held * a.price;
        weights += a.weight;
    }
    // a tolerance of 1e-6, as rebalance() in SQL checks the sum
    if (weights > Decimal::one() + Decimal::parse("0.000001"))
        fail(ErrorCode::InvalidParameter, "rebalance: the target weights sum to more than 1");
    return total;
}

}  // namespace

RebalanceTotals rebalance(const RebalanceAsset* assets, std::size_t count, Decimal cash,
                          Decimal cost_rate, Decimal* target, const InterruptCheck& interrupt) {
    const Decimal total = checked_total(assets, count, cash, cost_rate);

    // Cash after trading to `target`: the sells' proceeds fund the buys; every trade pays its cost.
    std::vector<Decimal> goal(count);  // target value of each asset
    std::vector<Decimal> lot_value(count);
    Decimal cash_after = cash;
    for (std::size_t i = 0; i < count; ++i) {
        const RebalanceAsset& a = assets[i];
        goal[i] = a.weight * total;
        lot_value[i] = a.lot * a.price;
        const Decimal lots =
            total.sign() > 0 ? round_to_integer(Decimal::divide(goal[i], lot_value[i])) : Decimal{};
        target[i] = lots * a.lot;
        const Decimal traded = target[i] - a.held;
        cash_after -= traded * a.price + trade_cost(traded, a.price, cost_rate);
    }
    // The change of cash when one lot more (+1) or less (-1) of asset i is held.
    auto cash_change = [&](std::size_t i, int direction) {
        const RebalanceAsset& a = assets[i];
        const Decimal before = target[i] - a.held;
        const Decimal after = direction > 0 ? before + a.lot : before - a.lot;
        const Decimal cost_before = trade_cost(before, a.price, cost_rate);
        const Decimal cost_after = trade_cost(after, a.price, cost_rate);
        const Decimal value = direction > 0 ? -lot_value[i] : lot_value[i];
        return value - (cost_after - cost_before);
    };
    // The change of the squared distance (value - goal)^2 when one lot more or less is held.
    auto distance_change = [&](std::size_t i, int direction) {
        const double d = approx(target[i] * assets[i].price) - approx(goal[i]);
        const double l = approx(lot_value[i]);
        return direction > 0 ? l * (l + 2 * d) : l * (l - 2 * d);
    };

    // 2. Too little cash: give back bought lots, the least harmful first.
    while (cash_after.is_negative()) {
        interrupt.poll();
        std::size_t best = count;
        double best_change = 0;
        for (std::size_t i = 0; i < count; ++i) {
            if (target[i] - assets[i].lot < assets[i].held) continue;  // only buys are taken back
            const double change = distance_change(i, -1);
            if (best == count || change < best_change) {
                best = i;
                best_change = change;
            }
        }
        if (best == count) break;  // no buys left: the cash was negative before any trade
        cash_after += cash_change(best, -1);
        target[best] -= assets[best].lot;
    }
    // 3. Cash left over: buy lots that bring an asset closer to its goal while the cash lasts.
    for (;;) {
        interrupt.poll();
        std::size_t best = count;
        double best_change = 0;
        for (std::size_t i = 0; i < count; ++i) {
            // exact test of "closer": value + lot/2 < goal, i.e. 2 * (goal - value) > lot value
            const Decimal shortfall = goal[i] - target[i] * assets[i].price;
            if (!(shortfall + shortfall > lot_value[i])) continue;
            if ((cash_after + cash_change(i, +1)).is_negative()) continue;
            const double change = distance_change(i, +1);
            if (best == count || change < best_change) {
                best = i;
                best_change = change;
            }
        }
        if (best == count) break;
        cash_after += cash_change(best, +1);
        target[best] += assets[best].lot;
    }
    Decimal cost;
    for (std::size_t i = 0; i < count; ++i)
        cost += trade_cost(target[i] - assets[i].held, assets[i].price, cost_rate);
    return {cash_after, cost};
}

}  // namespace pgp::core
