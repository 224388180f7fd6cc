// Alpha Vantage TIME_SERIES_DAILY (and FX_DAILY for currency pairs). Success: {"Meta Data": {...},
// "Time Series (Daily)": {"2024-05-03": {"1. open": "166.9500", "2. high": ..., "3. low": ...,
// "4. close": ..., "5. volume": "4478419"}, ...}} newest first. Every error comes with HTTP 200:
// {"Error Message": ...} (bad symbol or call), {"Note": ...} (call frequency exceeded),
// {"Information": ...} (rate limit, or a premium endpoint / demo key).
#include "provider_common.hpp"

namespace pgp::fetch {

using namespace detail;

ParsedResponse parse_alphavantage(long status, std::string_view body, const std::string& symbol) {
    std::string error;
    const std::optional<json> parsed = parse_json(body, error);
    if (!parsed) {
        if (const auto o = outcome_of_status(status))
            return failure(*o, "HTTP " + std::to_string(status) + ": " + excerpt(body));
        return failure(Outcome::Permanent, error, true);
    }
    const json& j = *parsed;
    if (!j.is_object())
        return failure(Outcome::Permanent, "unexpected response: " + excerpt(body), true);
    auto text_of = [&](const char* key) {
        const auto it = j.find(key);
        return it != j.end() && it->is_string() ? it->get<std::string>() : it->dump();
    };
    if (j.contains("Error Message"))
        return failure(Outcome::Permanent,
                       "Alpha Vantage error: " + excerpt(text_of("Error Message")));
    if (j.contains("Note"))
        return failure(Outcome::RateLimited, "Alpha Vantage note: " + excerpt(text_of("Note")));
    if (j.contains("Information")) {
        const std::string info = text_of("Information");
        const bool rate = contains_ci(info, "rate limit") || contains_ci(info, "call frequency") ||
                          contains_ci(info, "requests per") || contains_ci(info, "spreading out");
        return failure(rate ? Outcome::RateLimited : Outcome::Permanent,
                       "Alpha Vantage information: " + excerpt(info));
    }
    if (const auto o = outcome_of_status(status))
        return failure(*o, "HTTP " + std::to_string(status) + ": " + excerpt(body));

    const json* series = nullptr;
    for (const char* key : {"Time Series (Daily)", "Time Series FX (Daily)"}) {
        const auto it = j.find(key);
        if (it != j.end() && it->is_object()) series = &*it;
    }
    if (!series)
        return failure(Outcome::Permanent,
                       "unexpected response without a daily time series: " + excerpt(body), true);

    ParsedResponse r;
    r.rows.reserve(series->size());
    for (auto it = series->begin(); it != series->end(); ++it) {
        const json& v = it.value();
        RawRow row;
        row.symbol = symbol;
        row.date = it.key();
        row.open = value_text(v, "1. open");
        row.high = value_text(v, "2. high");
        row.low = value_text(v, "3. low");
        row.close = value_text(v, "4. close");
        if (v.contains("5. adjusted close")) {  // TIME_SERIES_DAILY_ADJUSTED's shape
            row.adj_close = value_text(v, "5. adjusted close");
            row.volume = value_text(v, "6. volume");
        } else {
            row.volume = value_text(v, "5. volume");
        }
        row.raw = json{{it.key(), v}}.dump();
        r.rows.push_back(std::move(row));
    }
    return r;
}

}  // namespace pgp::fetch
