// The ledger's part of a portfolio's daily series (portfolio.ledger_days_agg,
// src/sql/52_daily_values .sql): a portfolio's transactions, replayed position by position through
// the lots of position_agg (lots.hpp), become the holding spans, cash balances and events that the
// valuation kernel (daily_values.hpp) values day by day, and the ledger end that refresh stores.
//
// The parts, each on its own and tested so (test/unit/ledger_days_test.cpp):
//  - holding_step / holding_end: a position's holding spans from the position after each of its
//    transactions (in time order): what it holds after a day's last transaction, held up to the day
//    before its next transaction, or to the window's last day after the last one;
//  - balance_runs: the cash balances per currency from the cash each transaction moves (in any
//    order): a run of days with one balance from each day a transaction moved cash;
//  - ledger_event: a transaction's external flow and P/L parts in its currency, on its day;
//  - the ledger end block: per position its final state (the position type's encoding), per
//    currency its balance, for refresh to store (portfolio.ledger_ends).
// Amounts are Decimal (12 decimals): sums are exact, so the order of the spans never matters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/daily_values.hpp"
#include "core/decimal.hpp"

namespace pgp::core {

// --- holding spans ------------------------------------------------------------------------------

// One position's holding while its transactions are replayed: the day of the last transaction
// seen and what the position held after it.
struct HoldingTrack {
    bool started = false;
    int32_t day = 0;
    Decimal quantity;
    Decimal cost;
};
// The position after a transaction on `day` (days never decrease): when it is the first of a later
// day, the holding of the days before it ends; returns true with that span in *ended unless it
// held nothing (a span of quantity 0 values nothing). The span's flags are the caller's to set.
bool holding_step(HoldingTrack& track, int32_t day, Decimal quantity, Decimal cost,
                  HoldingSpan* ended) noexcept;
// The holding after the position's last transaction, open to last_day; false when nothing is held.
bool holding_end(const HoldingTrack& track, int32_t last_day, HoldingSpan* ended) noexcept;

// --- cash balances ------------------------------------------------------------------------------

// The cash one transaction moves in one currency (currency: the caller's index of it).
struct CashMove {
    int32_t currency;
    int32_t day;
    Decimal amount;
};
// A run of days with one balance in one currency: from a day cash moved to the day before the
// currency's next move, or to last_day after its last.
struct BalanceRun {
    int32_t currency;
    int32_t from_day;
    int32_t to_day;
    Decimal balance;
    bool last;  // the currency's last run: its balance is the ledger end's
};
// Sorts the moves by currency and day (in place) and writes the runs into runs (room for
// `count`: at most one run per move); returns how many. Runs of balance 0 are written too (the
// ledger end of a currency whose balance came back to 0 is 0, and it is stored).
size_t balance_runs(CashMove* moves, size_t count, int32_t last_day, BalanceRun* runs);

// --- events
// ---------------------------------------------------------------------------------------

// A transaction's flows and P/L parts, from portfolio.external_flow (NULL: has_flow false),
// income_effect and fee_effect (src/sql/50_transaction_effects.sql) and, for a position's
// transaction, the changes of its realized P/L and cost basis. A flow in is a deposit, a flow out
// a withdrawal; a position's transaction without a flow (transfer_out without a price) leaves
// at cost: its flow is the cost basis it took away.
struct LedgerEventParts {
    int32_t day = 0;
    bool has_flow = false;
    Decimal flow;
    Decimal income;
    Decimal fees;
    bool position = false;  // a position's transaction: realized_delta and cost_delta apply
    Decimal realized_delta;
    Decimal cost_delta;
    bool convert = false;  // its currency is not the base currency
};
DayEvent ledger_event(const LedgerEventParts& parts);

// --- the ledger end ---------------------------------------------------------------------------
// After the days block (daily_values.hpp), the ledger days block holds the ledger's end: entries
// of a position (instrument, currency, the position type's stored bytes) or a cash balance
// (currency, balance). Transient, like the days block: native byte order, a version byte.

struct LedgerEnd {
    bool cash = false;
    std::string_view instrument;  // empty for cash
    std::string_view currency;
    Decimal balance;                    // cash only
    int32_t scale = 0;                  // cash only: the decimals its balance is shown with
    const uint8_t* position = nullptr;  // a position only: the position type's bytes
    size_t position_size = 0;
};
size_t ledger_end_size(const LedgerEnd& end) noexcept;
// Writes the entry at out (room for ledger_end_size bytes); returns the bytes written.
size_t write_ledger_end(uint8_t* out, const LedgerEnd& end) noexcept;

// The whole block: a header (version, the days block's size, the entries' count), the days block,
// the entries. ledger_days_size: the bytes of a block with a days block of days_size bytes and
// entries of entries_size bytes in all.
size_t ledger_days_size(size_t days_size, size_t entries_size) noexcept;
// Writes the header; the days block follows at ledger_days_block(out), the entries after it.
void start_ledger_days(uint8_t* out, size_t days_size, uint32_t entries) noexcept;
uint8_t* ledger_days_block(uint8_t* out) noexcept;

// A finished block read in place (any alignment): open() checks the version and the sizes.
class LedgerDaysReader {
  public:
    static LedgerDaysReader open(const uint8_t* bytes, size_t size);
    const uint8_t* days() const noexcept { return days_; }
    size_t days_size() const noexcept { return days_size_; }
    uint32_t ends() const noexcept { return ends_; }
    // The entries in order: next() returns false after the last; CorruptState on a bad entry.
    bool next(LedgerEnd* end);

  private:
    const uint8_t* days_ = nullptr;
    size_t days_size_ = 0;
    uint32_t ends_ = 0;
    uint32_t read_ = 0;
    const uint8_t* at_ = nullptr;
    const uint8_t* stop_ = nullptr;
};

}  // namespace pgp::core
