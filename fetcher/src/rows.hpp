// What flows from a source to the database: a row as the source gave it, a validated bar, and a
// rejected row with its reason.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "civil_date.hpp"

namespace pgp::fetch {

// One row as a source gave it, every value still text; nullopt marks a value that is absent or
// null. `raw` is the source's own text of the row, kept for the quarantine table.
struct RawRow {
    std::string symbol;
    std::string date;
    std::optional<std::string> open, high, low, close, adj_close, volume;
    std::string raw;
};

// Views of the same fields, so the CSV reader can validate without copying.
struct RowFields {
    std::string_view symbol, date;
    std::optional<std::string_view> open, high, low, close, adj_close, volume;
};

inline RowFields fields_of(const RawRow& r) {
    auto view = [](const std::optional<std::string>& s) -> std::optional<std::string_view> {
        if (s) return std::string_view(*s);
        return std::nullopt;
    };
    return {r.symbol,    r.date,        view(r.open),      view(r.high),
            view(r.low), view(r.close), view(r.adj_close), view(r.volume)};
}

// A validated bar. Values keep the exact decimal text the source sent (numeric in the database,
// so nothing is rounded on the way); an empty string is SQL NULL.
struct Bar {
    std::string symbol;
    Day day = 0;
    std::string open, high, low, close, adj_close, volume;
};

struct Rejected {
    std::string symbol;
    std::string raw;
    std::string reason;
};

// A symbol name that can be a currency pair (EUR/USD) goes to fx_rates instead of quotes.
struct FxPair {
    std::string base, quote;
};
// "EUR/USD" -> {EUR, USD}; nullopt when the symbol is not two three-letter upper-case codes.
std::optional<FxPair> fx_pair_of(std::string_view symbol) noexcept;

}  // namespace pgp::fetch
