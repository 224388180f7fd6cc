#include "http_client.hpp"

#include <curl/curl.h>

#include <cctype>
#include <string_view>

namespace pgp::fetch {

struct HttpClient::Handle {
    CURL* curl = nullptr;
    ~Handle() {
        if (curl) curl_easy_cleanup(curl);
    }
};

namespace {
constexpr std::size_t max_body = 256u << 20;  // a daily history is far smaller

struct Sink {
    HttpResponse* response;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* sink = static_cast<Sink*>(user);
    const std::size_t n = size * count;
    if (sink->response->body.size() + n > max_body) return 0;  // aborts the transfer
    sink->response->body.append(data, n);
    return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* sink = static_cast<Sink*>(user);
    const std::size_t n = size * count;
    std::string_view line(data, n);
    constexpr std::string_view name = "retry-after:";
    if (line.size() > name.size()) {
        bool match = true;
        for (std::size_t i = 0; i < name.size() && match; ++i)
            match = std::tolower(static_cast<unsigned char>(line[i])) == name[i];
        if (match) {
            std::string_view v = line.substr(name.size());
            while (!v.empty() && (v.back() == '\n' || v.back() == '\r' || v.back() == ' '))
                v.remove_suffix(1);
            while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
            sink->response->retry_after = std::string(v);
        }
    }
    // a new response (after a redirect or 100-continue) starts over
    if (line.rfind("HTTP/", 0) == 0) sink->response->retry_after.reset();
    return n;
}
}  // namespace

HttpClient::HttpClient(std::int64_t timeout_ms, std::string user_agent)
    : handle_(std::make_unique<Handle>()),
      timeout_ms_(timeout_ms),
      user_agent_(std::move(user_agent)) {
    handle_->curl = curl_easy_init();
}

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::get(const std::string& url) {
    HttpResponse response;
    CURL* c = handle_->curl;
    if (!c) {
        response.transport_error = "curl_easy_init failed";
        return response;
    }
    Sink sink{&response};
    char error[CURL_ERROR_SIZE] = {};
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms_));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout_ms_));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS timeouts
    curl_easy_setopt(c, CURLOPT_USERAGENT, user_agent_.c_str());
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");  // whatever libcurl can decode
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &sink);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
    const CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
        // libcurl's messages name the host, never the query string
        response.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
        response.transport_error =
            response.timed_out
                ? "no complete response within " + std::to_string(timeout_ms_) + " ms"
                : std::string(error[0] ? error : curl_easy_strerror(rc));
        response.status = 0;
        return response;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
}

CurlGlobal::CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
CurlGlobal::~CurlGlobal() { curl_global_cleanup(); }

}  // namespace pgp::fetch
