// Twelve Data /time_series. Success: {"meta": {...}, "values": [{"datetime": "2024-01-31",
// "open": "187.04", ..., "volume": "55467800"}, ...], "status": "ok"}, newest first, values as
// strings, no volume for currency pairs. Errors: {"code": 429, "message": "You have run out of
// API credits ...", "status": "error"}, usually under HTTP 200.
#include "provider_common.hpp"

namespace pgp::fetch {

using namespace detail;

namespace {
ParsedResponse read_twelvedata(long status, const json& j, std::string_view body,
                               const std::string& symbol) {
    if (j.value("status", "") == "error") {
        const long code =
            j.contains("code") && j["code"].is_number_integer() ? j["code"].get<long>() : status;
        const std::string message = j.contains("message") && j["message"].is_string()
                                        ? j["message"].get<std::string>()
                                        : "";
        // an empty span (a weekend, a holiday) is not a failure
        if (contains_ci(message, "No data is available")) return {};
        Outcome o = Outcome::Permanent;
        if (code == 429)
            o = Outcome::RateLimited;
        else if (code >= 500)
            o = Outcome::Transient;
        return failure(o, "Twelve Data error " + std::to_string(code) + ": " + excerpt(message));
    }
    if (auto by_status = status_failure(status, body)) return *std::move(by_status);

    const auto values = j.find("values");
    if (values == j.end() || !values->is_array())
        return failure(Outcome::Permanent,
                       "unexpected response without \"values\": " + excerpt(body), true);
    ParsedResponse r;
    r.rows.reserve(values->size());
    for (const json& v : *values)
        r.rows.push_back(row_of_bar(v, {"open", "high", "low", "close", "volume"}, symbol,
                                    value_text(v, "datetime").value_or("")));
    return r;
}
}  // namespace

ParsedResponse parse_twelvedata(long status, std::string_view body, const std::string& symbol) {
    return read_json_response(status, body, symbol, BodyShape::Object, &read_twelvedata);
}

}  // namespace pgp::fetch
