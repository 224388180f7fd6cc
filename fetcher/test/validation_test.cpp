// Row validation, duplicates and screening.
#include <gtest/gtest.h>

#include "validation.hpp"

using namespace pgp::fetch;

namespace {
ValidationLimits limits() {
    ValidationLimits l;
    l.latest_day = days_from_civil(2025, 1, 10);
    return l;
}

RowFields row(std::string_view date, std::optional<std::string_view> o,
              std::optional<std::string_view> h, std::optional<std::string_view> l,
              std::optional<std::string_view> c, std::optional<std::string_view> v = std::nullopt,
              std::optional<std::string_view> adj = std::nullopt) {
    RowFields r;
    r.symbol = "AAPL";
    r.date = date;
    r.open = o, r.high = h, r.low = l, r.close = c, r.volume = v, r.adj_close = adj;
    return r;
}

std::string reason(const RowFields& r) {
    auto v = validate_row(r, limits());
    if (auto* s = std::get_if<std::string>(&v)) return *s;
    return "";
}
}  // namespace

TEST(Decimal, AcceptsPlainDecimalsOnly) {
    EXPECT_DOUBLE_EQ(parse_decimal("187.04").value(), 187.04);
    EXPECT_DOUBLE_EQ(parse_decimal("7.0790813e+07").value(), 70790813.0);
    EXPECT_DOUBLE_EQ(parse_decimal("+5").value(), 5.0);
    EXPECT_DOUBLE_EQ(parse_decimal(".5").value(), 0.5);
    EXPECT_DOUBLE_EQ(parse_decimal("5.").value(), 5.0);
    EXPECT_DOUBLE_EQ(parse_decimal("-0.25").value(), -0.25);
    for (const char* bad : {"", ".", "-", "nan", "NaN", "inf", "Infinity", "0x10", "1e", "1e+",
                            "1,5", " 1", "1 ", "1.2.3", "abc", "1e400"})
        EXPECT_FALSE(parse_decimal(bad)) << bad;
}

TEST(Validation, AcceptsAGoodRowKeepingTheText) {
    auto v = validate_row(
        row("2024-01-02", "187.15", "188.44", "183.885", "185.640", "82488700", "184.73"),
        limits());
    ASSERT_TRUE(std::holds_alternative<Bar>(v));
    const Bar& b = std::get<Bar>(v);
    EXPECT_EQ(b.symbol, "AAPL");
    EXPECT_EQ(b.day, days_from_civil(2024, 1, 2));
    EXPECT_EQ(b.close, "185.640");  // exact text, numeric in the database
    EXPECT_EQ(b.low, "183.885");
    EXPECT_EQ(b.adj_close, "184.73");
    EXPECT_EQ(b.volume, "82488700");
}

TEST(Validation, MissingOptionalValuesAreNull) {
    auto v = validate_row(row("2024-01-02", std::nullopt, "", " ", "1.0945"), limits());
    ASSERT_TRUE(std::holds_alternative<Bar>(v));
    EXPECT_EQ(std::get<Bar>(v).open, "");
    EXPECT_EQ(std::get<Bar>(v).high, "");
    EXPECT_EQ(std::get<Bar>(v).volume, "");
}

TEST(Validation, RejectsWithReasons) {
    EXPECT_EQ(reason(row("2024-01-02", "1", "2", "1", std::nullopt)), "close is missing");
    EXPECT_EQ(reason(row("2024-01-02", "1", "2", "1", "0")), "close 0 is not positive");
    EXPECT_EQ(reason(row("2024-01-02", "-1", "2", "1", "1")), "open -1 is not positive");
    EXPECT_EQ(reason(row("2024-01-02", "1", "2", "1", "NaN")), "close 'NaN' is not a number");
    EXPECT_EQ(reason(row("2024-01-02", "1", "2", "1", "1.5", "-3")), "volume -3 is negative");
    EXPECT_EQ(reason(row("2024-01-02", "1", "2", "3", "1.5")), "low 3 is above high 2");
    EXPECT_EQ(reason(row("2024-01-02", "2.5", "2", "1", "1.5")), "open 2.5 is above high 2");
    EXPECT_EQ(reason(row("2024-01-02", "1.5", "2", "1", "2.5")), "close 2.5 is above high 2");
    EXPECT_EQ(reason(row("2024-01-02", "0.9", "2", "1", "1.5")), "low 1 is above open 0.9");
    EXPECT_EQ(reason(row("2024-01-02", "1.5", "2", "1", "0.5")), "low 1 is above close 0.5");
    EXPECT_EQ(reason(row("2024-02-30", "1", "2", "1", "1.5")), "bad date '2024-02-30'");
    EXPECT_EQ(reason(row("2025-01-11", "1", "2", "1", "1.5")), "date 2025-01-11 is in the future");
    EXPECT_EQ(reason(row("1899-12-31", "1", "2", "1", "1.5")), "date 1899-12-31 is before 1900");
    EXPECT_EQ(reason(row("2025-01-10", "1", "2", "1", "1.5")),
              "");  // the latest day itself is fine
    RowFields bad_symbol = row("2024-01-02", "1", "2", "1", "1.5");
    bad_symbol.symbol = "AA PL";
    EXPECT_EQ(reason(bad_symbol), "bad symbol 'AA PL'");
}

TEST(Validation, SymbolsAndPairs) {
    for (const char* ok :
         {"AAPL", "BRK.B", "^GSPC", "EURUSD=X", "C:EURUSD", "EUR/USD", "SAP.DE", "rds-a"})
        EXPECT_TRUE(valid_symbol(ok)) << ok;
    for (const char* bad :
         {"", "A B", "A,B", "A'B", "A;B", "A\tB", "ABCDEFGHIJKLMNOPQRSTUVWXYZ01234567"})
        EXPECT_FALSE(valid_symbol(bad)) << bad;
    ASSERT_TRUE(fx_pair_of("EUR/USD"));
    EXPECT_EQ(fx_pair_of("EUR/USD")->base, "EUR");
    EXPECT_EQ(fx_pair_of("EUR/USD")->quote, "USD");
    EXPECT_FALSE(fx_pair_of("eur/usd"));
    EXPECT_FALSE(fx_pair_of("EURUSD"));
    EXPECT_FALSE(fx_pair_of("BRK/B"));
}

TEST(Validation, BatchKeysFindDuplicates) {
    BatchKeys keys;
    EXPECT_TRUE(keys.insert("AAPL", 1));
    EXPECT_TRUE(keys.insert("AAPL", 2));
    EXPECT_TRUE(keys.insert("MSFT", 1));
    EXPECT_FALSE(keys.insert("AAPL", 1));
    keys.clear();
    EXPECT_TRUE(keys.insert("AAPL", 1));
}

TEST(Validation, ScreenSortsFiltersAndRejects) {
    auto raw = [](std::string date, std::string close) {
        RawRow r;
        r.symbol = "X";
        r.date = date;
        r.close = close;
        r.raw = date + ":" + close;
        return r;
    };
    // newest first, as Twelve Data and Alpha Vantage send them
    std::vector<RawRow> rows = {raw("2024-01-05", "5"),   raw("2024-01-04", "4"),
                                raw("2024-01-04", "4.1"), raw("2024-01-03", "-3"),
                                raw("2024-01-02", "2"),   raw("2023-12-29", "1")};
    BatchKeys seen;
    ScreenedRows out;
    screen_rows(rows, days_from_civil(2024, 1, 2), days_from_civil(2024, 1, 5), limits(), seen,
                out);
    EXPECT_EQ(out.fetched, 5);
    EXPECT_EQ(out.outside, 1);
    ASSERT_EQ(out.bars.size(), 3u);
    EXPECT_EQ(out.bars[0].close, "2");  // oldest first
    EXPECT_EQ(out.bars[1].close, "4");  // the first of the two 2024-01-04 rows wins
    EXPECT_EQ(out.bars[2].close, "5");
    ASSERT_EQ(out.rejected.size(), 2u);
    EXPECT_EQ(out.rejected[0].raw, "2024-01-04:4.1");
    EXPECT_EQ(out.rejected[0].reason, "duplicate (symbol, date): 2024-01-04 appears twice");
    EXPECT_EQ(out.rejected[1].reason, "close -3 is not positive");
}
