#include "url.hpp"

#include <cctype>

namespace pgp::fetch {

std::string url_encode(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

std::string trim_base_url(std::string_view base) {
    while (!base.empty() && base.back() == '/') base.remove_suffix(1);
    return std::string(base);
}

namespace {
bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}
}  // namespace

std::string redact(std::string_view text, const std::vector<std::string>& secrets) {
    std::string out(text);
    for (const std::string& secret : secrets) {
        if (secret.empty()) continue;
        for (std::size_t at = out.find(secret); at != std::string::npos;
             at = out.find(secret, at + 3))
            out.replace(at, secret.size(), "***");
    }
    // Query parameters that carry credentials, whatever their value (a key from another source).
    static constexpr std::string_view names[] = {"apikey", "api_key", "token", "access_token"};
    std::size_t i = 0;
    while ((i = out.find_first_of("?&", i)) != std::string::npos) {
        const std::size_t name_start = i + 1;
        const std::size_t eq = out.find('=', name_start);
        if (eq == std::string::npos) break;
        const std::string_view name(out.data() + name_start, eq - name_start);
        bool secret_name = false;
        for (std::string_view n : names) secret_name = secret_name || iequals(name, n);
        std::size_t value_end = out.find_first_of("& \t\r\n\"'", eq + 1);
        if (value_end == std::string::npos) value_end = out.size();
        if (secret_name && value_end > eq + 1) out.replace(eq + 1, value_end - eq - 1, "***");
        i = eq + 1;
    }
    return out;
}

}  // namespace pgp::fetch
