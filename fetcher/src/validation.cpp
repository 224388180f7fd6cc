#include "validation.hpp"

#include <charconv>
#include <cmath>

namespace pgp::fetch {

std::optional<FxPair> fx_pair_of(std::string_view s) noexcept {
    if (s.size() != 7 || s[3] != '/') return std::nullopt;
    for (std::size_t i : {0, 1, 2, 4, 5, 6})
        if (s[i] < 'A' || s[i] > 'Z') return std::nullopt;
    return FxPair{std::string(s.substr(0, 3)), std::string(s.substr(4, 3))};
}

namespace {
std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
}  // namespace

std::optional<double> parse_decimal(std::string_view s) noexcept {
    std::size_t i = 0;
    const std::size_t n = s.size();
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t int_digits = 0, frac_digits = 0;
    while (i < n && is_digit(s[i])) ++i, ++int_digits;
    if (i < n && s[i] == '.') {
        ++i;
        while (i < n && is_digit(s[i])) ++i, ++frac_digits;
    }
    if (int_digits + frac_digits == 0) return std::nullopt;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
        std::size_t exp_digits = 0;
        while (i < n && is_digit(s[i])) ++i, ++exp_digits;
        if (exp_digits == 0) return std::nullopt;
    }
    if (i != n) return std::nullopt;
    // from_chars does not take a leading '+'
    const char* first = s.data() + (s[0] == '+' ? 1 : 0);
    double value = 0;
    const auto result = std::from_chars(first, s.data() + n, value);
    if (result.ec != std::errc() || result.ptr != s.data() + n || !std::isfinite(value))
        return std::nullopt;
    return value;
}

bool valid_symbol(std::string_view s) noexcept {
    if (s.empty() || s.size() > 32) return false;
    for (char c : s) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) ||
                        c == '.' || c == '-' || c == '_' || c == '^' || c == '=' || c == '/' ||
                        c == ':';
        if (!ok) return false;
    }
    return true;
}

namespace {
std::string quoted(std::string_view s) {
    std::string out = "'";
    out.append(s.substr(0, 40));
    if (s.size() > 40) out += "...";
    out += "'";
    return out;
}

struct Price {
    std::string_view text;  // empty when absent
    double value = 0;
    bool present = false;
};
}  // namespace

std::variant<Bar, std::string> validate_row(const RowFields& row, const ValidationLimits& limits) {
    const std::string_view symbol = trim(row.symbol);
    if (!valid_symbol(symbol)) return "bad symbol " + quoted(symbol);
    const std::string_view date_text = trim(row.date);
    const std::optional<Day> day = parse_leading_date(date_text);
    if (!day) return "bad date " + quoted(date_text);
    if (*day > limits.latest_day) return "date " + format_iso_date(*day) + " is in the future";
    if (*day < limits.earliest_day) return "date " + format_iso_date(*day) + " is before 1900";

    // A value that is absent, null or an empty string is missing (SQL NULL).
    auto read = [](const char* name, const std::optional<std::string_view>& field, Price& out,
                   bool positive) -> std::string {
        if (!field) return {};
        const std::string_view text = trim(*field);
        if (text.empty()) return {};
        const std::optional<double> v = parse_decimal(text);
        if (!v) return std::string(name) + " " + quoted(text) + " is not a number";
        if (positive ? !(*v > 0) : !(*v >= 0))
            return std::string(name) + " " + std::string(text) +
                   (positive ? " is not positive" : " is negative");
        out = {text, *v, true};
        return {};
    };
    Price open, high, low, close, adj, volume;
    for (std::string reason :
         {read("open", row.open, open, true), read("high", row.high, high, true),
          read("low", row.low, low, true), read("close", row.close, close, true),
          read("adj_close", row.adj_close, adj, true), read("volume", row.volume, volume, false)})
        if (!reason.empty()) return reason;
    if (!close.present) return "close is missing";

    // low <= open, close <= high, for the values that are there
    auto order = [](const Price& a, const char* an, const Price& b, const char* bn) -> std::string {
        if (a.present && b.present && a.value > b.value)
            return std::string(an) + " " + std::string(a.text) + " is above " + bn + " " +
                   std::string(b.text);
        return {};
    };
    for (std::string reason : {order(low, "low", high, "high"), order(low, "low", open, "open"),
                               order(low, "low", close, "close"), order(open, "open", high, "high"),
                               order(close, "close", high, "high")})
        if (!reason.empty()) return reason;

    Bar bar;
    bar.symbol = std::string(symbol);
    bar.day = *day;
    bar.open = std::string(open.text);
    bar.high = std::string(high.text);
    bar.low = std::string(low.text);
    bar.close = std::string(close.text);
    bar.adj_close = std::string(adj.text);
    bar.volume = std::string(volume.text);
    return bar;
}

bool BatchKeys::insert(std::string_view symbol, Day day) {
    scratch_.assign(symbol);
    scratch_.push_back('\0');
    scratch_.append(reinterpret_cast<const char*>(&day), sizeof day);
    return keys_.insert(scratch_).second;
}

}  // namespace pgp::fetch

#include <algorithm>

namespace pgp::fetch {

void screen_rows(std::vector<RawRow>& rows, Day from, Day to, const ValidationLimits& limits,
                 BatchKeys& seen, ScreenedRows& out) {
    const std::size_t first_new = out.bars.size();
    for (RawRow& row : rows) {
        const std::optional<Day> day = parse_leading_date(trim(row.date));
        if (day && (*day < from || *day > to)) {
            ++out.outside;
            continue;
        }
        ++out.fetched;
        auto checked = validate_row(fields_of(row), limits);
        if (auto* reason = std::get_if<std::string>(&checked)) {
            out.rejected.push_back({row.symbol, std::move(row.raw), std::move(*reason)});
            continue;
        }
        Bar& bar = std::get<Bar>(checked);
        if (!seen.insert(bar.symbol, bar.day)) {
            out.rejected.push_back(
                {row.symbol, std::move(row.raw),
                 "duplicate (symbol, date): " + format_iso_date(bar.day) + " appears twice"});
            continue;
        }
        out.bars.push_back(std::move(bar));
    }
    // newest-first sources: load oldest first, so a stopped run never leaves a gap that the
    // next incremental run (which resumes after the last stored date) would skip
    std::sort(out.bars.begin() + static_cast<std::ptrdiff_t>(first_new), out.bars.end(),
              [](const Bar& a, const Bar& b) { return a.day < b.day; });
}

}  // namespace pgp::fetch
