// Each provider's real response shapes, success and failure, and the request URLs.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "providers.hpp"

using namespace pgp::fetch;

namespace {
RequestSpec spec(std::string symbol, Day from, Day to) {
    return {std::move(symbol), from, to, days_from_civil(2024, 6, 1)};
}
}  // namespace

TEST(Providers, NamesAndDefaults) {
    EXPECT_EQ(provider_from_name("twelvedata"), Provider::TwelveData);
    EXPECT_EQ(provider_from_name("csv"), Provider::Csv);
    EXPECT_FALSE(provider_from_name("TwelveData"));
    EXPECT_STREQ(provider_info(Provider::Polygon).key_env, "POLYGON_API_KEY");
    EXPECT_EQ(provider_info(Provider::Yahoo).key_env, nullptr);
    EXPECT_EQ(provider_names(), "twelvedata, alphavantage, polygon, yahoo, csv");
}

TEST(Providers, BuildsUrls) {
    const Day from = days_from_civil(2024, 1, 2), to = days_from_civil(2024, 1, 31);
    // a trailing slash on the base is dropped
    EXPECT_EQ(
        build_url(Provider::TwelveData, "http://h/", spec("AAPL", from, to), "K"),
        "http://h/time_series?symbol=AAPL&interval=1day&start_date=2024-01-02&end_date=2024-02-01"
        "&outputsize=5000&format=JSON&apikey=K");
    // base http://h and key K (Yahoo takes no key: none may appear); where only the start of the
    // URL matters (how a currency pair is written), just that start is compared
    struct Case {
        Provider provider;
        const char* symbol;
        Day start;
        const char* url;
        bool prefix_only;
    };
    const Case cases[] = {
        {Provider::TwelveData, "EUR/USD", from, "http://h/time_series?symbol=EUR%2FUSD&i", true},
        // Alpha Vantage: full history unless the span starts within the last ~4 months
        {Provider::AlphaVantage, "IBM", from,
         "http://h/"
         "query?function=TIME_SERIES_DAILY&symbol=IBM&outputsize=full&datatype=json&apikey=K",
         false},
        {Provider::AlphaVantage, "IBM", days_from_civil(2024, 5, 20),
         "http://h/"
         "query?function=TIME_SERIES_DAILY&symbol=IBM&outputsize=compact&datatype=json&apikey=K",
         false},
        {Provider::AlphaVantage, "EUR/USD", from,
         "http://h/"
         "query?function=FX_DAILY&from_symbol=EUR&to_symbol=USD&outputsize=full&datatype=json&"
         "apikey=K",
         false},
        {Provider::Polygon, "AAPL", from,
         "http://h/v2/aggs/ticker/AAPL/range/1/day/2024-01-02/"
         "2024-01-31?adjusted=false&sort=asc&limit=50000&apiKey=K",
         false},
        {Provider::Polygon, "EUR/USD", from, "http://h/v2/aggs/ticker/C%3AEURUSD", true},
        // Yahoo: seconds, a day of margin on each side
        {Provider::Yahoo, "SAP.DE", from,
         "http://h/v8/finance/chart/SAP.DE?period1=1704067200&period2=1706832000&interval=1d"
         "&events=div%2Csplit&includeAdjustedClose=true",
         false},
        {Provider::Yahoo, "EUR/USD", from, "http://h/v8/finance/chart/EURUSD%3DX", true},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(std::string(provider_info(c.provider).name) + " " + c.symbol);
        const std::string url = build_url(c.provider, "http://h", spec(c.symbol, c.start, to), "K");
        EXPECT_EQ(c.prefix_only ? url.substr(0, std::strlen(c.url)) : url, c.url);
    }
}

// --- Twelve Data ---------------------------------------------------------------------------------
TEST(TwelveData, ParsesValuesNewestFirstAsStrings) {
    const char* body =
        R"J({"meta":{"symbol":"AAPL","interval":"1day","currency":"USD","exchange_timezone":"America/New_York",
        "exchange":"NASDAQ","mic_code":"XNGS","type":"Common Stock"},
        "values":[{"datetime":"2024-01-31","open":"187.04000","high":"187.10001","low":"184.35001","close":"184.39999","volume":"55467800"},
                  {"datetime":"2024-01-30","open":"190.94000","high":"191.80000","low":"187.47000","close":"188.03999","volume":"55859400"}],
        "status":"ok"})J";
    const ParsedResponse r = parse_twelvedata(200, body, "AAPL");
    ASSERT_EQ(r.outcome, Outcome::Ok);
    ASSERT_EQ(r.rows.size(), 2u);
    EXPECT_EQ(r.rows[0].date, "2024-01-31");
    EXPECT_EQ(r.rows[0].close, "184.39999");
    EXPECT_EQ(r.rows[1].volume, "55859400");
    EXPECT_EQ(r.rows[0].symbol, "AAPL");
    EXPECT_NE(r.rows[0].raw.find("\"close\":\"184.39999\""), std::string::npos);
}

TEST(TwelveData, CurrencyPairsHaveNoVolumeAndNumbersWork) {
    const ParsedResponse r = parse_twelvedata(
        200,
        R"J({"meta":{"symbol":"EUR/USD"},"values":[{"datetime":"2024-01-31","open":1.0845,"high":1.0855,"low":1.0795,"close":1.082}],"status":"ok"})J",
        "EUR/USD");
    ASSERT_EQ(r.rows.size(), 1u);
    EXPECT_EQ(r.rows[0].close, "1.082");
    EXPECT_FALSE(r.rows[0].volume);
}

TEST(TwelveData, ErrorsUnderHttp200) {
    auto r = parse_twelvedata(
        200,
        R"J({"code":429,"message":"You have run out of API credits for the current minute. 12 API credits were used, with the current limit being 8.","status":"error"})J",
        "AAPL");
    EXPECT_EQ(r.outcome, Outcome::RateLimited);
    EXPECT_NE(r.message.find("Twelve Data error 429"), std::string::npos);
    r = parse_twelvedata(
        200,
        R"J({"code":400,"message":"**symbol** not found: XXXX. Please specify it correctly","status":"error"})J",
        "XXXX");
    EXPECT_EQ(r.outcome, Outcome::Permanent);
    r = parse_twelvedata(
        401,
        R"J({"code":401,"message":"**apikey** parameter is incorrect or not specified.","status":"error"})J",
        "A");
    EXPECT_EQ(r.outcome, Outcome::Permanent);
    r = parse_twelvedata(200, R"J({"code":500,"message":"internal","status":"error"})J", "A");
    EXPECT_EQ(r.outcome, Outcome::Transient);
    // an empty span (a weekend) is no failure
    r = parse_twelvedata(
        200,
        R"J({"code":400,"message":"No data is available on the specified dates. Try setting different start/end dates.","status":"error"})J",
        "A");
    EXPECT_EQ(r.outcome, Outcome::Ok);
    EXPECT_TRUE(r.rows.empty());
}

TEST(TwelveData, MalformedAndHttpErrors) {
    auto r = parse_twelvedata(200, R"J({"values":[{"datetime":"2024-01-3)", "A");
    EXPECT_EQ(r.outcome, Outcome::Permanent);
    EXPECT_TRUE(r.malformed);
    EXPECT_NE(r.message.find("malformed JSON"), std::string::npos);
    r = parse_twelvedata(502, "<html>Bad Gateway</html>", "A");
    EXPECT_EQ(r.outcome, Outcome::Transient);
    EXPECT_FALSE(r.malformed);
    r = parse_twelvedata(429, "Too Many Requests", "A");
    EXPECT_EQ(r.outcome, Outcome::RateLimited);
    r = parse_twelvedata(200, R"J({"status":"ok"})J",
                              "A");
    EXPECT_EQ(r.outcome, Outcome::Permanent);
    EXPECT_TRUE(r.malformed);
}

// --- Alpha Vantage -------------------------------------------------------------------------------
TEST(AlphaVantage, ParsesTheDailySeries) {
    const char* body =
        R"J({"Meta Data":{"1. Information":"Daily Prices (open, high, low, close) and Volumes","2. Symbol":"IBM",
        "3. Last Refreshed":"2024-05-03","4. Output Size":"Compact","5. Time Zone":"US/Eastern"},
        "Time Series (Daily)":{"2024-05-03":{"1. open":"166.9500","2. high":"167.9000","3. low":"165.5600","4. close":"165.7100","5. volume":"4478419"},
                               "2024-05-02":{"1. open":"165.6900","2. high":"166.2700","3. low":"164.3000","4. close":"166.2700","5. volume":"3041251"}}})J";
    const ParsedResponse r = parse_alphavantage(200, body, "IBM");
    ASSERT_EQ(r.outcome, Outcome::Ok);
    ASSERT_EQ(r.rows.size(), 2u);
    // whichever order the object iterates in, both days are there with their values
    const RawRow& a = r.rows[0].date == "2024-05-03" ? r.rows[0] : r.rows[1];
    EXPECT_EQ(a.open, "166.9500");
    EXPECT_EQ(a.close, "165.7100");
    EXPECT_EQ(a.volume, "4478419");
    EXPECT_NE(a.raw.find("2024-05-03"), std::string::npos);
}

TEST(AlphaVantage, FxAndAdjustedShapes) {
    auto r = parse_alphavantage(
        200,
        R"J({"Meta Data":{},"Time Series FX (Daily)":{"2024-05-03":{"1. open":"1.0730","2. high":"1.0812","3. low":"1.0722","4. close":"1.0760"}}})J",
        "EUR/USD");
    ASSERT_EQ(r.rows.size(), 1u);
    EXPECT_EQ(r.rows[0].close, "1.0760");
    EXPECT_FALSE(r.rows[0].volume);
    r = parse_alphavantage(
        200,
        R"J({"Time Series (Daily)":{"2024-05-03":{"1. open":"1","2. high":"2","3. low":"1","4. close":"1.5","5. adjusted close":"1.4","6. volume":"10","7. dividend amount":"0.0000"}}})J",
        "X");
    ASSERT_EQ(r.rows.size(), 1u);
    EXPECT_EQ(r.rows[0].adj_close, "1.4");
    EXPECT_EQ(r.rows[0].volume, "10");
}

TEST(AlphaVantage, ErrorsUnderHttp200) {
    auto r = parse_alphavantage(
        200,
        R"J({"Note":"Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute and 500 calls per day."})J",
        "IBM");
    EXPECT_EQ(r.outcome, Outcome::RateLimited);
    r = parse_alphavantage(
        200,
        R"J({"Information":"Thank you for using Alpha Vantage! Our standard API rate limit is 25 requests per day."})J",
        "IBM");
    EXPECT_EQ(r.outcome, Outcome::RateLimited);
    r = parse_alphavantage(
        200,
        R"J({"Information":"Thank you for using Alpha Vantage! This is a premium endpoint."})J",
        "IBM");
    EXPECT_EQ(r.outcome, Outcome::Permanent);
    r = parse_alphavantage(
        200,
        R"J({"Error Message":"Invalid API call. Please retry or visit the documentation (https://www.alphavantage.co/documentation/) for TIME_SERIES_DAILY."})J",
        "XXX");
    EXPECT_EQ(r.outcome, Outcome::Permanent);
    EXPECT_NE(r.message.find("Invalid API call"), std::string::npos);
    r = parse_alphavantage(200, "{}", "IBM");
    EXPECT_EQ(r.outcome, Outcome::Permanent);
    EXPECT_TRUE(r.malformed);
}

// --- Polygon -------------------------------------------------------------------------------------
TEST(Polygon, ParsesAggregatesWithNewYorkDates) {
    const char* body = R"J({"ticker":"AAPL","queryCount":2,"resultsCount":2,"adjusted":true,
        "results":[{"v":7.0790813e+07,"vw":131.6292,"o":130.465,"c":130.15,"h":133.41,"l":129.89,"t":1673240400000,"n":645365},
                   {"v":6.3896155e+07,"vw":129.822,"o":130.26,"c":130.73,"h":131.2636,"l":128.12,"t":1689652800000,"n":554940}],
        "status":"OK","request_id":"cc3d9c0","count":2})J";
    const ParsedResponse r = parse_polygon(200, body, "AAPL");
    ASSERT_EQ(r.outcome, Outcome::Ok);
    ASSERT_EQ(r.rows.size(), 2u);
    EXPECT_EQ(r.rows[0].date, "2023-01-09");  // 05:00 UTC = New York midnight (EST)
    EXPECT_EQ(r.rows[1].date, "2023-07-18");  // 04:00 UTC = New York midnight (EDT)
    EXPECT_EQ(r.rows[0].open, "130.465");
    EXPECT_EQ(r.rows[0].volume, "70790813.0");
    EXPECT_EQ(r.rows[1].low, "128.12");
}

TEST(Polygon, EmptySpanPagesAndErrors) {
    auto r = parse_polygon(
        200,
        R"J({"ticker":"AAPL","queryCount":0,"resultsCount":0,"adjusted":true,"status":"OK","request_id":"x","count":0})J",
        "AAPL");
    EXPECT_EQ(r.outcome, Outcome::Ok);
    EXPECT_TRUE(r.rows.empty());
    r = parse_polygon(
        200,
        R"J({"status":"DELAYED","results":[{"o":1,"h":1,"l":1,"c":1,"v":1,"t":1673240400000}],"next_url":"https://api.polygon.io/v2/aggs/ticker/AAPL/range/1/day/abc"})J",
        "AAPL");
    EXPECT_EQ(r.outcome, Outcome::Ok);
    EXPECT_EQ(r.next_url, "https://api.polygon.io/v2/aggs/ticker/AAPL/range/1/day/abc");
    r = parse_polygon(
        429,
        R"J({"status":"ERROR","request_id":"x","error":"You've exceeded the maximum requests per minute, please wait or upgrade your subscription to continue."})J",
        "AAPL");
    EXPECT_EQ(r.outcome, Outcome::RateLimited);
    r = parse_polygon(401, R"J({"status":"ERROR","request_id":"","error":"Unknown API Key"})J",
                      "AAPL");
    EXPECT_EQ(r.outcome, Outcome::Permanent);
    EXPECT_NE(r.message.find("Unknown API Key"), std::string::npos);
    r = parse_polygon(
        403,
        R"J({"status":"NOT_AUTHORIZED","request_id":"x","message":"You are not entitled to this data. Please upgrade your plan at https://polygon.io/pricing"})J",
        "AAPL");
    EXPECT_EQ(r.outcome, Outcome::Permanent);
    EXPECT_NE(r.message.find("not entitled"), std::string::npos);
    r = parse_polygon(200, R"J({"status":"OK","results":[{"o":1,"h":1,"l":1,"c":1}]})J", "AAPL");
    ASSERT_EQ(r.rows.size(), 1u);
    EXPECT_EQ(r.rows[0].date, "t=missing");  // validation rejects it as a bad date
}

// --- Yahoo ---------------------------------------------------------------------------------------
TEST(Yahoo, ParsesParallelArraysWithNulls) {
    const char* body =
        R"J({"chart":{"result":[{"meta":{"currency":"USD","symbol":"AAPL","gmtoffset":-18000,
        "exchangeTimezoneName":"America/New_York"},
        "timestamp":[1704205800,1704292200,1704378600,1704465000],
        "indicators":{"quote":[{"open":[187.14999389648438,184.22000122070312,null,181.99000549316406],
                                "high":[188.44000244140625,185.8800048828125,null,182.75999450683594],
                                "low":[183.88499450683594,183.42999267578125,null,180.1699981689453],
                                "close":[185.63999938964844,184.25,null,null],
                                "volume":[82488700,58414500,null,62303300]}],
                      "adjclose":[{"adjclose":[184.73,183.35,null,null]}]}}],"error":null}})J";
    const ParsedResponse r = parse_yahoo(200, body, "AAPL");
    ASSERT_EQ(r.outcome, Outcome::Ok);
    EXPECT_EQ(r.empty_bars, 1u);  // the all-null placeholder
    ASSERT_EQ(r.rows.size(), 3u);
    EXPECT_EQ(r.rows[0].date, "2024-01-02");  // 14:30 UTC - 5 h
    EXPECT_EQ(r.rows[0].close, "185.63999938964844");
    EXPECT_EQ(r.rows[0].adj_close, "184.73");
    EXPECT_EQ(r.rows[0].volume, "82488700");
    EXPECT_EQ(r.rows[2].date, "2024-01-05");
    EXPECT_FALSE(r.rows[2].close);  // null close: validation rejects the row
    EXPECT_NE(r.rows[2].raw.find("\"close\":null"), std::string::npos);
}

TEST(Yahoo, Errors) {
    auto r = parse_yahoo(
        404,
        R"J({"chart":{"result":null,"error":{"code":"Not Found","description":"No data found, symbol may be delisted"}}})J",
        "XXXX");
    EXPECT_EQ(r.outcome, Outcome::Permanent);
    EXPECT_EQ(r.message, "Yahoo Not Found: No data found, symbol may be delisted");
    r = parse_yahoo(429, "Too Many Requests\r\n", "AAPL");
    EXPECT_EQ(r.outcome, Outcome::RateLimited);
    r = parse_yahoo(200, "<html>", "AAPL");
    EXPECT_TRUE(r.malformed);
    r = parse_yahoo(
        200,
        R"J({"chart":{"result":[{"meta":{"gmtoffset":3600},"indicators":{"quote":[{}]}}],"error":null}})J",
        "SAP.DE");
    EXPECT_EQ(r.outcome, Outcome::Ok);  // no timestamps: an empty span
    EXPECT_TRUE(r.rows.empty());
}

TEST(Providers, UnexpectedShapesAreMalformedNotCrashes) {
    for (Provider p :
         {Provider::TwelveData, Provider::AlphaVantage, Provider::Polygon, Provider::Yahoo}) {
        for (const char* body :
             {R"J({"status": 200, "values": 5})J", R"J({"chart": {"result": [{"timestamp": 5}]}})J",
              R"J({"results": [1, 2]})J", R"J({"Time Series (Daily)": {"2024-01-02": 5}})J",
              R"J({"values": [{"datetime": 5, "close": {"a": 1}}]})J", "[]", "null", "17"}) {
            const ParsedResponse r = parse_response(p, 200, body, "X");
            if (r.outcome == Outcome::Ok) {
                for (const RawRow& row : r.rows)
                    EXPECT_FALSE(row.raw.empty());  // rows go to validation
            } else {
                EXPECT_EQ(r.outcome, Outcome::Permanent) << provider_info(p).name << " " << body;
            }
        }
    }
}
