// A run of an API provider: the resume plan (resume_plan.hpp) from what is stored, --concurrency
// workers fetching symbols, and this thread loading each symbol's rows as they arrive, in whole
// batches (symbol_batches.hpp), oldest first.
#pragma once

#include <string>

#include "database.hpp"
#include "log.hpp"
#include "options.hpp"
#include "summary.hpp"

namespace pgp::fetch {

// Fills summary.symbols, one entry per distinct symbol; returns 0 (failures are in the summary).
int run_api(const Options& o, const std::string& api_key, Database& db, Log& log,
            RunSummary& summary);

}  // namespace pgp::fetch
