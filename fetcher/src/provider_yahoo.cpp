// Yahoo Finance v8 chart. Success: {"chart": {"result": [{"meta": {"gmtoffset": -18000,
// "exchangeTimezoneName": "America/New_York", ...}, "timestamp": [1704205800, ...],
// "indicators": {"quote": [{"open": [...], "high": [...], "low": [...], "close": [...],
// "volume": [...]}], "adjclose": [{"adjclose": [...]}]}}], "error": null}}: parallel arrays that
// may hold nulls. Failure: {"chart": {"result": null, "error": {"code": "Not Found",
// "description": ...}}} (HTTP 404), or a plain-text "Too Many Requests" with HTTP 429.
// A daily bar's timestamp is the session's opening time; its date is taken at the exchange's
// UTC offset (gmtoffset), which is never hours away from the session's own date.
#include "provider_common.hpp"

namespace pgp::fetch {

using namespace detail;

namespace {
// The rows of chart.result[0]: one per timestamp, from the parallel arrays that may hold nulls.
void read_yahoo_result(const json& result, const std::string& symbol, ParsedResponse& r) {
    const auto ts = result.find("timestamp");
    if (ts == result.end() || ts->is_null()) return;  // an empty span
    const std::int64_t gmtoffset = result.contains("meta") &&
                                           result["meta"].contains("gmtoffset") &&
                                           result["meta"]["gmtoffset"].is_number_integer()
                                       ? result["meta"]["gmtoffset"].get<std::int64_t>()
                                       : 0;
    static const json empty_array = json::array();
    const json* quote = &empty_array;
    const json* adj = &empty_array;
    if (result.contains("indicators")) {
        const json& ind = result["indicators"];
        if (ind.contains("quote") && ind["quote"].is_array() && !ind["quote"].empty())
            quote = &ind["quote"][0];
        if (ind.contains("adjclose") && ind["adjclose"].is_array() && !ind["adjclose"].empty())
            adj = &ind["adjclose"][0];
    }
    auto column = [](const json* holder, const char* name) -> const json* {
        if (holder->is_object() && holder->contains(name) && (*holder)[name].is_array())
            return &(*holder)[name];
        return nullptr;
    };
    const json* open = column(quote, "open");
    const json* high = column(quote, "high");
    const json* low = column(quote, "low");
    const json* close = column(quote, "close");
    const json* volume = column(quote, "volume");
    const json* adjclose = column(adj, "adjclose");
    auto at = [](const json* col, std::size_t i) -> std::optional<std::string> {
        if (!col || i >= col->size()) return std::nullopt;
        return value_text((*col)[i]);
    };
    for (std::size_t i = 0; i < ts->size(); ++i) {
        RawRow row;
        row.symbol = symbol;
        const json& t = (*ts)[i];
        if (t.is_number_integer())
            row.date = format_iso_date(utc_day_of(t.get<std::int64_t>() + gmtoffset));
        else
            row.date = "timestamp=" + t.dump();
        row.open = at(open, i);
        row.high = at(high, i);
        row.low = at(low, i);
        row.close = at(close, i);
        row.volume = at(volume, i);
        row.adj_close = at(adjclose, i);
        if (!row.open && !row.high && !row.low && !row.close && !row.adj_close) {
            ++r.empty_bars;  // a placeholder with no prices at all
            continue;
        }
        json raw = {{"timestamp", t}};
        auto put = [&](const char* name, const json* col) {
            raw[name] = col && i < col->size() ? (*col)[i] : json();
        };
        put("open", open), put("high", high), put("low", low), put("close", close),
            put("volume", volume);
        put("adjclose", adjclose);
        row.raw = raw.dump();
        r.rows.push_back(std::move(row));
    }
}

ParsedResponse read_yahoo(long status, const json& j, std::string_view body,
                          const std::string& symbol) {
    const json* chart =
        j.is_object() && j.contains("chart") && j["chart"].is_object() ? &j["chart"] : nullptr;
    if (chart && chart->contains("error") && !(*chart)["error"].is_null()) {
        const json& e = (*chart)["error"];
        const std::string code = value_text(e, "code").value_or("error");
        const std::string description = value_text(e, "description").value_or("");
        Outcome o = outcome_of_status(status).value_or(Outcome::Permanent);
        return failure(o, "Yahoo " + code + ": " + excerpt(description));
    }
    if (auto by_status = status_failure(status, body)) return *std::move(by_status);
    if (!chart || !chart->contains("result") || !(*chart)["result"].is_array() ||
        (*chart)["result"].empty())
        return failure(Outcome::Permanent,
                       "unexpected response without chart.result: " + excerpt(body), true);

    ParsedResponse r;
    read_yahoo_result((*chart)["result"][0], symbol, r);
    return r;
}
}  // namespace

ParsedResponse parse_yahoo(long status, std::string_view body, const std::string& symbol) {
    return read_json_response(status, body, symbol, BodyShape::AnyJson, &read_yahoo);
}

}  // namespace pgp::fetch
