// The rules a row must pass before it may reach portfolio.quotes (or fx_rates), and the
// duplicate check of a batch. A row that fails is rejected with a reason, never dropped.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <variant>
#include <vector>
#include <cstdint>

#include "rows.hpp"

namespace pgp::fetch {

// A plain finite decimal number: [+-]digits[.digits][e[+-]digits] (also ".5" and "5.").
// Rejects NaN, infinities, hexadecimal and anything numeric would not read the same way.
std::optional<double> parse_decimal(std::string_view text) noexcept;

// A symbol we accept: 1..32 characters from A-Z a-z 0-9 . - _ ^ = / : (tickers such as BRK.B,
// ^GSPC, EURUSD=X, C:EURUSD, EUR/USD).
bool valid_symbol(std::string_view symbol) noexcept;

struct ValidationLimits {
    Day latest_day = 0;  // later dates are "in the future"
    Day earliest_day = days_from_civil(1900, 1, 1);
};

// Checks one row: the symbol, a parseable date within limits, close present, every present
// price finite and positive, low <= open, close <= high, volume finite and >= 0.
// Returns the bar (with the trimmed decimal texts) or the reason it was refused.
std::variant<Bar, std::string> validate_row(const RowFields& row, const ValidationLimits& limits);

// (symbol, day) pairs already seen in one batch: the second occurrence is rejected, because one
// upsert cannot write the same key twice and silently picking one would hide a conflict.
class BatchKeys {
  public:
    // true when the pair is new (and records it)
    bool insert(std::string_view symbol, Day day);
    void clear() noexcept { keys_.clear(); }

  private:
    std::unordered_set<std::string> keys_;
    std::string scratch_;
};

}  // namespace pgp::fetch

namespace pgp::fetch {

// The rows of one symbol's response, screened: rows dated outside [from, to] are not part of the
// request and are counted in `outside`; every other row is validated and either becomes a bar
// or is rejected (including a second row for a date already seen for this symbol).
struct ScreenedRows {
    std::vector<Bar> bars;  // sorted by date, oldest first
    std::vector<Rejected> rejected;
    std::int64_t fetched = 0;  // rows within the span, valid or not
    std::int64_t outside = 0;
};
void screen_rows(std::vector<RawRow>& rows, Day from, Day to, const ValidationLimits& limits,
                 BatchKeys& seen, ScreenedRows& out);

}  // namespace pgp::fetch
