// The quote sources: their names, defaults, request URLs and response parsers. Everything here
// is pure (text in, values out) so each provider's real response shapes are unit-tested.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "civil_date.hpp"
#include "rows.hpp"

namespace pgp::fetch {

enum class Provider { TwelveData, AlphaVantage, Polygon, Yahoo, Csv };

struct ProviderInfo {
    Provider provider;
    const char* name;                    // on the command line and in quotes.source
    const char* key_env;                 // environment variable with the API key, or nullptr
    const char* default_base_url;        // nullptr for csv
    double default_requests_per_minute;  // the free tier's limit; 0 = none
};

const ProviderInfo& provider_info(Provider provider) noexcept;
std::optional<Provider> provider_from_name(std::string_view name) noexcept;
std::string provider_names();  // "twelvedata, alphavantage, polygon, yahoo, csv"

// What a request is about.
struct RequestSpec {
    std::string symbol;  // our symbol: AAPL, SAP.DE, EUR/USD
    Day from = 0, to = 0;
    Day today = 0;  // the current UTC date (Alpha Vantage picks compact or full from it)
};

// The request URL (with the key in it: only ever log it through redact()).
std::string build_url(Provider provider, const std::string& base_url, const RequestSpec& spec,
                      const std::string& api_key);

// How a response ends: rows, or an error that a retry may or may not cure.
enum class Outcome {
    Ok,
    RateLimited,  // HTTP 429 or a provider's rate-limit answer: retry after a pause
    Transient,    // HTTP 5xx, timeouts, connection errors: retry
    Permanent,    // unknown symbol, bad key, malformed body: retrying will not help
};
const char* outcome_name(Outcome outcome) noexcept;

struct ParsedResponse {
    Outcome outcome = Outcome::Ok;
    std::string message;         // for errors: what the provider said
    bool malformed = false;      // the body was not the JSON we expect: keep it in quarantine
    std::vector<RawRow> rows;    // in the order the provider sent them
    std::size_t empty_bars = 0;  // Yahoo's all-null placeholder bars (holidays): not data
    std::string next_url;        // Polygon's next page, if any (without the key)
};

// Parses a response body with its HTTP status. `symbol` is ours; rows carry it.
ParsedResponse parse_response(Provider provider, long http_status, std::string_view body,
                              const std::string& symbol);

ParsedResponse parse_twelvedata(long http_status, std::string_view body, const std::string& symbol);
ParsedResponse parse_alphavantage(long http_status, std::string_view body,
                                  const std::string& symbol);
ParsedResponse parse_polygon(long http_status, std::string_view body, const std::string& symbol);
ParsedResponse parse_yahoo(long http_status, std::string_view body, const std::string& symbol);

}  // namespace pgp::fetch
