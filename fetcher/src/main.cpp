// portfolio-fetch: loads daily quotes from a provider or a CSV file into pg_portfolio.
// This file only wires the pieces: the options, the API key, the log, the database, the run of
// the provider (api_run.hpp or csv_run.hpp) and the summary.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>

#include "api_run.hpp"
#include "csv_run.hpp"
#include "http_client.hpp"
#include "stopwatch.hpp"
#include "url.hpp"

namespace pgp::fetch {
namespace {

constexpr int exit_usage = 2;

int run(int argc, char** argv) {
    const std::time_t now = std::time(nullptr);
    const ParsedArgs parsed =
        parse_args(std::vector<std::string>(argv + 1, argv + argc), utc_day_of(now));
    if (!parsed.options) {
        std::fprintf(stderr, "portfolio-fetch: %s\nTry 'portfolio-fetch --help'.\n",
                     parsed.error.c_str());
        return exit_usage;
    }
    const Options& o = *parsed.options;
    if (o.help) {
        std::fputs(help_text().c_str(), stdout);
        return 0;
    }
    const ProviderInfo& info = provider_info(o.provider);
    std::string api_key;
    if (info.key_env) {
        const char* key = std::getenv(info.key_env);
        if (!key || !*key) {
            std::fprintf(stderr,
                         "portfolio-fetch: %s is not set; the %s API key is read from the "
                         "environment only\n",
                         info.key_env, info.name);
            return exit_usage;
        }
        api_key = key;
    }
    std::int64_t test_pause_ms = 0;
    if (const char* pause = std::getenv("PORTFOLIO_FETCH_TEST_PAUSE_MS"))
        test_pause_ms = std::atoll(pause);

    std::vector<std::string> secrets;
    if (!api_key.empty()) {
        secrets.push_back(api_key);
        secrets.push_back(url_encode(api_key));  // as it appears in request URLs
    }
    Log log(secrets, !o.progress             ? ProgressMode::off
                     : isatty(STDERR_FILENO) ? ProgressMode::terminal
                                             : ProgressMode::plain);
    CurlGlobal curl;
    const Stopwatch clock;
    std::unique_ptr<Database> db;
    try {
        db = std::make_unique<Database>(o.dsn, test_pause_ms);
        db->set_partition_lock_timeout_ms(o.lock_timeout_ms);
        db->set_notice([&log](const std::string& message) { log.info(message); });
    } catch (const DatabaseError& e) {
        log.info(e.what());
        return exit_usage;
    }
    RunSummary summary;
    summary.provider = info.name;
    const int rc = o.provider == Provider::Csv ? run_csv(o, *db, log, summary)
                                               : run_api(o, api_key, *db, log, summary);
    if (rc != 0) return rc;
    summary.elapsed_seconds = clock.seconds();
    const std::string report = o.json ? summary_json(summary) : summary_table(summary);
    std::fputs(log.redacted(report).c_str(), stdout);
    std::fflush(stdout);
    return exit_status(summary);
}

}  // namespace
}  // namespace pgp::fetch

int main(int argc, char** argv) {
    try {
        return pgp::fetch::run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "portfolio-fetch: internal error: %s\n", e.what());
        return 1;
    }
}
