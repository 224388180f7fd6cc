// Polygon v2 aggregates. Success: {"ticker": "AAPL", "status": "OK" (or "DELAYED"), "resultsCount":
// 2, "results": [{"o": 130.465, "h": 133.41, "l": 129.89, "c": 130.15, "v": 7.0790813e+07,
// "vw": ..., "t": 1673240400000, "n": 645365}], "next_url": ...}; no "results" when the span is
// empty. "t" is the start of the bar in epoch milliseconds: midnight in New York for daily bars,
// so the date is taken in America/New_York. Errors: HTTP 429/401/403 with {"status": "ERROR" or
// "NOT_AUTHORIZED", "error" or "message": ...}.
#include "provider_common.hpp"

namespace pgp::fetch {

using namespace detail;

namespace {
ParsedResponse read_polygon(long status, const json& j, std::string_view body,
                            const std::string& symbol) {
    const std::string state = j.value("status", "");
    std::string said = value_text(j, "error").value_or(value_text(j, "message").value_or(""));
    if (const auto o = outcome_of_status(status))
        return failure(
            *o, "Polygon HTTP " + std::to_string(status) + " " + state + ": " + excerpt(said));
    if (state == "ERROR" || state == "NOT_AUTHORIZED") {
        const bool rate = contains_ci(said, "exceeded the maximum requests");
        return failure(rate ? Outcome::RateLimited : Outcome::Permanent,
                       "Polygon " + state + ": " + excerpt(said));
    }

    ParsedResponse r;
    if (const auto next = j.find("next_url"); next != j.end() && next->is_string())
        r.next_url = next->get<std::string>();
    const auto results = j.find("results");
    if (results == j.end() || results->is_null()) return r;  // an empty span
    if (!results->is_array())
        return failure(Outcome::Permanent, "unexpected \"results\": " + excerpt(body), true);
    r.rows.reserve(results->size());
    for (const json& v : *results) {
        const auto t = v.find("t");
        std::string date = t != v.end() && t->is_number_integer()
                               ? format_iso_date(new_york_day_of_epoch_ms(t->get<std::int64_t>()))
                               : "t=" + (t == v.end() ? std::string("missing") : t->dump());
        r.rows.push_back(row_of_bar(v, {"o", "h", "l", "c", "v"}, symbol, std::move(date)));
    }
    return r;
}
}  // namespace

ParsedResponse parse_polygon(long status, std::string_view body, const std::string& symbol) {
    return read_json_response(status, body, symbol, BodyShape::Object, &read_polygon);
}

}  // namespace pgp::fetch
