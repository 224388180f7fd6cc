#include "providers.hpp"

#include <cctype>

#include "provider_common.hpp"
#include "url.hpp"

namespace pgp::fetch {

namespace {
// Free tiers: Twelve Data 8 credits/min, Alpha Vantage 5/min (and 25/day), Polygon 5/min;
// Yahoo publishes none, 60/min stays polite.
constexpr ProviderInfo providers[] = {
    {Provider::TwelveData, "twelvedata", "TWELVEDATA_API_KEY", "https://api.twelvedata.com", 8},
    {Provider::AlphaVantage, "alphavantage", "ALPHAVANTAGE_API_KEY", "https://www.alphavantage.co",
     5},
    {Provider::Polygon, "polygon", "POLYGON_API_KEY", "https://api.polygon.io", 5},
    {Provider::Yahoo, "yahoo", nullptr, "https://query1.finance.yahoo.com", 60},
    {Provider::Csv, "csv", nullptr, nullptr, 0},
};
}  // namespace

const ProviderInfo& provider_info(Provider p) noexcept {
    for (const ProviderInfo& info : providers)
        if (info.provider == p) return info;
    return providers[0];
}

std::optional<Provider> provider_from_name(std::string_view name) noexcept {
    for (const ProviderInfo& info : providers)
        if (name == info.name) return info.provider;
    return std::nullopt;
}

std::string provider_names() {
    std::string out;
    for (const ProviderInfo& info : providers) {
        if (!out.empty()) out += ", ";
        out += info.name;
    }
    return out;
}

const char* outcome_name(Outcome o) noexcept {
    switch (o) {
        case Outcome::Ok:
            return "ok";
        case Outcome::RateLimited:
            return "rate limited";
        case Outcome::Transient:
            return "transient error";
        case Outcome::Permanent:
            return "error";
    }
    return "error";
}

namespace {
std::int64_t epoch_seconds(Day d) { return static_cast<std::int64_t>(d) * 86400; }
}  // namespace

std::string build_url(Provider provider, const std::string& base_url, const RequestSpec& spec,
                      const std::string& api_key) {
    const std::string base = trim_base_url(base_url);
    const std::optional<FxPair> fx = fx_pair_of(spec.symbol);
    switch (provider) {
        case Provider::TwelveData:
            // end_date is sent a day late so that it covers --to whether the API reads it as
            // inclusive or exclusive; rows past --to are dropped by the caller.
            return base + "/time_series?symbol=" + url_encode(spec.symbol) +
                   "&interval=1day&start_date=" + format_iso_date(spec.from) +
                   "&end_date=" + format_iso_date(spec.to + 1) +
                   "&outputsize=5000&format=JSON&apikey=" + url_encode(api_key);
        case Provider::AlphaVantage: {
            // compact = the latest 100 sessions; enough when the span starts within ~4 months
            const char* size = spec.from >= spec.today - 120 ? "compact" : "full";
            if (fx)
                return base + "/query?function=FX_DAILY&from_symbol=" + fx->base +
                       "&to_symbol=" + fx->quote + "&outputsize=" + size +
                       "&datatype=json&apikey=" + url_encode(api_key);
            return base + "/query?function=TIME_SERIES_DAILY&symbol=" + url_encode(spec.symbol) +
                   "&outputsize=" + size + "&datatype=json&apikey=" + url_encode(api_key);
        }
        case Provider::Polygon: {
            const std::string ticker = fx ? "C:" + fx->base + fx->quote : spec.symbol;
            // unadjusted bars: quotes.close is the traded price; adj_close stays NULL
            return base + "/v2/aggs/ticker/" + url_encode(ticker) + "/range/1/day/" +
                   format_iso_date(spec.from) + "/" + format_iso_date(spec.to) +
                   "?adjusted=false&sort=asc&limit=50000&apiKey=" + url_encode(api_key);
        }
        case Provider::Yahoo: {
            const std::string ticker = fx ? fx->base + fx->quote + "=X" : spec.symbol;
            // a day of margin each side: exchanges east of UTC stamp their sessions the day before
            return base + "/v8/finance/chart/" + url_encode(ticker) +
                   "?period1=" + std::to_string(epoch_seconds(spec.from - 1)) +
                   "&period2=" + std::to_string(epoch_seconds(spec.to + 2)) +
                   "&interval=1d&events=div%2Csplit&includeAdjustedClose=true";
        }
        case Provider::Csv:
            break;
    }
    return {};
}

ParsedResponse parse_response(Provider provider, long status, std::string_view body,
                              const std::string& symbol) {
    // Valid JSON of an unexpected shape (a number where an object belongs) makes nlohmann throw
    // type errors; that is a malformed response, not a crash.
    try {
        switch (provider) {
            case Provider::TwelveData:
                return parse_twelvedata(status, body, symbol);
            case Provider::AlphaVantage:
                return parse_alphavantage(status, body, symbol);
            case Provider::Polygon:
                return parse_polygon(status, body, symbol);
            case Provider::Yahoo:
                return parse_yahoo(status, body, symbol);
            case Provider::Csv:
                break;
        }
    } catch (const std::exception& e) {
        if (auto failed = detail::status_failure(status, body)) return *std::move(failed);
        return detail::failure(Outcome::Permanent,
                               std::string("unexpected response shape: ") + e.what(), true);
    }
    return detail::failure(Outcome::Permanent, "csv is not an HTTP provider");
}

namespace detail {

std::optional<std::string> value_text(const json& v) {
    if (v.is_null()) return std::nullopt;
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
    if (v.is_number_unsigned()) return std::to_string(v.get<std::uint64_t>());
    return v.dump();  // floats in shortest round-trip form; other kinds fail validation
}

std::optional<std::string> value_text(const json& object, const char* key) {
    if (!object.is_object()) return std::nullopt;
    const auto it = object.find(key);
    if (it == object.end()) return std::nullopt;
    return value_text(*it);
}

std::optional<Outcome> outcome_of_status(long status) noexcept {
    if (status == 429) return Outcome::RateLimited;
    if (status >= 500) return Outcome::Transient;
    if (status == 408) return Outcome::Transient;
    if (status < 200 || status >= 300) return Outcome::Permanent;
    return std::nullopt;
}

ParsedResponse failure(Outcome outcome, std::string message, bool malformed) {
    ParsedResponse r;
    r.outcome = outcome;
    r.message = std::move(message);
    r.malformed = malformed;
    return r;
}

std::optional<ParsedResponse> status_failure(long status, std::string_view body) {
    if (const auto o = outcome_of_status(status))
        return failure(*o, "HTTP " + std::to_string(status) + ": " + excerpt(body));
    return std::nullopt;
}

std::optional<json> parse_json(std::string_view body, std::string& error) {
    json j = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
        // parse again with exceptions for the position and reason; only on the error path
        try {
            const json again = json::parse(body.begin(), body.end());
            (void)again;  // only reached if the two parses disagree
            error = "malformed JSON";
        } catch (const json::parse_error& e) {
            error = std::string("malformed JSON: ") + e.what();
        }
        return std::nullopt;
    }
    return j;
}

std::optional<json> parse_body(long status, std::string_view body, ParsedResponse& failed) {
    std::string error;
    std::optional<json> parsed = parse_json(body, error);
    if (!parsed) {
        auto by_status = status_failure(status, body);
        failed = by_status ? *std::move(by_status) : failure(Outcome::Permanent, error, true);
    }
    return parsed;
}

std::optional<json> parse_object_body(long status, std::string_view body, ParsedResponse& failed) {
    std::optional<json> parsed = parse_body(status, body, failed);
    if (parsed && !parsed->is_object()) {
        failed = failure(Outcome::Permanent, "unexpected response: " + excerpt(body), true);
        return std::nullopt;
    }
    return parsed;
}

ParsedResponse read_json_response(long status, std::string_view body, const std::string& symbol,
                                  BodyShape shape, JsonReader read) {
    ParsedResponse failed;
    const std::optional<json> parsed = shape == BodyShape::Object
                                           ? parse_object_body(status, body, failed)
                                           : parse_body(status, body, failed);
    if (!parsed) return failed;
    return read(status, *parsed, body, symbol);
}

RawRow row_of_bar(const json& bar, const BarFields& fields, const std::string& symbol,
                  std::string date) {
    RawRow row;
    row.symbol = symbol;
    row.date = std::move(date);
    row.open = value_text(bar, fields.open);
    row.high = value_text(bar, fields.high);
    row.low = value_text(bar, fields.low);
    row.close = value_text(bar, fields.close);
    row.volume = value_text(bar, fields.volume);
    row.raw = bar.dump();
    return row;
}

std::string excerpt(std::string_view text, std::size_t limit) {
    std::string out;
    for (char c : text.substr(0, limit))
        out.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
    if (text.size() > limit) out += "...";
    return out;
}

bool contains_ci(std::string_view h, std::string_view n) noexcept {
    if (n.size() > h.size()) return false;
    for (std::size_t i = 0; i + n.size() <= h.size(); ++i) {
        std::size_t k = 0;
        while (k < n.size() && std::tolower(static_cast<unsigned char>(h[i + k])) ==
                                   std::tolower(static_cast<unsigned char>(n[k])))
            ++k;
        if (k == n.size()) return true;
    }
    return false;
}

}  // namespace detail
}  // namespace pgp::fetch
