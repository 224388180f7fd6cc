// The csv format, the command line and the summary.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "csv_format.hpp"
#include "options.hpp"
#include "summary.hpp"

using namespace pgp::fetch;

namespace {
// One reader per test, with the fields and the error of the line it read last.
class Csv : public ::testing::Test {
  protected:
    CsvReader::Line read(std::string_view line) { return reader.read(line, f, error); }
    CsvReader reader;
    RowFields f;
    std::string error;
};
}  // namespace

TEST_F(Csv, PositionalRowsWithAndWithoutAdjClose) {
    ASSERT_EQ(read("AAPL,2024-01-02,187.15,188.44,183.885,185.64,82488700"), CsvReader::Line::Row);
    EXPECT_EQ(f.symbol, "AAPL");
    EXPECT_EQ(f.date, "2024-01-02");
    EXPECT_EQ(*f.low, "183.885");
    EXPECT_EQ(*f.volume, "82488700");
    EXPECT_FALSE(f.adj_close);
    ASSERT_EQ(read("AAPL,2024-01-03,1,2,1,1.5,10,1.4\r"), CsvReader::Line::Row);
    EXPECT_EQ(*f.adj_close, "1.4");
    EXPECT_EQ(read("AAPL,2024-01-03,1,2"), CsvReader::Line::Bad);
    EXPECT_EQ(error, "expected 7 or 8 fields, found 4");
    EXPECT_EQ(read("   "), CsvReader::Line::Blank);
}

TEST_F(Csv, HeaderReordersAndOmitsColumns) {
    ASSERT_EQ(read("\xEF\xBB\xBFSymbol,Close,Date,Extra"), CsvReader::Line::Header);
    ASSERT_EQ(read("EUR/USD,1.0945,2024-01-02,x"), CsvReader::Line::Row);
    EXPECT_EQ(f.symbol, "EUR/USD");
    EXPECT_EQ(*f.close, "1.0945");
    EXPECT_EQ(f.date, "2024-01-02");
    EXPECT_FALSE(f.open);
    EXPECT_EQ(read("EUR/USD,1.0945,2024-01-02"), CsvReader::Line::Bad);

    CsvReader bad;
    EXPECT_EQ(bad.read("symbol,open,high", f, error), CsvReader::Line::Bad);
    EXPECT_EQ(error, "header must name symbol, date and close");
}

TEST_F(Csv, QuotedFields) {
    ASSERT_EQ(read(R"("AAPL","2024-01-02","1","2","1","1.5","10")"), CsvReader::Line::Row);
    EXPECT_EQ(f.symbol, "AAPL");
    EXPECT_EQ(*f.volume, "10");
    ASSERT_EQ(read(R"("A""B",2024-01-02,1,2,1,1.5,10)"), CsvReader::Line::Row);
    EXPECT_EQ(f.symbol, "A\"B");
    EXPECT_EQ(read(R"("AAPL,2024-01-02,1,2,1,1.5,10)"), CsvReader::Line::Bad);
    EXPECT_EQ(error, "unterminated quoted field");
}

namespace {
ParsedArgs args(std::vector<std::string> a) { return parse_args(a, days_from_civil(2025, 3, 1)); }
}  // namespace

TEST(Options, ParsesTheContract) {
    const ParsedArgs p = args({"--provider",
                               "twelvedata",
                               "--symbols",
                               "AAPL, MSFT,EUR/USD",
                               "--from",
                               "2024-01-02",
                               "--to=2024-12-31",
                               "--base-url",
                               "http://127.0.0.1:9",
                               "--dsn",
                               "dbname=x",
                               "--json",
                               "--retries",
                               "2",
                               "--backoff-base-ms",
                               "10",
                               "--backoff-max-ms",
                               "20",
                               "--timeout-ms",
                               "500",
                               "--lock-timeout-ms",
                               "150",
                               "--requests-per-minute",
                               "0",
                               "--concurrency",
                               "3",
                               "--batch-size",
                               "100"});
    ASSERT_TRUE(p.options) << p.error;
    const Options& o = *p.options;
    EXPECT_EQ(o.provider, Provider::TwelveData);
    EXPECT_EQ(o.symbols, (std::vector<std::string>{"AAPL", "MSFT", "EUR/USD"}));
    EXPECT_EQ(*o.from, days_from_civil(2024, 1, 2));
    EXPECT_EQ(*o.to, days_from_civil(2024, 12, 31));
    EXPECT_EQ(o.base_url, "http://127.0.0.1:9");
    EXPECT_EQ(o.dsn, "dbname=x");
    EXPECT_EQ(o.lock_timeout_ms, 150);
    EXPECT_TRUE(o.json);
    EXPECT_EQ(o.retry.max_retries, 2);
    EXPECT_EQ(o.retry.backoff_base_ms, 10);
    EXPECT_EQ(o.timeout_ms, 500);
    EXPECT_EQ(*o.requests_per_minute, 0.0);
    EXPECT_EQ(o.concurrency, 3);
    EXPECT_EQ(o.batch_size, 100);
}

TEST(Options, DefaultsAndCsv) {
    const ParsedArgs p = args({"--provider", "csv", "--file", "-"});
    ASSERT_TRUE(p.options) << p.error;
    EXPECT_EQ(*p.options->to, days_from_civil(2025, 3, 1));  // today
    EXPECT_FALSE(p.options->from);
    EXPECT_EQ(p.options->batch_size, 50000);
    EXPECT_EQ(p.options->backfill_days, 1826);
    EXPECT_FALSE(p.options->requests_per_minute);
    EXPECT_TRUE(args({"--help"}).options->help);
}

TEST(Options, UsageErrorsSayWhat) {
    auto error = [](std::vector<std::string> a) { return args(std::move(a)).error; };
    EXPECT_EQ(
        error({}),
        "--provider is required; choose one of twelvedata, alphavantage, polygon, yahoo, csv");
    EXPECT_EQ(error({"--provider", "bloomberg"}),
              "unknown provider 'bloomberg'; choose one of twelvedata, alphavantage, polygon, "
              "yahoo, csv");
    EXPECT_EQ(error({"--provider", "yahoo"}),
              "--symbols S1,S2,... is required for --provider yahoo");
    EXPECT_EQ(error({"--provider", "csv"}),
              "--provider csv needs --file PATH (or --file - for standard input)");
    EXPECT_EQ(error({"--provider", "yahoo", "--symbols", "A", "--from", "2024-02-30"}),
              "--from '2024-02-30' is not a date YYYY-MM-DD");
    EXPECT_EQ(error({"--provider", "yahoo", "--symbols", "A", "--from", "2024-02-03", "--to",
                     "2024-02-01"}),
              "--from 2024-02-03 is after --to 2024-02-01");
    EXPECT_EQ(error({"--provider", "yahoo", "--symbols", "A;DROP"}),
              "bad symbol 'A;DROP' in --symbols");
    EXPECT_EQ(error({"--provider", "yahoo", "--symbols", "A", "--apikey", "x"}),
              "unknown option '--apikey' (see --help)");
    EXPECT_EQ(error({"--provider", "yahoo", "--symbols"}), "option --symbols needs a value");
    EXPECT_EQ(error({"--provider", "yahoo", "--symbols", "A", "--retries", "-1"}),
              "--retries must be an integer 0..100");
    EXPECT_EQ(error({"--provider", "yahoo", "--symbols", "A", "--concurrency", "0"}),
              "--concurrency must be an integer 1..64");
    EXPECT_EQ(error({"--provider", "yahoo", "--symbols", "A", "--base-url", "ftp://x"}),
              "--base-url 'ftp://x' must start with http:// or https://");
    EXPECT_EQ(error({"--provider", "yahoo", "--symbols", "A", "--backoff-base-ms", "100",
                     "--backoff-max-ms", "10"}),
              "--backoff-max-ms must not be below --backoff-base-ms");
    EXPECT_EQ(error({"--provider", "yahoo", "--symbols", "A", "--file", "x.csv"}),
              "--file applies to --provider csv only");
}

TEST(Options, HelpDocumentsEveryOption) {
    const std::string help = help_text();
    // every option the parser takes a value for, and the switches and environment besides
    for (const std::string& flag : valued_options())
        EXPECT_NE(help.find(flag), std::string::npos) << flag;
    for (const char* flag : {"--json", "--help", "--no-progress", "TWELVEDATA_API_KEY",
                             "ALPHAVANTAGE_API_KEY", "POLYGON_API_KEY", "Exit status"})
        EXPECT_NE(help.find(flag), std::string::npos) << flag;
}

TEST(Summary, ExitStatusAndJson) {
    RunSummary s;
    s.provider = "twelvedata";
    SymbolStats a;
    a.symbol = "AAPL";
    a.fetched = 10, a.inserted = 7, a.updated = 1, a.unchanged = 2;
    s.symbols.push_back(a);
    EXPECT_EQ(exit_status(s), 0);
    SymbolStats b;
    b.symbol = "NOPE";
    b.failed = true;
    b.error = "Twelve Data error 400";
    s.symbols.push_back(b);
    EXPECT_EQ(exit_status(s), 1);
    const auto j = nlohmann::json::parse(summary_json(s));
    EXPECT_EQ(j["exit_code"], 1);
    EXPECT_EQ(j["totals"]["inserted"], 7);
    EXPECT_EQ(j["totals"]["failed"], 1);
    EXPECT_EQ(j["symbols"][0]["symbol"], "AAPL");
    EXPECT_EQ(j["symbols"][0]["unchanged"], 2);
    EXPECT_TRUE(j["symbols"][0]["error"].is_null());
    EXPECT_EQ(j["symbols"][1]["error"], "Twelve Data error 400");
    s.symbols.pop_back();
    s.symbols[0].rejected = 1;
    EXPECT_EQ(exit_status(s), 1);
    const std::string table = summary_table(s);
    EXPECT_NE(table.find("AAPL"), std::string::npos);
    EXPECT_NE(table.find("total"), std::string::npos);
}
