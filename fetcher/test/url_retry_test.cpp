// URL encoding and redaction; retry delays, Retry-After and request spacing.
#include <gtest/gtest.h>

#include "retry.hpp"
#include "url.hpp"

using namespace pgp::fetch;

TEST(Url, EncodesReservedCharacters) {
    EXPECT_EQ(url_encode("EUR/USD"), "EUR%2FUSD");
    EXPECT_EQ(url_encode("^GSPC"), "%5EGSPC");
    EXPECT_EQ(url_encode("BRK.B-x_y~"), "BRK.B-x_y~");
    EXPECT_EQ(url_encode("a b&c=d"), "a%20b%26c%3Dd");
    EXPECT_EQ(trim_base_url("http://127.0.0.1:8080//"), "http://127.0.0.1:8080");
}

TEST(Url, RedactsKeysAndCredentialParameters) {
    const std::vector<std::string> secrets = {"s3cr3t-KEY"};
    EXPECT_EQ(
        redact("https://api.twelvedata.com/time_series?symbol=AAPL&apikey=s3cr3t-KEY", secrets),
        "https://api.twelvedata.com/time_series?symbol=AAPL&apikey=***");
    EXPECT_EQ(redact("GET /v2/aggs?apiKey=other&x=1 failed", {}),
              "GET /v2/aggs?apiKey=***&x=1 failed");
    EXPECT_EQ(redact("error near s3cr3t-KEY and s3cr3t-KEY", secrets), "error near *** and ***");
    EXPECT_EQ(redact("?token=abc&api_key=def&access_token=ghi", {}),
              "?token=***&api_key=***&access_token=***");
    EXPECT_EQ(redact("no secrets here: a=b&c=d", secrets), "no secrets here: a=b&c=d");
    EXPECT_EQ(redact("key percent-encoded: s3cr3t-KEY", secrets).find("s3cr3t"), std::string::npos);
}

TEST(Retry, WhatIsRetryable) {
    EXPECT_TRUE(retryable(Outcome::RateLimited));
    EXPECT_TRUE(retryable(Outcome::Transient));
    EXPECT_FALSE(retryable(Outcome::Permanent));
    EXPECT_FALSE(retryable(Outcome::Ok));
}

TEST(Retry, ExponentialBackoffWithEqualJitterAndCap) {
    RetryPolicy p;
    p.backoff_base_ms = 1000;
    p.backoff_max_ms = 10000;
    EXPECT_EQ(backoff_delay_ms(p, 0, 0.0), 500);
    EXPECT_EQ(backoff_delay_ms(p, 0, 0.999999), 999);
    EXPECT_EQ(backoff_delay_ms(p, 1, 0.0), 1000);
    EXPECT_EQ(backoff_delay_ms(p, 2, 0.5), 3000);  // 4000 * 0.75
    EXPECT_EQ(backoff_delay_ms(p, 3, 1.0), 8000);
    EXPECT_EQ(backoff_delay_ms(p, 4, 1.0), 10000);   // capped
    EXPECT_EQ(backoff_delay_ms(p, 60, 1.0), 10000);  // no overflow
    // Retry-After wins when longer, never shortens the backoff
    EXPECT_EQ(backoff_delay_ms(p, 0, 0.0, 30000), 30000);
    EXPECT_EQ(backoff_delay_ms(p, 3, 1.0, 1000), 8000);
}

TEST(Retry, ParsesRetryAfter) {
    EXPECT_EQ(parse_retry_after("120", 0), 120000);
    EXPECT_EQ(parse_retry_after(" 1 \r", 0), 1000);
    // Wed, 21 Oct 2015 07:28:00 GMT = 1445412480
    EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412470), 10000);
    EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412490), 0);  // in the past
    EXPECT_FALSE(parse_retry_after("soon", 0));
    EXPECT_FALSE(parse_retry_after("", 0));
    EXPECT_FALSE(parse_retry_after("-5", 0));
    EXPECT_FALSE(parse_retry_after("Wed, 21 Foo 2015 07:28:00 GMT", 0));
}

TEST(Retry, RequestSpacingSpreadsRequests) {
    RequestSpacing s(120);  // one every 500 ms
    EXPECT_DOUBLE_EQ(s.interval_ms(), 500);
    EXPECT_EQ(s.reserve(1000), 1000);
    EXPECT_EQ(s.reserve(1000), 1500);
    EXPECT_EQ(s.reserve(1100), 2000);
    EXPECT_EQ(s.reserve(5000), 5000);  // idle time is not banked as a burst
    RequestSpacing none(0);
    EXPECT_EQ(none.reserve(7), 7);
    EXPECT_EQ(none.reserve(7), 7);
}
