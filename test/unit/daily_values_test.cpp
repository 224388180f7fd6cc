// The daily valuation kernel: day paths (carry-forward, quoted days, stale gaps) and a portfolio's
// day values from holding spans, against hand-worked figures.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "core/daily_values.hpp"
#include "core/error.hpp"
#include "error_code.hpp"
#include "decimal_of.hpp"

namespace core = pgp::core;
using pgp::test::code_of;
using pgp::test::d;

namespace {

// A built path and the memory it lives in (8-byte aligned, like palloc).
struct Path {
    std::vector<uint64_t> memory;
    core::DayPathBuilder* builder = nullptr;
    Path(int32_t first_day, int32_t last_day) {
        const int32_t days = core::day_path_window_days(first_day, last_day);
        memory.resize((sizeof(core::DayPathBuilder) + core::day_path_size(days)) / 8 + 1);
        builder = core::day_path_start(memory.data(), first_day, last_day);
    }
    void add(int32_t day, const char* value) {
        const core::Decimal v = value ? d(value) : core::Decimal();
        core::day_path_add(*builder, day, value ? &v : nullptr);
    }
    core::DayPathReader finish() {
        const uint8_t* bytes = core::day_path_finish(*builder);
        return core::DayPathReader::open(bytes, core::day_path_size(builder->days));
    }
};

// A day-values block, deliberately placed at an odd address (a bytea in a tuple is unaligned).
struct Days {
    std::vector<uint8_t> memory;
    uint8_t* block;
    int32_t days;
    Days(int32_t first_day, int32_t last_day) {
        days = core::day_path_window_days(first_day, last_day);
        memory.resize(core::span_days_size(days) + 1);
        block = memory.data() + 1;
        core::span_days_start(block, first_day, last_day);
    }
    core::SpanDaysReader read() const {
        return core::SpanDaysReader::open(block, core::span_days_size(days));
    }
};

}  // namespace

TEST(DailyValues, PathCarriesTheLastCloseAndMarksQuotedDays) {
    Path p(10, 19);
    p.add(8, "5");  // before the window: carried into it
    p.add(12, "6");
    p.add(15, "7");
    const core::DayPathReader r = p.finish();
    EXPECT_EQ(r.first_day(), 10);
    EXPECT_EQ(r.days(), 10);
    const char* expected[] = {"5", "5", "6", "6", "6", "7", "7", "7", "7", "7"};
    const bool quoted[] = {false, false, true, false, false, true, false, false, false, false};
    for (int32_t day = 10; day <= 19; ++day) {
        ASSERT_TRUE(r.present(day)) << day;
        EXPECT_EQ(r.value(day).to_string(), expected[day - 10]) << day;
        EXPECT_EQ(r.quoted(day), quoted[day - 10]) << day;
    }
    EXPECT_FALSE(r.present(9));  // outside the window
    EXPECT_FALSE(r.present(20));
}

TEST(DailyValues, PathWithoutAnEarlierObservationStartsAbsent) {
    Path p(10, 14);
    p.add(12, "1.5");
    p.add(12, "1.25");   // a second close of the same day replaces the first
    p.add(13, nullptr);  // an observation without a value (a rate past its staleness)
    const core::DayPathReader r = p.finish();
    EXPECT_FALSE(r.present(10));
    EXPECT_FALSE(r.present(11));
    EXPECT_TRUE(r.present(12));
    EXPECT_EQ(r.value(12).to_string(), "1.25");
    EXPECT_FALSE(r.present(13));
    EXPECT_FALSE(r.present(14));  // the absence is carried too
}

TEST(DailyValues, EmptyWindowAndLimits) {
    Path p(10, 9);
    p.add(5, "1");
    EXPECT_EQ(p.finish().days(), 0);
    EXPECT_EQ(code_of([] { core::day_path_window_days(0, 200 * 366); }),
              core::ErrorCode::InvalidParameter);
    EXPECT_EQ(code_of([] {
                  Path q(0, 3);
                  q.add(2, "1");
                  q.add(1, "1");
              }),
              core::ErrorCode::InvalidParameter);
}

TEST(DailyValues, SpanDaysValueHoldingsAndCountMissingDays) {
    // window days 100..104; a stock quoted on 101 and 103 (carried between), FX on 100..102 only
    Path close(100, 104);
    close.add(101, "20");
    close.add(103, "22.5");
    Path fx(100, 104);
    fx.add(100, "1.5");
    fx.add(103, nullptr);  // too stale from 103 on
    const core::DayPathReader c = close.finish(), r = fx.finish();
    Days days(100, 104);
    // 10 shares costing 150 held from 99 to 103, in a foreign currency
    core::span_days_add(days.block,
                        core::HoldingSpan{99, 103, d("10"), d("150"), true, true, false}, &c, &r);
    // 4 more shares of a base-currency holding on 102..110 at a flat path, cost 30
    Path flat(100, 104);
    flat.add(90, "2.5");
    const core::DayPathReader f = flat.finish();
    core::span_days_add(
        days.block, core::HoldingSpan{102, 110, d("4"), d("30"), true, false, false}, &f, nullptr);
    const core::SpanDaysReader out = days.read();
    ASSERT_EQ(out.days(), 5);
    struct Want {
        bool traded;
        int missing;
        const char* value;
        const char* cost;
    };
    const Want want[] = {
        {false, 1, "0", "0"},      // 100: no close yet
        {true, 0, "300", "225"},   // 101: 10 x 20 x 1.5; 150 x 1.5
        {false, 0, "310", "255"},  // 102: + 4 x 2.5; + 30
        {true, 1, "10", "30"},     // 103: the rate is gone: the stock is missing
        {false, 0, "10", "30"},    // 104: the stock's span ended on 103
    };
    for (int32_t i = 0; i < 5; ++i) {
        const auto v = out.at(i);
        EXPECT_EQ(v.day, 100 + i);
        EXPECT_EQ(v.traded, want[i].traded) << i;
        EXPECT_EQ(v.missing, want[i].missing) << i;
        EXPECT_EQ(v.value.to_string(), want[i].value) << i;
        EXPECT_EQ(v.cost.to_string(), want[i].cost) << i;
    }
}

TEST(DailyValues, UnquotedHoldingsAndUnconvertedCurrenciesAreMissing) {
    Days days(0, 2);
    core::span_days_add(days.block,
                        core::HoldingSpan{0, 2, d("1"), core::Decimal(), false, false, false},
                        nullptr, nullptr);
    Path unit(0, 2);
    unit.add(0, "1");
    const core::DayPathReader u = unit.finish();
    core::span_days_add(days.block,
                        core::HoldingSpan{1, 1, d("-7.25"), core::Decimal(), false, true, true}, &u,
                        nullptr);
    const core::SpanDaysReader out = days.read();
    EXPECT_EQ(out.at(0).missing, 1);
    EXPECT_EQ(out.at(1).missing, 1);
    EXPECT_EQ(out.at(1).cash_missing, 1);  // the cash balance in a currency without rates
    EXPECT_FALSE(out.at(1).traded);
    EXPECT_EQ(out.at(2).missing, 1);
    EXPECT_EQ(out.at(2).cash_missing, 0);
}

TEST(DailyValues, CashBalancesAddToCashOnly) {
    Path unit(0, 2), fx(0, 2), close(0, 2);
    unit.add(0, "1");
    fx.add(0, "0.8");
    close.add(0, "10");
    const core::DayPathReader u = unit.finish(), r = fx.finish(), c = close.finish();
    Days days(0, 2);
    core::span_days_add(days.block,
                        core::HoldingSpan{0, 2, d("100"), core::Decimal(), false, false, true}, &u,
                        nullptr);
    core::span_days_add(
        days.block, core::HoldingSpan{1, 2, d("50"), core::Decimal(), false, true, true}, &u, &r);
    core::span_days_add(days.block, core::HoldingSpan{2, 2, d("3"), d("25"), true, false, false},
                        &c, nullptr);
    const core::SpanDaysReader out = days.read();
    EXPECT_EQ(out.at(0).cash.to_string(), "100");
    EXPECT_EQ(out.at(1).cash.to_string(), "140");  // 100 + 50 x 0.8
    EXPECT_EQ(out.at(1).value.to_string(), "0");
    EXPECT_FALSE(out.at(0).traded);  // the unit path is "quoted" on day 0; cash never trades
    EXPECT_EQ(out.at(2).value.to_string(), "30");
    EXPECT_EQ(out.at(2).cost.to_string(), "25");
    EXPECT_EQ(out.at(2).cash.to_string(), "140");
}

// Events: flows and P/L parts converted on their day; a day without a rate counts them, adds none.
TEST(DailyValues, EventsAreConvertedOnTheirDayOrCounted) {
    Path fx(10, 12);
    fx.add(10, "2");
    fx.add(12, nullptr);  // no rate on 12
    const core::DayPathReader r = fx.finish();
    Days days(10, 12);
    core::span_days_add_event(
        days.block, core::DayEvent{10, d("100"), d("0"), d("0"), d("0"), d("1.5"), false}, nullptr);
    core::span_days_add_event(
        days.block, core::DayEvent{11, d("0"), d("40"), d("3.25"), d("2"), d("0"), true}, &r);
    core::span_days_add_event(days.block,
                              core::DayEvent{12, d("7"), d("0"), d("0"), d("0"), d("0"), true}, &r);
    core::span_days_add_event(days.block,
                              core::DayEvent{13, d("9"), d("0"), d("0"), d("0"), d("0"), false},
                              nullptr);  // outside
    const core::SpanDaysReader out = days.read();
    EXPECT_EQ(out.at(0).deposits.to_string(), "100");
    EXPECT_EQ(out.at(0).fees.to_string(), "1.5");
    EXPECT_EQ(out.at(1).withdrawals.to_string(), "80");  // 40 x 2
    EXPECT_EQ(out.at(1).realized.to_string(), "6.5");
    EXPECT_EQ(out.at(1).income.to_string(), "4");
    EXPECT_EQ(out.at(1).event_missing, 0);
    EXPECT_EQ(out.at(2).deposits.to_string(), "0");
    EXPECT_EQ(out.at(2).event_missing, 1);
}

// A series day: market value when all is valued, net flow, unconverted, and the daily return by
// the flow timing rule, hand-worked.
TEST(DailyValues, SeriesDayMarketValueAndReturn) {
    core::DayValue v{};
    v.day = 5;
    v.value = d("1500");
    v.cash = d("100");
    v.withdrawals = d("200");
    const core::SeriesDay s = core::series_day(v, true, d("1600"));
    ASSERT_TRUE(s.valued && s.cash_valued);
    EXPECT_TRUE(s.has_market_value);
    EXPECT_EQ(s.market_value.to_string(), "1600");
    EXPECT_EQ(s.net_flow.to_string(), "-200");
    ASSERT_TRUE(s.has_return);
    EXPECT_DOUBLE_EQ(s.daily_return, 0.125);  // (1600 + 200) / 1600 - 1
    // the first day: from nothing; its deposit is the start
    core::DayValue first{};
    first.value = d("0");
    first.cash = d("1000.5");
    first.deposits = d("1000");
    const core::SeriesDay f = core::series_day(first, true, core::Decimal());
    ASSERT_TRUE(f.has_return);
    EXPECT_EQ(f.daily_return, 0.0005);  // 1000.5 / 1000 - 1, the double nearest
    // no deposit, nothing before: no return (a start of 0); an unvalued day: no value, no return
    EXPECT_FALSE(core::series_day(core::DayValue{}, true, core::Decimal()).has_return);
    core::DayValue missing{};
    missing.missing = 1;
    missing.event_missing = 2;
    const core::SeriesDay m = core::series_day(missing, true, d("5"));
    EXPECT_FALSE(m.valued);
    EXPECT_FALSE(m.has_market_value);
    EXPECT_FALSE(m.has_return);
    EXPECT_EQ(m.unconverted, 3);
    // the day after an unvalued one has no return either
    EXPECT_FALSE(core::series_day(v, false, core::Decimal()).has_return);
    // a return is (end - start) / start of exact decimals, rounded once: -2/3, not 1/3 - 1 in
    // doubles
    core::DayValue third{};
    third.value = d("1");
    EXPECT_EQ(core::series_day(third, true, d("3")).daily_return, -2.0 / 3.0);
}

TEST(DailyValues, SumsPastTheDecimalRangeAreErrors) {
    EXPECT_EQ(code_of([] {
                  Path p(0, 0);
                  p.add(0, "900000000000000000000000");
                  const core::DayPathReader r = p.finish();
                  Days days(0, 0);
                  core::span_days_add(
                      days.block,
                      core::HoldingSpan{0, 0, d("2"), core::Decimal(), false, false, false}, &r,
                      nullptr);
              }),
              core::ErrorCode::NumericOutOfRange);
}

TEST(DailyValues, CorruptBlocksAreRefused) {
    EXPECT_EQ(code_of([] {
                  std::vector<uint8_t> b(16, 0);
                  core::DayPathReader::open(b.data(), b.size());
              }),
              core::ErrorCode::CorruptState);
    Path p(0, 3);
    p.add(0, "1");
    const core::DayPathReader r = p.finish();
    (void)r;
    const uint8_t* bytes = core::day_path_finish(*p.builder);
    std::vector<uint8_t> copy(bytes, bytes + core::day_path_size(4));
    EXPECT_NO_THROW(core::DayPathReader::open(copy.data(), copy.size()));
    EXPECT_THROW(core::DayPathReader::open(copy.data(), copy.size() - 1),
                 core::Error);                                                        // wrong size
    EXPECT_THROW(core::SpanDaysReader::open(copy.data(), copy.size()), core::Error);  // wrong kind
    copy[0] = 9;
    EXPECT_THROW(core::DayPathReader::open(copy.data(), copy.size()),
                 core::Error);  // wrong version
}
