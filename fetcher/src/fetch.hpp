// Fetching one symbol over HTTP: the request, the client-side rate limit, retries with backoff
// and jitter, Polygon's pagination, then screening (validation) of the rows.
#pragma once

#include <chrono>
#include <mutex>
#include <random>
#include <string>

#include "http_client.hpp"
#include "log.hpp"
#include "providers.hpp"
#include "retry.hpp"
#include "validation.hpp"

namespace pgp::fetch {

struct FetchSettings {
    Provider provider = Provider::TwelveData;
    std::string base_url;
    std::string api_key;
    RetryPolicy retry;
    ValidationLimits limits;
    Day today = 0;
};

// The client-side rate limit shared by the workers of one provider.
class Throttle {
  public:
    explicit Throttle(double requests_per_minute) : spacing_(requests_per_minute) {}
    void wait();

  private:
    std::mutex mutex_;
    RequestSpacing spacing_;
};

struct SymbolFetch {
    std::string symbol;
    Day from = 0, to = 0;
    ScreenedRows rows;
    bool failed = false;
    std::string error;
};

SymbolFetch fetch_symbol(const FetchSettings& settings, HttpClient& http, Throttle& throttle,
                         Log& log, std::mt19937_64& rng, const std::string& symbol, Day from,
                         Day to);

}  // namespace pgp::fetch
