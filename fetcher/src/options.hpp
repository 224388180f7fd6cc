// The command line: parsed into Options or a usage error (exit code 2).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "civil_date.hpp"
#include "providers.hpp"
#include "retry.hpp"

namespace pgp::fetch {

struct Options {
    Provider provider = Provider::Csv;
    std::vector<std::string> symbols;
    std::optional<Day> from, to;
    std::string base_url;  // empty: the provider's default
    std::string file;      // csv: a path or "-" for stdin
    std::string dsn;       // empty: libpq's PG* environment
    bool json = false;
    bool help = false;
    bool progress = true;  // still only on a terminal
    RetryPolicy retry;
    std::int64_t timeout_ms = 30000;
    std::int64_t lock_timeout_ms =
        2000;  // creating a quote partition waits at most this long per try
    std::optional<double> requests_per_minute;  // unset: the provider's default
    int concurrency = 4;
    int batch_size = 50000;
    int backfill_days = 1826;  // first run of a symbol without --from: five years
};

struct ParsedArgs {
    std::optional<Options> options;  // set unless there was an error
    std::string error;               // the usage error
};

// Parses argv (without the program name). `today` is the default --to.
ParsedArgs parse_args(const std::vector<std::string>& args, Day today);

std::string help_text();

// The options that take a value (--provider NAME, --from DATE, ...): what the parser accepts with
// one, and what help_text() must document besides the switches.
const std::vector<std::string>& valued_options();

}  // namespace pgp::fetch
