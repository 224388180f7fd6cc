// URL pieces and the redaction that keeps API keys out of every log line and message.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pgp::fetch {

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string url_encode(std::string_view text);

// The base URL without trailing slashes, so "http://h:1/" + "/query" does not double them.
std::string trim_base_url(std::string_view base);

// Replaces each secret (an API key) wherever it occurs, and the value of any query parameter
// named apikey / api_key / apiKey / token / access_token, by "***".
std::string redact(std::string_view text, const std::vector<std::string>& secrets);

}  // namespace pgp::fetch
