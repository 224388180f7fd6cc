// Per-symbol results of a run, the exit status they imply, and their text and JSON forms.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace pgp::fetch {

struct SymbolStats {
    std::string symbol;
    std::int64_t fetched = 0;  // rows received within the span (valid or not)
    std::int64_t inserted = 0;
    std::int64_t updated = 0;
    std::int64_t unchanged = 0;
    std::int64_t rejected = 0;
    bool failed = false;
    std::string error;        // why it failed
    std::string from, to;     // the span requested (empty for csv)
    bool up_to_date = false;  // nothing to fetch: the last stored quote is --to already
};

// What one load wrote for a symbol (RETURNING counts; unchanged = staged - inserted - updated).
struct LoadCounts {
    std::int64_t inserted = 0, updated = 0, unchanged = 0;
};

// The symbol's entry of a per-symbol map, created with its name on first use.
SymbolStats& stats_of(std::map<std::string, SymbolStats>& stats, std::string_view symbol);
// Adds a load's counts to the symbol's.
void add_load_counts(SymbolStats& stats, const LoadCounts& counts) noexcept;

struct RunSummary {
    std::string provider;
    std::vector<SymbolStats> symbols;
    double elapsed_seconds = 0;
};

// 0 all loaded; 1 a symbol failed or a row was rejected.
int exit_status(const RunSummary& summary) noexcept;

std::string summary_table(const RunSummary& summary);
std::string summary_json(const RunSummary& summary);

}  // namespace pgp::fetch
