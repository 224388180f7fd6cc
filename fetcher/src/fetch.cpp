#include "fetch.hpp"

#include <ctime>
#include <optional>
#include <thread>

#include "url.hpp"

namespace pgp::fetch {

namespace {
std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

constexpr int max_pages = 100;
constexpr std::size_t quarantined_body_limit = 8192;
}  // namespace

void Throttle::wait() {
    std::int64_t start = 0;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        start = spacing_.reserve(now_ms());
    }
    const std::int64_t delay = start - now_ms();
    if (delay > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay));
}

namespace {
// One page: requests `url` until it answers Ok, retrying what is retryable with backoff. nullopt
// when the symbol failed (out.failed and out.error set). A malformed body is quarantined.
std::optional<ParsedResponse> fetch_page(const FetchSettings& s, HttpClient& http,
                                         Throttle& throttle, Log& log, std::mt19937_64& rng,
                                         const std::string& symbol, const std::string& url,
                                         SymbolFetch& out) {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (int attempt = 0;; ++attempt) {
        throttle.wait();
        HttpResponse response = http.get(url);
        std::optional<std::int64_t> retry_after;
        ParsedResponse parsed;
        if (!response.transport_error.empty()) {
            parsed.outcome = Outcome::Transient;
            parsed.message = response.transport_error;
        } else {
            parsed = parse_response(s.provider, response.status, response.body, symbol);
            if (response.retry_after)
                retry_after = parse_retry_after(*response.retry_after, std::time(nullptr));
            if (parsed.malformed) {
                // keep what the provider sent, for whoever investigates
                std::string body = response.body.substr(0, quarantined_body_limit);
                out.rows.rejected.push_back(
                    {symbol, log.redacted(body), log.redacted(parsed.message)});
            }
        }
        if (parsed.outcome == Outcome::Ok) return parsed;
        if (!retryable(parsed.outcome) || attempt >= s.retry.max_retries) {
            out.failed = true;
            out.error = log.redacted(parsed.message) +
                        (retryable(parsed.outcome)
                             ? " (gave up after " + std::to_string(attempt + 1) + " attempts)"
                             : "");
            return std::nullopt;
        }
        if (retry_after && *retry_after > s.retry.retry_after_max_ms) {
            out.failed = true;
            out.error = log.redacted(parsed.message) + " (Retry-After " +
                        std::to_string(*retry_after / 1000) +
                        " s is longer than --retry-after-max-ms)";
            return std::nullopt;
        }
        const std::int64_t delay = backoff_delay_ms(s.retry, attempt, unit(rng), retry_after);
        log.info(symbol + ": " + outcome_name(parsed.outcome) + ": " + parsed.message + "; retry " +
                 std::to_string(attempt + 1) + "/" + std::to_string(s.retry.max_retries) + " in " +
                 std::to_string(delay) + " ms");
        std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    }
}

// The URL of the page after this one, with the key; "" when there is none. The next page is
// followed only on the host we were sent to, since it gets the key: false for another host.
bool next_page_url(const FetchSettings& s, const std::string& base, const std::string& next_url,
                   std::string& url) {
    url.clear();
    if (next_url.empty()) return true;
    const ProviderInfo& info = provider_info(s.provider);
    std::string next = next_url;
    const std::string official = info.default_base_url ? info.default_base_url : "";
    if (!official.empty() && next.rfind(official, 0) == 0)
        next = base + next.substr(official.size());
    if (next.rfind(base + "/", 0) != 0) return false;
    url = next + (next.find('?') == std::string::npos ? "?" : "&") +
          "apiKey=" + url_encode(s.api_key);
    return true;
}
}  // namespace

SymbolFetch fetch_symbol(const FetchSettings& s, HttpClient& http, Throttle& throttle, Log& log,
                         std::mt19937_64& rng, const std::string& symbol, Day from, Day to) {
    SymbolFetch out;
    out.symbol = symbol;
    out.from = from;
    out.to = to;
    const std::string base = trim_base_url(s.base_url);
    std::string url = build_url(s.provider, base, {symbol, from, to, s.today}, s.api_key);
    BatchKeys seen;
    for (int page = 0; page < max_pages && !url.empty(); ++page) {
        std::optional<ParsedResponse> parsed =
            fetch_page(s, http, throttle, log, rng, symbol, url, out);
        if (!parsed) return out;
        if (parsed->empty_bars)
            log.info(symbol + ": " + std::to_string(parsed->empty_bars) +
                     " bars without any price skipped");
        screen_rows(parsed->rows, from, to, s.limits, seen, out.rows);
        if (!next_page_url(s, base, parsed->next_url, url)) {
            out.failed = true;
            out.error = "next_url points to another host: " + log.redacted(parsed->next_url);
            return out;
        }
    }
    if (!url.empty()) {
        out.failed = true;
        out.error = "more than " + std::to_string(max_pages) + " pages";
    }
    // the last request's rows are sorted by screen_rows; pages come oldest first (sort=asc)
    return out;
}

}  // namespace pgp::fetch
