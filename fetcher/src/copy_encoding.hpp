// A batch as the text `COPY ... FROM STDIN` reads into the loader's staging tables: PostgreSQL's
// text format, one line per row, a tab between columns, \N for NULL and backslash escapes for
// backslash, newline, carriage return and tab. Pure, so every byte sent is unit-tested.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "civil_date.hpp"
#include "rows.hpp"

namespace pgp::fetch {

// The value as COPY text (never NULL: an empty value stays an empty string).
void append_copy_text(std::string& out, std::string_view value);
// An optional value: empty is NULL (\N), as in Bar, where an empty string is SQL NULL.
void append_copy_field(std::string& out, std::string_view value);

struct CopyBatch {
    std::string
        quotes;  // portfolio_fetch_stage: symbol, day, open, high, low, close, adj_close, volume
    std::string fx;        // portfolio_fetch_fx_stage: base, quote, day, rate
    std::string rejected;  // portfolio_fetch_reject_stage: symbol, raw, reason
    std::int64_t quote_rows = 0;
    // the quote rows' first and last day: the partitions to make and the range the upsert scans
    std::optional<Day> first_day, last_day;
    // bars per symbol, quotes and currency pairs: what is neither inserted nor updated is unchanged
    std::map<std::string, std::int64_t> rows_per_symbol;
};

// Bars of a currency pair (fx_pair_of) go to `fx`, the others to `quotes`, in their order.
CopyBatch encode_copy_batch(const std::vector<Bar>& bars, const std::vector<Rejected>& rejected);

// The batch's quote symbols (not the pairs) as a text[] literal, sorted: {"AAPL","BRK.B"}. The
// upsert keeps its scan of portfolio.quotes to these. Quoting alone is enough: valid_symbol()
// admits no quote, backslash, comma or brace.
std::string quote_symbols_array(const CopyBatch& batch);

}  // namespace pgp::fetch
