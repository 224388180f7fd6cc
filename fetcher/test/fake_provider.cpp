// A stand-in for the four quote APIs, for the fetcher's integration suite. It serves fixture
// files (FIXTURES/<provider>/<SYMBOL>.json, '/' in a symbol spelled '_'), narrowed to the
// requested dates the way each API does, and scripted failures chosen by the symbol's name:
//   FLAKY*     first request: HTTP 429 with Retry-After: 1 (the provider's own 429 body)
//   LIMIT*     first request: the provider's rate-limit answer under HTTP 200 (Alpha Vantage
//              "Note", Twelve Data status "error" code 429; Polygon/Yahoo: HTTP 429)
//   BROKEN*    malformed JSON, every time
//   SLOW*      answers after 3 s, every time;  SLOWONCE* only the first time
//   DOWN*      HTTP 503, every time
//   STALL*     answers after STALL_MS (environment, default 30000) ms
//   PAGED*     (Polygon) the bars in two pages, linked by next_url on api.polygon.io
//   no fixture the provider's "unknown symbol" error
// Listens on 127.0.0.1 only, on a free port that it writes to --port-file. Every request line
// (with its query string) is appended to --log, so the suite can check what was asked.
#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>

using nlohmann::json;

namespace {

struct State {
    std::string fixtures;
    std::string log_path;
    std::mutex mutex;
    std::map<std::string, int> requests;  // per provider/symbol
};

std::optional<std::string> read_fixture(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string file_symbol(std::string s) {
    for (char& c : s)
        if (c == '/') c = '_';
    return s;
}

bool starts(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

long long epoch_of(const std::string& iso) {  // YYYY-MM-DD at 00:00 UTC
    std::tm tm{};
    if (std::sscanf(iso.c_str(), "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3) return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return static_cast<long long>(timegm(&tm));
}

// What the script says for this request: "" = serve the fixture.
std::string scripted(State& st, const std::string& provider, const std::string& symbol) {
    int n = 0;
    {
        std::lock_guard<std::mutex> lock(st.mutex);
        n = ++st.requests[provider + "/" + symbol];
    }
    if (starts(symbol, "FLAKY") && n == 1) return "429";
    if (starts(symbol, "LIMIT") && n == 1) return "limit";
    if (starts(symbol, "BROKEN")) return "broken";
    if (starts(symbol, "SLOWONCE")) {
        if (n == 1) std::this_thread::sleep_for(std::chrono::seconds(3));
        return "";
    }
    if (starts(symbol, "SLOW")) std::this_thread::sleep_for(std::chrono::seconds(3));
    if (starts(symbol, "STALL")) {
        const char* ms = std::getenv("STALL_MS");
        std::this_thread::sleep_for(std::chrono::milliseconds(ms ? std::atoll(ms) : 30000));
    }
    if (starts(symbol, "DOWN")) return "503";
    return "";
}

void log_request(State& st, const httplib::Request& req) {
    std::string line = req.path;
    char sep = '?';
    for (const auto& [k, v] : req.params) {
        line += sep + k + "=" + v;
        sep = '&';
    }
    std::lock_guard<std::mutex> lock(st.mutex);
    std::ofstream(st.log_path, std::ios::app) << line << "\n";
}

void send_json(httplib::Response& res, int status, const std::string& body) {
    res.status = status;
    res.set_content(body, "application/json");
}

// The common failures; true when the response is done.
bool common(const std::string& what, httplib::Response& res, const std::string& rate_body) {
    if (what == "429") {
        res.set_header("Retry-After", "1");
        send_json(res, 429, rate_body);
        return true;
    }
    if (what == "broken") {
        send_json(res, 200,
                  "{\"meta\": {\"symbol\": \"X\"}, \"values\": [{\"datetime\": \"2024-01-0");
        return true;
    }
    if (what == "503") {
        send_json(res, 503, "<html><body>503 Service Unavailable</body></html>");
        return true;
    }
    return false;
}

// Twelve Data: /time_series?symbol=&start_date=&end_date= (end_date exclusive here)
void serve_twelvedata(State& st, const httplib::Request& req, httplib::Response& res) {
    log_request(st, req);
    const std::string symbol = req.get_param_value("symbol");
    const std::string what = scripted(st, "twelvedata", symbol);
    if (common(
            what, res,
            R"({"code":429,"message":"You have run out of API credits for the current minute.","status":"error"})"))
        return;
    if (what == "limit") {
        send_json(
            res, 200,
            R"({"code":429,"message":"You have run out of API credits for the current minute. 9 API credits were used, with the current limit being 8.","status":"error"})");
        return;
    }
    const auto text = read_fixture(st.fixtures + "/twelvedata/" + file_symbol(symbol) + ".json");
    if (!text) {
        send_json(
            res, 200,
            R"({"code":400,"message":"**symbol** not found: )" + symbol +
                R"(. Please specify it correctly according to API Documentation.","status":"error"})");
        return;
    }
    json j = json::parse(*text);
    const std::string from = req.get_param_value("start_date"),
                      to = req.get_param_value("end_date");
    json kept = json::array();
    for (const json& v : j["values"]) {
        const std::string d = v["datetime"].get<std::string>().substr(0, 10);
        if ((from.empty() || d >= from) && (to.empty() || d < to)) kept.push_back(v);
    }
    if (kept.empty() && j["values"].size() > 0) {
        send_json(
            res, 200,
            R"({"code":400,"message":"No data is available on the specified dates. Try setting different start/end dates.","status":"error"})");
        return;
    }
    j["values"] = kept;
    send_json(res, 200, j.dump());
}

// Alpha Vantage: /query?function=TIME_SERIES_DAILY&symbol= or FX_DAILY&from_symbol=&to_symbol=
void serve_alphavantage(State& st, const httplib::Request& req, httplib::Response& res) {
    log_request(st, req);
    const std::string function = req.get_param_value("function");
    const std::string symbol = function == "FX_DAILY" ? req.get_param_value("from_symbol") + "/" +
                                                            req.get_param_value("to_symbol")
                                                      : req.get_param_value("symbol");
    const std::string what = scripted(st, "alphavantage", symbol);
    if (common(what, res, R"({"Note":"Thank you for using Alpha Vantage!"})")) return;
    if (what == "limit") {
        send_json(
            res, 200,
            R"({"Note":"Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute and 500 calls per day. Please visit https://www.alphavantage.co/premium/ if you would like to target a higher API call frequency."})");
        return;
    }
    if (function != "TIME_SERIES_DAILY" && function != "FX_DAILY") {
        send_json(res, 200,
                  R"({"Information":"This API function ()" + function + R"() does not exist."})");
        return;
    }
    const auto text = read_fixture(st.fixtures + "/alphavantage/" + file_symbol(symbol) + ".json");
    if (!text) {
        send_json(
            res, 200,
            R"({"Error Message":"Invalid API call. Please retry or visit the documentation (https://www.alphavantage.co/documentation/) for TIME_SERIES_DAILY."})");
        return;
    }
    json j = json::parse(*text);
    if (req.get_param_value("outputsize") == "compact") {  // the latest 100 sessions
        for (const char* key : {"Time Series (Daily)", "Time Series FX (Daily)"}) {
            if (!j.contains(key)) continue;
            json& series = j[key];
            while (series.size() > 100) series.erase(series.begin());  // keys sort oldest first
        }
    }
    send_json(res, 200, j.dump());
}

// Polygon: /v2/aggs/ticker/{ticker}/range/1/day/{from}/{to}
void serve_polygon(State& st, const httplib::Request& req, httplib::Response& res) {
    log_request(st, req);
    std::string ticker = req.matches[1];
    std::string symbol = ticker;
    if (starts(ticker, "C:") && ticker.size() == 8)
        symbol = ticker.substr(2, 3) + "/" + ticker.substr(5, 3);
    const std::string what = scripted(st, "polygon", symbol);
    if (common(
            what, res,
            R"({"status":"ERROR","request_id":"abc","error":"You've exceeded the maximum requests per minute, please wait or upgrade your subscription to continue. https://polygon.io/pricing"})"))
        return;
    if (what == "limit") {
        res.set_header("Retry-After", "1");
        send_json(
            res, 429,
            R"({"status":"ERROR","request_id":"abc","error":"You've exceeded the maximum requests per minute, please wait or upgrade your subscription to continue. https://polygon.io/pricing"})");
        return;
    }
    if (req.get_param_value("apiKey").empty()) {
        send_json(res, 401,
                  R"({"status":"ERROR","request_id":"","error":"API Key was not provided"})");
        return;
    }
    const auto text = read_fixture(st.fixtures + "/polygon/" + file_symbol(symbol) + ".json");
    if (!text) {
        send_json(
            res, 200,
            R"({"ticker":")" + ticker +
                R"(","queryCount":0,"resultsCount":0,"adjusted":false,"status":"OK","request_id":"abc","count":0})");
        return;
    }
    json j = json::parse(*text);
    // t is New York midnight: 04:00 or 05:00 UTC of the same date
    const long long from = epoch_of(req.matches[2]) * 1000,
                    to = (epoch_of(req.matches[3]) + 86400) * 1000;
    json kept = json::array();
    for (const json& r : j["results"]) {
        const long long t = r["t"].get<long long>();
        if (t >= from && t < to) kept.push_back(r);
    }
    // PAGED*: two pages, the first pointing at the second through Polygon's own host
    if (starts(symbol, "PAGED") && kept.size() > 1) {
        const std::size_t half = kept.size() / 2;
        const bool second = req.get_param_value("cursor") == "page2";
        json page = json::array();
        for (std::size_t i = second ? half : 0; i < (second ? kept.size() : half); ++i)
            page.push_back(kept[i]);
        if (!second)
            j["next_url"] = "https://api.polygon.io/v2/aggs/ticker/" + ticker + "/range/1/day/" +
                            std::string(req.matches[2]) + "/" + std::string(req.matches[3]) +
                            "?cursor=page2";
        kept = page;
    }
    j["results"] = kept;
    j["resultsCount"] = kept.size();
    j["queryCount"] = kept.size();
    j["count"] = kept.size();
    if (kept.empty()) j.erase("results");
    send_json(res, 200, j.dump());
}

// Yahoo: /v8/finance/chart/{ticker}?period1=&period2=
void serve_yahoo(State& st, const httplib::Request& req, httplib::Response& res) {
    log_request(st, req);
    std::string ticker = req.matches[1];
    std::string symbol = ticker;
    if (ticker.size() == 8 && ticker.substr(6) == "=X")
        symbol = ticker.substr(0, 3) + "/" + ticker.substr(3, 3);
    const std::string what = scripted(st, "yahoo", symbol);
    if (what == "429" || what == "limit") {
        res.status = 429;
        res.set_content("Too Many Requests\r\n", "text/plain");
        return;
    }
    if (common(what, res, "")) return;
    const auto text = read_fixture(st.fixtures + "/yahoo/" + file_symbol(symbol) + ".json");
    if (!text) {
        send_json(
            res, 404,
            R"({"chart":{"result":null,"error":{"code":"Not Found","description":"No data found, symbol may be delisted"}}})");
        return;
    }
    json j = json::parse(*text);
    const long long p1 = std::atoll(req.get_param_value("period1").c_str());
    const long long p2 = std::atoll(req.get_param_value("period2").c_str());
    json& result = j["chart"]["result"][0];
    json& q = result["indicators"]["quote"][0];
    json& adj = result["indicators"]["adjclose"][0]["adjclose"];
    json ts = json::array(), adj2 = json::array(), q2 = json::object();
    for (const char* k : {"open", "high", "low", "close", "volume"}) q2[k] = json::array();
    for (std::size_t i = 0; i < result["timestamp"].size(); ++i) {
        const long long t = result["timestamp"][i].get<long long>();
        if (t < p1 || t >= p2) continue;
        ts.push_back(t);
        adj2.push_back(adj[i]);
        for (const char* k : {"open", "high", "low", "close", "volume"}) q2[k].push_back(q[k][i]);
    }
    result["timestamp"] = ts;
    q = q2;
    adj = adj2;
    if (ts.empty()) {
        result.erase("timestamp");
        result["indicators"]["quote"][0] = json::object();
    }
    send_json(res, 200, j.dump());
}

}  // namespace

int main(int argc, char** argv) {
    State st;
    std::string port_file;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--fixtures")
            st.fixtures = argv[i + 1];
        else if (flag == "--port-file")
            port_file = argv[i + 1];
        else if (flag == "--log")
            st.log_path = argv[i + 1];
    }
    if (st.fixtures.empty() || port_file.empty() || st.log_path.empty()) {
        std::fprintf(stderr, "usage: fake_provider --fixtures DIR --port-file FILE --log FILE\n");
        return 2;
    }
    httplib::Server server;
    server.new_task_queue = [] { return new httplib::ThreadPool(16); };

    server.Get("/time_series", [&](const httplib::Request& req, httplib::Response& res) {
        serve_twelvedata(st, req, res);
    });

    server.Get("/query", [&](const httplib::Request& req, httplib::Response& res) {
        serve_alphavantage(st, req, res);
    });

    server.Get(
        R"(/v2/aggs/ticker/([^/]+)/range/1/day/([0-9-]+)/([0-9-]+))",
        [&](const httplib::Request& req, httplib::Response& res) { serve_polygon(st, req, res); });

    server.Get(
        R"(/v8/finance/chart/([^/]+))",
        [&](const httplib::Request& req, httplib::Response& res) { serve_yahoo(st, req, res); });

    server.Get("/__stats", [&](const httplib::Request&, httplib::Response& res) {
        std::lock_guard<std::mutex> lock(st.mutex);
        send_json(res, 200, json(st.requests).dump());
    });

    const int port = server.bind_to_any_port("127.0.0.1");
    if (port <= 0) {
        std::fprintf(stderr, "fake_provider: cannot bind 127.0.0.1\n");
        return 1;
    }
    std::ofstream(port_file) << port << "\n";
    server.listen_after_bind();
    return 0;
}
