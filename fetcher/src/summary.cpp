#include "summary.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace pgp::fetch {

int exit_status(const RunSummary& s) noexcept {
    for (const SymbolStats& x : s.symbols)
        if (x.failed || x.rejected > 0) return 1;
    return 0;
}

std::string summary_table(const RunSummary& s) {
    std::string out;
    char line[512];
    std::size_t width = 6;
    for (const SymbolStats& x : s.symbols) width = std::max(width, x.symbol.size());
    const int w = static_cast<int>(width);
    std::snprintf(line, sizeof line, "%-*s %9s %9s %9s %9s %9s  %s\n", w, "symbol", "fetched",
                  "inserted", "updated", "unchanged", "rejected", "status");
    out += line;
    SymbolStats total;
    int failed = 0;
    for (const SymbolStats& x : s.symbols) {
        std::string status = x.failed       ? "FAILED: " + x.error
                             : x.rejected   ? "rows rejected (see portfolio.quotes_rejected)"
                             : x.up_to_date ? "up to date"
                                            : "ok";
        std::snprintf(line, sizeof line, "%-*s %9lld %9lld %9lld %9lld %9lld  ", w,
                      x.symbol.c_str(), static_cast<long long>(x.fetched),
                      static_cast<long long>(x.inserted), static_cast<long long>(x.updated),
                      static_cast<long long>(x.unchanged), static_cast<long long>(x.rejected));
        out += line;
        out += status;
        out += '\n';
        total.fetched += x.fetched, total.inserted += x.inserted, total.updated += x.updated;
        total.unchanged += x.unchanged, total.rejected += x.rejected, failed += x.failed;
    }
    std::snprintf(
        line, sizeof line, "%-*s %9lld %9lld %9lld %9lld %9lld  %d of %zu symbols failed, %.1f s\n",
        w, "total", static_cast<long long>(total.fetched), static_cast<long long>(total.inserted),
        static_cast<long long>(total.updated), static_cast<long long>(total.unchanged),
        static_cast<long long>(total.rejected), failed, s.symbols.size(), s.elapsed_seconds);
    out += line;
    return out;
}

std::string summary_json(const RunSummary& s) {
    using nlohmann::json;
    json symbols = json::array();
    json totals = {{"fetched", 0},   {"inserted", 0}, {"updated", 0},
                   {"unchanged", 0}, {"rejected", 0}, {"failed", 0}};
    for (const SymbolStats& x : s.symbols) {
        json j = {{"symbol", x.symbol},        {"fetched", x.fetched},
                  {"inserted", x.inserted},    {"updated", x.updated},
                  {"unchanged", x.unchanged},  {"rejected", x.rejected},
                  {"failed", x.failed},        {"error", x.failed ? json(x.error) : json()},
                  {"up_to_date", x.up_to_date}};
        if (!x.from.empty()) j["from"] = x.from;
        if (!x.to.empty()) j["to"] = x.to;
        symbols.push_back(std::move(j));
        totals["fetched"] = totals["fetched"].get<std::int64_t>() + x.fetched;
        totals["inserted"] = totals["inserted"].get<std::int64_t>() + x.inserted;
        totals["updated"] = totals["updated"].get<std::int64_t>() + x.updated;
        totals["unchanged"] = totals["unchanged"].get<std::int64_t>() + x.unchanged;
        totals["rejected"] = totals["rejected"].get<std::int64_t>() + x.rejected;
        totals["failed"] = totals["failed"].get<std::int64_t>() + (x.failed ? 1 : 0);
    }
    json out = {{"provider", s.provider},
                {"exit_code", exit_status(s)},
                {"elapsed_seconds", s.elapsed_seconds},
                {"totals", totals},
                {"symbols", symbols}};
    // replace invalid UTF-8 in provider messages instead of failing
    return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

SymbolStats& stats_of(std::map<std::string, SymbolStats>& stats, std::string_view symbol) {
    auto it = stats.find(std::string(symbol));
    if (it == stats.end()) {
        it = stats.emplace(std::string(symbol), SymbolStats{}).first;
        it->second.symbol = std::string(symbol);
    }
    return it->second;
}

void add_load_counts(SymbolStats& stats, const LoadCounts& counts) noexcept {
    stats.inserted += counts.inserted;
    stats.updated += counts.updated;
    stats.unchanged += counts.unchanged;
}

}  // namespace pgp::fetch
