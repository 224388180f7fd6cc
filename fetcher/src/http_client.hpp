// A thin libcurl wrapper: GET a URL with a whole-request timeout; report the status, the body,
// Retry-After, or the transport failure. One client per worker thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace pgp::fetch {

struct HttpResponse {
    long status = 0;  // 0 when the transfer failed
    std::string body;
    std::optional<std::string> retry_after;  // the Retry-After header, if any
    std::string transport_error;             // non-empty when no response arrived
    bool timed_out = false;
};

class HttpClient {
  public:
    HttpClient(std::int64_t timeout_ms, std::string user_agent);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    HttpResponse get(const std::string& url);

  private:
    struct Handle;
    std::unique_ptr<Handle> handle_;
    std::int64_t timeout_ms_;
    std::string user_agent_;
};

// curl_global_init / cleanup for the life of main().
class CurlGlobal {
  public:
    CurlGlobal();
    ~CurlGlobal();
    CurlGlobal(const CurlGlobal&) = delete;
    CurlGlobal& operator=(const CurlGlobal&) = delete;
};

}  // namespace pgp::fetch
