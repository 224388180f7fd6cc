// The daily valuation kernel of portfolio.value_days() (src/sql/52_daily_values.sql): a portfolio's
// holdings valued on every day of its series, from holding spans and daily price paths.
//
// A day path holds one value per day of a window: a close carried forward over the days without a
// quote, or an FX rate (portfolio.fx_days() has carried it already). Each day is present (it has a
// value) or not (before the first observation, or a rate too stale), and quoted (observed that
// day, not carried). A holding span is a quantity and cost held over a range of days; adding it
// to a portfolio's day values adds quantity x close x rate and cost x rate on each of its days
// present in both paths, and counts the day as missing otherwise. Decimal arithmetic throughout:
// products are exact to 12 decimals (one rounding each), sums exact.
//
// Both structures are flat blocks that live in PostgreSQL memory (aggregate states, bytea values)
// and are read and written here byte-wise: a bytea inside a tuple is only 4-byte aligned, so no
// Decimal is ever accessed through a misaligned pointer. Days are PostgreSQL dates (days since
// 2000-01-01). The blocks are transient (one query's intermediate values): native byte order,
// with a version byte that is checked.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/decimal.hpp"

namespace pgp::core {

// The longest window a path or series may cover: 200 years of days (portfolio.max_history_days).
constexpr int32_t kMaxSeriesDays = 200 * 366;

// --- day paths ---------------------------------------------------------------------------------

// A path being built from observations in day order. The block: this header, then the path's
// encoded bytes (day_path_size(days)), which the final function copies out as they are.
struct DayPathBuilder {
    int32_t first_day = 0;
    int32_t days = 0;
    int32_t filled = 0;  // days [0, filled) are written
    int32_t last_input_day = 0;
    uint8_t has_input = 0;
    uint8_t carry_present = 0;
    uint8_t padding[6] = {};
    Decimal carry;  // the last observation, carried into the days after it
};

size_t day_path_size(int32_t days);  // the encoded path's bytes
// Initialises a block of sizeof(DayPathBuilder) + day_path_size(days) bytes for the window
// [first_day, last_day] (empty when last_day < first_day); InvalidParameter past kMaxSeriesDays.
DayPathBuilder* day_path_start(void* block, int32_t first_day, int32_t last_day);
int32_t day_path_window_days(int32_t first_day, int32_t last_day);  // the checked day count
// One observation: value, or none (nullptr) on that day. Days must not decrease (InvalidParameter
// otherwise, like position_agg's order check); a second value on the same day replaces the
// first; days before the window only set the value carried in.
void day_path_add(DayPathBuilder& builder, int32_t day, const Decimal* value);
// Carries the last observation to the end of the window; returns the encoded path's bytes,
// which follow the builder in its block.
const uint8_t* day_path_finish(DayPathBuilder& builder);

// A finished path read in place (any alignment). open() checks the version and the size.
class DayPathReader {
  public:
    static DayPathReader open(const uint8_t* bytes, size_t size);
    int32_t first_day() const noexcept { return first_day_; }
    int32_t days() const noexcept { return days_; }
    // Day d's entry; days outside the window are not present.
    bool present(int32_t day) const noexcept;
    bool quoted(int32_t day) const noexcept;
    Decimal value(int32_t day) const;  // only for a present day

  private:
    uint8_t flags(int32_t day) const noexcept;
    const uint8_t* bytes_ = nullptr;
    int32_t first_day_ = 0;
    int32_t days_ = 0;
};

// --- a portfolio's day values ------------------------------------------------------------------

// Per day of a window: the holdings' value and cost in the base currency, the cash in the base
// currency, how many holding-days and cash balances could not be valued (no price yet, no FX
// rate), and whether a holding was quoted that day (a trading day); the day's external flows and
// P/L parts in the base currency and how many of its events had no FX rate. The block is the
// encoded form (span_days_size(days)).
size_t span_days_size(int32_t days);
void span_days_start(uint8_t* block, int32_t first_day, int32_t last_day);

struct HoldingSpan {
    int32_t from_day;
    int32_t to_day;
    Decimal quantity;  // shares, or a cash balance (price path: 1 on every day)
    Decimal cost;
    bool has_cost;
    bool convert;  // the holding's currency is not the base currency: use the rate path
    bool cash;     // a cash balance: adds to the cash value, never to cost or trading days
};
// Adds a span's days (clipped to the window). price: the holding's close path (nullptr: never
// quoted, every day missing); rate: the FX path into the base currency, used when span.convert
// (nullptr: no rate at all, every day missing). NumericOutOfRange when a sum passes 10^24.
void span_days_add(uint8_t* block, const HoldingSpan& span, const DayPathReader* price,
                   const DayPathReader* rate);

// A transaction's flows and P/L parts in its currency, on its day (days outside the window are
// ignored). Adding it adds each amount x the day's rate (convert: from the rate path; nullptr or
// a day without a rate: not added, counted in event_missing).
struct DayEvent {
    int32_t day;
    Decimal inflow;   // deposits and transfers in
    Decimal outflow;  // withdrawals and transfers out
    Decimal realized;
    Decimal income;
    Decimal fees;
    bool convert;
};
void span_days_add_event(uint8_t* block, const DayEvent& event, const DayPathReader* rate);

struct DayValue {
    int32_t day;
    bool traded;            // some holding was quoted that day
    int32_t missing;        // holdings without a price or rate that day
    int32_t cash_missing;   // cash balances without a rate
    int32_t event_missing;  // events without a rate
    Decimal value;          // the holdings' (valued ones only)
    Decimal cost;
    Decimal cash;
    Decimal deposits, withdrawals, realized, income, fees;  // the events' (converted ones only)
};

// A day of the daily series (portfolio.daily_series' columns) from its day values and the day
// before's market value (none before the window's first day: 0, as the series starts from
// nothing). The market value is the holdings' plus the cash when every holding and balance was
// valued; the daily return follows the flow timing rule (flow_period): (end / start) - 1, none
// when either value is missing or the start is 0.
struct SeriesDay {
    DayValue v;
    bool valued;            // securities_value and cost_basis are known
    bool cash_valued;       // cash_value is known
    bool has_market_value;  // both: market_value is known
    Decimal market_value;
    Decimal net_flow;
    int32_t unconverted;
    bool has_return;
    double daily_return;
};
SeriesDay series_day(const DayValue& v, bool has_previous, Decimal previous_market_value);
// A finished block read in place (any alignment). open() checks the version and the size.
class SpanDaysReader {
  public:
    static SpanDaysReader open(const uint8_t* bytes, size_t size);
    int32_t first_day() const noexcept { return first_day_; }
    int32_t days() const noexcept { return days_; }
    DayValue at(int32_t index) const;  // index 0 .. days() - 1

  private:
    const uint8_t* bytes_ = nullptr;
    int32_t first_day_ = 0;
    int32_t days_ = 0;
};

}  // namespace pgp::core
