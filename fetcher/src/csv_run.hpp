// A run of the csv provider: a reader thread turns the file into whole batches
// (csv_batches.hpp) while this thread loads them one transaction each, and stops at the first
// batch that fails, since the rows after a gap would hide it from the next incremental run.
#pragma once

#include "database.hpp"
#include "log.hpp"
#include "options.hpp"
#include "summary.hpp"

namespace pgp::fetch {

// Fills summary.symbols; returns 0, or the usage exit code 2 when --file cannot be opened.
int run_csv(const Options& o, Database& db, Log& log, RunSummary& summary);

}  // namespace pgp::fetch
