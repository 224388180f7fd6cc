// The ledger's part of the daily series, each part on its own against hand-worked spans: holding
// spans from a position's transactions, cash balance runs, events, and the ledger end block.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/ledger_days.hpp"
#include "decimal_of.hpp"
#include "error_code.hpp"

namespace core = pgp::core;
using pgp::test::code_of;
using pgp::test::d;

TEST(LedgerDays, AHoldingRunsFromADaysLastTransactionToTheDayBeforeTheNext) {
    core::HoldingTrack t;
    core::HoldingSpan s{};
    // day 10: buy 100 then buy 50 (one day, one span); day 14: sell all; day 20: buy 10
    EXPECT_FALSE(core::holding_step(t, 10, d("100"), d("1000"), &s));  // nothing held before
    EXPECT_FALSE(core::holding_step(t, 10, d("150"), d("1600"), &s));  // same day: no span yet
    ASSERT_TRUE(core::holding_step(t, 14, d("0"), d("0"), &s));
    EXPECT_EQ(s.from_day, 10);
    EXPECT_EQ(s.to_day, 13);
    EXPECT_EQ(s.quantity, d("150"));  // after the day's last transaction
    EXPECT_EQ(s.cost, d("1600"));
    EXPECT_TRUE(s.has_cost);
    EXPECT_FALSE(core::holding_step(t, 20, d("10"), d("120"), &s));  // days 14-19 held nothing
    ASSERT_TRUE(core::holding_end(t, 30, &s));
    EXPECT_EQ(s.from_day, 20);
    EXPECT_EQ(s.to_day, 30);
    EXPECT_EQ(s.quantity, d("10"));
    EXPECT_EQ(s.cost, d("120"));
}

TEST(LedgerDays, APositionSoldOutHoldsNothingAtTheEnd) {
    core::HoldingTrack t;
    core::HoldingSpan s{};
    EXPECT_FALSE(core::holding_end(t, 30, &s));  // no transaction
    core::holding_step(t, 5, d("10"), d("100"), &s);
    core::holding_step(t, 6, d("0"), d("0"), &s);
    EXPECT_FALSE(core::holding_end(t, 30, &s));
}

TEST(LedgerDays, BalanceRunsPerCurrencyInDayOrderWhateverTheInputOrder) {
    // EUR (0) and USD (1), given out of order: EUR +100 on day 3, -30 and +5 on day 7; USD +50 on
    // day 4 and -50 on day 9 (back to 0, still a run: the ledger end stores 0)
    std::vector<core::CashMove> moves = {
        {1, 9, d("-50")}, {0, 7, d("-30")}, {0, 3, d("100")}, {1, 4, d("50")}, {0, 7, d("5")}};
    std::vector<core::BalanceRun> runs(moves.size());
    const size_t n = core::balance_runs(moves.data(), moves.size(), 12, runs.data());
    ASSERT_EQ(n, 4u);
    const auto expect = [&](size_t i, int32_t currency, int32_t from, int32_t to,
                            const char* balance, bool last) {
        EXPECT_EQ(runs[i].currency, currency) << i;
        EXPECT_EQ(runs[i].from_day, from) << i;
        EXPECT_EQ(runs[i].to_day, to) << i;
        EXPECT_EQ(runs[i].balance, d(balance)) << i;
        EXPECT_EQ(runs[i].last, last) << i;
    };
    expect(0, 0, 3, 6, "100", false);
    expect(1, 0, 7, 12, "75", true);
    expect(2, 1, 4, 8, "50", false);
    expect(3, 1, 9, 12, "0", true);
    EXPECT_EQ(core::balance_runs(moves.data(), 0, 12, runs.data()), 0u);
}

TEST(LedgerDays, EventsSplitFlowsAndATransferOutWithoutPriceLeavesAtCost) {
    core::LedgerEventParts p;
    p.day = 8;
    p.has_flow = true;
    p.flow = d("250");
    p.fees = d("1.5");
    core::DayEvent e = core::ledger_event(p);
    EXPECT_EQ(e.day, 8);
    EXPECT_EQ(e.inflow, d("250"));
    EXPECT_EQ(e.outflow, d("0"));
    EXPECT_EQ(e.fees, d("1.5"));
    EXPECT_EQ(e.realized, d("0"));  // a cash transaction realizes nothing

    p = core::LedgerEventParts();
    p.has_flow = true;
    p.flow = d("-40");
    e = core::ledger_event(p);
    EXPECT_EQ(e.inflow, d("0"));
    EXPECT_EQ(e.outflow, d("40"));

    // a sell: no external flow (0), its realized P/L change
    p = core::LedgerEventParts();
    p.has_flow = true;
    p.position = true;
    p.realized_delta = d("12.25");
    p.cost_delta = d("-100");
    e = core::ledger_event(p);
    EXPECT_EQ(e.outflow, d("0"));
    EXPECT_EQ(e.realized, d("12.25"));

    // a transfer out without a price: the flow is the cost basis that left
    p.has_flow = false;
    p.realized_delta = d("0");
    p.convert = true;
    e = core::ledger_event(p);
    EXPECT_EQ(e.outflow, d("100"));
    EXPECT_EQ(e.inflow, d("0"));
    EXPECT_TRUE(e.convert);
}

TEST(LedgerDays, TheBlockCarriesTheDaysAndTheLedgerEnd) {
    const uint8_t days[5] = {1, 2, 3, 4, 5};  // (the days block is opaque here)
    const uint8_t position[3] = {9, 8, 7};
    core::LedgerEnd held;
    held.instrument = "AAPL";
    held.currency = "USD";
    held.position = position;
    held.position_size = sizeof position;
    core::LedgerEnd cash;
    cash.cash = true;
    cash.currency = "EUR";
    cash.balance = d("-3555.4");
    cash.scale = 2;
    const size_t entries = core::ledger_end_size(held) + core::ledger_end_size(cash);
    std::vector<uint8_t> memory(core::ledger_days_size(sizeof days, entries) + 1);
    uint8_t* block = memory.data() + 1;  // unaligned, like a bytea in a tuple
    core::start_ledger_days(block, sizeof days, 2);
    uint8_t* at = core::ledger_days_block(block);
    std::memcpy(at, days, sizeof days);
    at += sizeof days;
    at += core::write_ledger_end(at, held);
    at += core::write_ledger_end(at, cash);
    ASSERT_EQ(static_cast<size_t>(at - block), memory.size() - 1);

    core::LedgerDaysReader r = core::LedgerDaysReader::open(block, memory.size() - 1);
    EXPECT_EQ(r.days_size(), sizeof days);
    EXPECT_EQ(std::memcmp(r.days(), days, sizeof days), 0);
    EXPECT_EQ(r.ends(), 2u);
    core::LedgerEnd e;
    ASSERT_TRUE(r.next(&e));
    EXPECT_FALSE(e.cash);
    EXPECT_EQ(e.instrument, "AAPL");
    EXPECT_EQ(e.currency, "USD");
    ASSERT_EQ(e.position_size, sizeof position);
    EXPECT_EQ(std::memcmp(e.position, position, sizeof position), 0);
    ASSERT_TRUE(r.next(&e));
    EXPECT_TRUE(e.cash);
    EXPECT_EQ(e.instrument, "");
    EXPECT_EQ(e.currency, "EUR");
    EXPECT_EQ(e.balance, d("-3555.4"));
    EXPECT_EQ(e.scale, 2);
    EXPECT_FALSE(r.next(&e));
}

TEST(LedgerDays, ACorruptBlockIsRefused) {
    std::vector<uint8_t> memory(core::ledger_days_size(0, 0));
    core::start_ledger_days(memory.data(), 0, 1);  // one entry promised, none there
    core::LedgerDaysReader r = core::LedgerDaysReader::open(memory.data(), memory.size());
    core::LedgerEnd e;
    EXPECT_EQ(code_of([&] { r.next(&e); }), core::ErrorCode::CorruptState);
    memory[0] = 99;  // another version
    EXPECT_EQ(code_of([&] { core::LedgerDaysReader::open(memory.data(), memory.size()); }),
              core::ErrorCode::CorruptState);
    EXPECT_EQ(code_of([&] { core::LedgerDaysReader::open(memory.data(), 3); }),
              core::ErrorCode::CorruptState);
}
