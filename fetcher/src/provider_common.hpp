// Helpers shared by the provider parsers (internal to fetcher/src).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "providers.hpp"

namespace pgp::fetch::detail {

using nlohmann::json;

// A JSON value as text: strings as they are, numbers in their shortest exact form, null and
// absent as nullopt; anything else (objects, booleans) as its JSON text, which validation then
// refuses as "not a number".
std::optional<std::string> value_text(const json& object, const char* key);
std::optional<std::string> value_text(const json& value);

// The outcome of a non-2xx HTTP status before looking at the body.
std::optional<Outcome> outcome_of_status(long http_status) noexcept;

ParsedResponse failure(Outcome outcome, std::string message, bool malformed = false);

// The failure "HTTP <status>: <start of the body>" when the status is not 2xx; nullopt for 2xx.
// A provider asks this after reading the errors its body can name, which say more.
std::optional<ParsedResponse> status_failure(long http_status, std::string_view body);

// Parses JSON without throwing; nullopt (and the parser's message) when malformed.
std::optional<json> parse_json(std::string_view body, std::string& error);

// The body as JSON. When it is not JSON: nullopt, and in `failed` the answer to give, the
// status's failure when there is one (an error page from a proxy is seldom JSON), else a
// malformed response with the parser's message.
std::optional<json> parse_body(long http_status, std::string_view body, ParsedResponse& failed);
// The same for the providers whose every answer is a JSON object: other JSON is malformed
// whatever the status.
std::optional<json> parse_object_body(long http_status, std::string_view body,
                                      ParsedResponse& failed);

// A provider's reader of a response whose body is JSON (`j`; `body` is the same, as sent).
using JsonReader = ParsedResponse (*)(long http_status, const json& j, std::string_view body,
                                      const std::string& symbol);
enum class BodyShape { Object, AnyJson };
// Parses the body (parse_object_body or parse_body, by shape) and reads it; the failure when it
// does not parse. Every provider's parse_<provider> is this with its reader.
ParsedResponse read_json_response(long http_status, std::string_view body,
                                  const std::string& symbol, BodyShape shape, JsonReader read);

// What a provider calls a bar's fields in the JSON object it sends for one day.
struct BarFields {
    const char* open;
    const char* high;
    const char* low;
    const char* close;
    const char* volume;
};
// A row from one day's JSON object, its raw text that object as sent; adj_close unset.
RawRow row_of_bar(const json& bar, const BarFields& fields, const std::string& symbol,
                  std::string date);

// A short excerpt of a text for messages.
std::string excerpt(std::string_view text, std::size_t limit = 200);

bool contains_ci(std::string_view haystack, std::string_view needle) noexcept;

}  // namespace pgp::fetch::detail
