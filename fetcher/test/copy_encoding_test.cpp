// The COPY text of a batch (copy_encoding.hpp): the exact bytes the staging tables read.
#include <gtest/gtest.h>

#include "copy_encoding.hpp"

using namespace pgp::fetch;

namespace {
Bar bar(std::string symbol, Day day, std::string close) {
    Bar b;
    b.symbol = std::move(symbol);
    b.day = day;
    b.open = b.high = b.low = b.close = std::move(close);
    return b;
}
const Day jan2 = days_from_civil(2024, 1, 2);
}  // namespace

TEST(CopyEncoding, EscapesBackslashNewlineCarriageReturnAndTab) {
    std::string out;
    append_copy_text(out, "a\tb\\c\nd\re");
    EXPECT_EQ(out, "a\\tb\\\\c\\nd\\re");
}

TEST(CopyEncoding, EmptyFieldIsNullButTheTextBackslashNIsNot) {
    std::string out;
    append_copy_field(out, "");
    EXPECT_EQ(out, "\\N");  // COPY's NULL marker
    out.clear();
    append_copy_field(out, "\\N");  // the two characters \N as data: its backslash doubled
    EXPECT_EQ(out, "\\\\N");
    out.clear();
    append_copy_text(out, "");  // a text column is never NULL: an empty string stays empty
    EXPECT_EQ(out, "");
}

TEST(CopyEncoding, EmptyBatchEncodesNothing) {
    const CopyBatch b = encode_copy_batch({}, {});
    EXPECT_EQ(b.quotes, "");
    EXPECT_EQ(b.fx, "");
    EXPECT_EQ(b.rejected, "");
    EXPECT_EQ(b.quote_rows, 0);
    EXPECT_FALSE(b.first_day);
    EXPECT_FALSE(b.last_day);
    EXPECT_TRUE(b.rows_per_symbol.empty());
    EXPECT_EQ(quote_symbols_array(b), "{}");
}

TEST(CopyEncoding, QuoteRowsWithNullsInColumnOrder) {
    Bar b = bar("BRK.B", jan2, "185.64");
    b.open = "187.15";
    b.high = "188.44";
    b.low = "183.885";
    b.adj_close = "";  // the source has none: NULL, so a stored one is kept
    b.volume = "82488700";
    const CopyBatch c = encode_copy_batch({b}, {});
    EXPECT_EQ(c.quotes, "BRK.B\t2024-01-02\t187.15\t188.44\t183.885\t185.64\t\\N\t82488700\n");
    EXPECT_EQ(c.quote_rows, 1);
    EXPECT_EQ(*c.first_day, jan2);
    EXPECT_EQ(c.fx, "");
}

TEST(CopyEncoding, PairsGoToFxAndStayOutOfTheQuoteDaysAndSymbols) {
    // quotes on Jan 3 and 5, a pair on Jan 1 and 9: the quote partitions are Jan 3..5 only
    const CopyBatch c =
        encode_copy_batch({bar("MSFT", jan2 + 3, "370.1"), bar("EUR/USD", jan2 - 1, "1.1037"),
                           bar("AAPL", jan2 + 1, "184.25"), bar("EUR/USD", jan2 + 7, "1.0971")},
                          {});
    EXPECT_EQ(c.fx, "EUR\tUSD\t2024-01-01\t1.1037\nEUR\tUSD\t2024-01-09\t1.0971\n");
    EXPECT_EQ(c.quote_rows, 2);
    EXPECT_EQ(format_iso_date(*c.first_day), "2024-01-03");
    EXPECT_EQ(format_iso_date(*c.last_day), "2024-01-05");
    EXPECT_EQ(c.rows_per_symbol.at("EUR/USD"), 2);
    EXPECT_EQ(c.rows_per_symbol.at("AAPL"), 1);
    EXPECT_EQ(quote_symbols_array(c), "{\"AAPL\",\"MSFT\"}");  // sorted, no pair
}

TEST(CopyEncoding, RejectedRowsKeepTheirRawTextEscaped) {
    const CopyBatch c = encode_copy_batch(
        {}, {{"AAPL", "AAPL,2024-01-02,1,2,1,abc,10", "close 'abc' is not a number"},
             {"", "\"a\tb\\c\"\r", "line 7: expected 7 or 8 fields, found 1"}});
    EXPECT_EQ(c.rejected,
              "AAPL\tAAPL,2024-01-02,1,2,1,abc,10\tclose 'abc' is not a number\n"
              "\\N\t\"a\\tb\\\\c\"\\r\tline 7: expected 7 or 8 fields, found 1\n");
    EXPECT_EQ(c.quotes, "");
    EXPECT_TRUE(c.rows_per_symbol.empty());  // rejected rows are not counted as staged
}
