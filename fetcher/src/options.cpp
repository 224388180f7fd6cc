#include "options.hpp"

#include <charconv>
#include <cmath>
#include <optional>
#include <type_traits>

#include "validation.hpp"

namespace pgp::fetch {

namespace {
template <typename Int>
bool parse_int(const std::string& s, Int& out, Int min, Int max) {
    Int v{};
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size() || v < min || v > max) return false;
    out = v;
    return true;
}

std::vector<std::string> split_symbols(const std::string& list) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= list.size()) {
        const std::size_t comma = std::min(list.find(',', start), list.size());
        std::string s = list.substr(start, comma - start);
        while (!s.empty() && s.front() == ' ') s.erase(s.begin());
        while (!s.empty() && s.back() == ' ') s.pop_back();
        if (!s.empty()) out.push_back(s);
        start = comma + 1;
    }
    return out;
}
}  // namespace

const std::vector<std::string>& valued_options() {
    static const std::vector<std::string> valued = {"--provider",
                                                    "--symbols",
                                                    "--from",
                                                    "--to",
                                                    "--base-url",
                                                    "--file",
                                                    "--dsn",
                                                    "--retries",
                                                    "--backoff-base-ms",
                                                    "--backoff-max-ms",
                                                    "--retry-after-max-ms",
                                                    "--timeout-ms",
                                                    "--lock-timeout-ms",
                                                    "--requests-per-minute",
                                                    "--concurrency",
                                                    "--batch-size",
                                                    "--backfill-days"};
    return valued;
}

namespace {
bool is_valued_option(const std::string& flag) {
    for (const std::string& v : valued_options())
        if (flag == v) return true;
    return false;
}

// The options that say where and what: provider, symbols, span, host, file, database.
// nullopt: not one of these. Else the usage error, empty when the value was taken.
std::optional<std::string> apply_source_option(const std::string& flag, const std::string& value,
                                               Options& o) {
    if (flag == "--provider") {
        const auto p = provider_from_name(value);
        if (!p) return "unknown provider '" + value + "'; choose one of " + provider_names();
        o.provider = *p;
    } else if (flag == "--symbols") {
        for (std::string& s : split_symbols(value)) {
            if (!valid_symbol(s)) return "bad symbol '" + s + "' in --symbols";
            o.symbols.push_back(std::move(s));
        }
        if (o.symbols.empty()) return std::string("--symbols names no symbol");
    } else if (flag == "--from" || flag == "--to") {
        const auto d = parse_iso_date(value);
        if (!d) return flag + " '" + value + "' is not a date YYYY-MM-DD";
        (flag == "--from" ? o.from : o.to) = *d;
    } else if (flag == "--base-url") {
        if (value.rfind("http://", 0) != 0 && value.rfind("https://", 0) != 0)
            return "--base-url '" + value + "' must start with http:// or https://";
        o.base_url = value;
    } else if (flag == "--file") {
        if (value.empty()) return std::string("--file needs a path or - for standard input");
        o.file = value;
    } else if (flag == "--dsn") {
        o.dsn = value;
    } else {
        return std::nullopt;
    }
    return std::string();
}

// The tuning options: integers and a rate within their ranges. The usage error, or empty.
std::string apply_tuning_option(const std::string& flag, const std::string& value, Options& o) {
    using I64 = std::int64_t;
    auto int_range = [&](auto& field, auto min, auto max) -> std::string {
        if (parse_int(value, field, static_cast<std::decay_t<decltype(field)>>(min),
                      static_cast<std::decay_t<decltype(field)>>(max)))
            return {};
        return flag + " must be an integer " + std::to_string(min) + ".." + std::to_string(max);
    };
    if (flag == "--retries") return int_range(o.retry.max_retries, 0, 100);
    if (flag == "--backoff-base-ms")
        return int_range(o.retry.backoff_base_ms, I64{0}, I64{3600000});
    if (flag == "--backoff-max-ms") return int_range(o.retry.backoff_max_ms, I64{0}, I64{3600000});
    if (flag == "--retry-after-max-ms")
        return int_range(o.retry.retry_after_max_ms, I64{0}, I64{86400000});
    if (flag == "--lock-timeout-ms") return int_range(o.lock_timeout_ms, I64{1}, I64{600000});
    if (flag == "--timeout-ms") return int_range(o.timeout_ms, I64{1}, I64{3600000});
    if (flag == "--concurrency") return int_range(o.concurrency, 1, 64);
    if (flag == "--batch-size") return int_range(o.batch_size, 1, 10000000);
    if (flag == "--backfill-days") return int_range(o.backfill_days, 1, 36500);
    // --requests-per-minute
    double rpm = 0;
    const auto r = std::from_chars(value.data(), value.data() + value.size(), rpm);
    if (r.ec != std::errc() || r.ptr != value.data() + value.size() || !std::isfinite(rpm) ||
        rpm < 0)
        return "--requests-per-minute must be a number >= 0 (0 = no limit)";
    o.requests_per_minute = rpm;
    return {};
}

// What the options must say together, once all are read; the usage error, or empty.
std::string check_combination(Options& o, bool provider_given, Day today) {
    if (!provider_given) return "--provider is required; choose one of " + provider_names();
    if (o.provider == Provider::Csv) {
        if (o.file.empty())
            return "--provider csv needs --file PATH (or --file - for standard input)";
        if (!o.base_url.empty()) return "--base-url does not apply to --provider csv";
    } else {
        if (o.symbols.empty())
            return "--symbols S1,S2,... is required for --provider " +
                   std::string(provider_info(o.provider).name);
        if (!o.file.empty()) return "--file applies to --provider csv only";
    }
    if (o.retry.backoff_max_ms < o.retry.backoff_base_ms)
        return "--backoff-max-ms must not be below --backoff-base-ms";
    if (!o.to) o.to = today;
    if (o.from && *o.from > *o.to)
        return "--from " + format_iso_date(*o.from) + " is after --to " + format_iso_date(*o.to);
    return {};
}
}  // namespace

ParsedArgs parse_args(const std::vector<std::string>& args, Day today) {
    Options o;
    bool provider_given = false;
    auto error = [](std::string message) { return ParsedArgs{std::nullopt, std::move(message)}; };
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string flag = args[i], value;
        bool has_inline = false;
        if (flag.rfind("--", 0) == 0) {
            if (const auto eq = flag.find('='); eq != std::string::npos) {
                value = flag.substr(eq + 1);
                flag = flag.substr(0, eq);
                has_inline = true;
            }
        }
        if (flag == "--help" || flag == "-h") {
            o.help = true;
            continue;
        }
        if (flag == "--json") {
            o.json = true;
            continue;
        }
        if (flag == "--no-progress") {
            o.progress = false;
            continue;
        }
        if (!is_valued_option(flag)) return error("unknown option '" + args[i] + "' (see --help)");
        if (!has_inline) {
            if (i + 1 >= args.size()) return error("option " + flag + " needs a value");
            value = args[++i];
        }
        std::optional<std::string> problem = apply_source_option(flag, value, o);
        if (!problem) problem = apply_tuning_option(flag, value, o);
        if (!problem->empty()) return error(*problem);
        provider_given = provider_given || flag == "--provider";
    }
    if (o.help) return {o, {}};
    if (std::string problem = check_combination(o, provider_given, today); !problem.empty())
        return error(problem);
    return {o, {}};
}

std::string help_text() {
    return R"(portfolio-fetch: load daily quotes into pg_portfolio's portfolio.quotes and portfolio.fx_rates

Usage:
  portfolio-fetch --provider P --symbols S1,S2,... [--from YYYY-MM-DD] [--to YYYY-MM-DD]
                  [--base-url URL] [--dsn CONNINFO] [options]
  portfolio-fetch --provider csv --file PATH|- [--symbols S1,...] [--from ...] [--to ...] [options]

Providers (--provider):
  twelvedata    Twelve Data time_series, interval 1day       key: TWELVEDATA_API_KEY
  alphavantage  Alpha Vantage TIME_SERIES_DAILY (FX_DAILY)   key: ALPHAVANTAGE_API_KEY
  polygon       Polygon v2 aggregates, 1 day, unadjusted     key: POLYGON_API_KEY
  yahoo         Yahoo Finance v8 chart, 1d (with adjclose)   no key
  csv           a file or standard input with the columns
                symbol,date,open,high,low,close,volume[,adj_close]
                (a header line starting with "symbol" may reorder or omit open/high/low/volume)
  A symbol of the form AAA/BBB (EUR/USD: 1 EUR = rate USD) is a currency pair: its closes go to
  portfolio.fx_rates instead of portfolio.quotes.

API keys are read from the environment only and never printed: they are redacted from every URL
and message.

Span:
  --from YYYY-MM-DD     first date to load. Without it each symbol resumes at its last stored
                        quote (or fx rate), fetched again for its final values; a symbol with
                        nothing stored backfills
                        --backfill-days days (default 1826, five years) before --to.
                        The csv provider loads every row of the file unless --from/--to are given.
  --to YYYY-MM-DD       last date to load (default: today, UTC)
  --backfill-days N     span of a first run without --from (default 1826)

Where:
  --base-url URL        send requests to another host (a proxy, a test server) instead of the
                        provider's own (https://api.twelvedata.com, https://www.alphavantage.co,
                        https://api.polygon.io, https://query1.finance.yahoo.com)
  --file PATH|-         the csv input; - reads standard input
  --dsn CONNINFO        libpq connection string or URI; default: the PG* environment variables
                        (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGSERVICE, ...)

Retries and rate limits:
  --retries N               retries per request after the first attempt (default 5) on HTTP 429
                            and 5xx, provider rate-limit answers (Alpha Vantage Note/Information,
                            Twelve Data code 429), timeouts and connection errors
  --backoff-base-ms MS      first retry waits MS to 0.5*MS..MS (default 1000); each retry doubles
  --backoff-max-ms MS       cap of one backoff step (default 60000); a server's Retry-After
                            header is always honoured (waited at least)
  --retry-after-max-ms MS   give up on a symbol whose Retry-After is longer (default 300000)
  --timeout-ms MS           whole-request timeout (default 30000)
  --lock-timeout-ms MS      creating a quote partition waits at most MS for its lock (default
                            2000), then retries with backoff, 5 attempts in all
  --requests-per-minute R   client-side limit, requests start at least 60/R s apart
                            (defaults: twelvedata 8, alphavantage 5, polygon 5, yahoo 60; 0 = none)
  --concurrency N           symbols fetched at the same time (default 4, at most 64)

Loading:
  --batch-size N            rows per transaction (default 50000). Each batch is COPYed into a
                            temporary table and upserted into portfolio.quotes in one transaction:
                            a run stopped at any moment leaves whole batches only. Unchanged rows
                            are not rewritten; changed values replace the stored ones and
                            fetched_at records when.

Output:
  --json                    print the summary as JSON on standard output
  --no-progress             no progress (a bar on a terminal, else a plain line every 10 s)
  --help                    this text
  Logs go to standard error; the summary table (or JSON) to standard output.

Validation: prices finite and > 0, low <= open, close <= high, volume >= 0, a real date not in
the future (later than today in UTC+14), no second row for the same (symbol, date) in a batch.
Every refused row is kept in portfolio.quotes_rejected with its raw text, reason and source.

Exit status:
  0  every symbol loaded, no row rejected
  1  some symbols failed or some rows were rejected (the summary says which)
  2  usage or configuration error (bad option, missing API key, database unreachable or
     without the pg_portfolio extension)
)";
}

}  // namespace pgp::fetch
