// Which span each symbol of an API run fetches, given where its stored history ends.
//
// With --from every symbol fetches --from..--to and nothing stored is read. Without it a symbol
// restarts at its last stored day, which is fetched again on purpose: a bar stored while its
// session was still open gets its final values. A symbol with nothing stored backfills
// `backfill_days` days up to --to. Only the stored end is read: a gap in the middle of the
// history (rows deleted by hand, a loader given --from) is not refilled, --from refills it. A run
// stopped half-way leaves no gap, because each symbol's rows load oldest first, whole batches only.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "civil_date.hpp"

namespace pgp::fetch {

// Where a symbol's stored history ends, or why that could not be read.
struct StoredEnd {
    std::optional<Day> last_day;  // nullopt: nothing stored
    std::string error;            // not empty: the lookup failed, the symbol is not fetched
};

struct ResumeSpan {
    std::optional<Day> from;  // --from
    Day to = 0;               // --to
    int backfill_days = 1826;
};

struct SymbolPlan {
    std::string symbol;
    Day from = 0, to = 0;
    bool up_to_date = false;  // from > to: the last stored day is after --to
    std::string error;        // from StoredEnd
    bool fetch() const noexcept { return error.empty() && !up_to_date; }
};

// One plan per distinct symbol, in the order first given. `stored_end` is asked only without
// --from, once per distinct symbol.
std::vector<SymbolPlan> plan_resume(const std::vector<std::string>& symbols, const ResumeSpan& span,
                                    const std::function<StoredEnd(const std::string&)>& stored_end);

}  // namespace pgp::fetch
