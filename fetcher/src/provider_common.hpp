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

// Parses JSON without throwing; nullopt (and the parser's message) when malformed.
std::optional<json> parse_json(std::string_view body, std::string& error);

// A short excerpt of a text for messages.
std::string excerpt(std::string_view text, std::size_t limit = 200);

bool contains_ci(std::string_view haystack, std::string_view needle) noexcept;

}  // namespace pgp::fetch::detail
