// Alpha Vantage TIME_SERIES_DAILY (and FX_DAILY for currency pairs). Success: {"Meta Data": {...},
// "Time Series (Daily)": {"2024-05-03": {"1. open": "166.9500", "2. high": ..., "3. low": ...,
// "4. close": ..., "5. volume": "4478419"}, ...}} newest first. Every error comes with HTTP 200:
// {"Error Message": ...} (bad symbol or call), {"Note": ...} (call frequency exceeded),
// {"Information": ...} (rate limit, or a premium endpoint / demo key).
#include "provider_common.hpp"

namespace pgp::fetch {

using namespace detail;

namespace {
constexpr BarFields daily_fields = {"1. open", "2. high", "3. low", "4. close", "5. volume"};
constexpr BarFields adjusted_fields = {"1. open", "2. high", "3. low", "4. close", "6. volume"};

ParsedResponse read_alphavantage(long status, const json& j, std::string_view body,
                                 const std::string& symbol) {
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
    if (auto by_status = status_failure(status, body)) return *std::move(by_status);

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
        // TIME_SERIES_DAILY_ADJUSTED's shape puts the adjusted close before the volume
        const bool adjusted = v.contains("5. adjusted close");
        RawRow row = row_of_bar(v, adjusted ? adjusted_fields : daily_fields, symbol, it.key());
        if (adjusted) row.adj_close = value_text(v, "5. adjusted close");
        row.raw = json{{it.key(), v}}.dump();  // the date is the key: keep it with the bar
        r.rows.push_back(std::move(row));
    }
    return r;
}
}  // namespace

ParsedResponse parse_alphavantage(long status, std::string_view body, const std::string& symbol) {
    return read_json_response(status, body, symbol, BodyShape::Object, &read_alphavantage);
}

}  // namespace pgp::fetch
