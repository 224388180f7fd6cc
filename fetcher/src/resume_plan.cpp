#include "resume_plan.hpp"

#include <set>

namespace pgp::fetch {

std::vector<SymbolPlan> plan_resume(
    const std::vector<std::string>& symbols, const ResumeSpan& span,
    const std::function<StoredEnd(const std::string&)>& stored_end) {
    std::vector<SymbolPlan> plans;
    std::set<std::string> seen;
    for (const std::string& symbol : symbols) {
        if (!seen.insert(symbol).second) continue;
        SymbolPlan plan;
        plan.symbol = symbol;
        plan.to = span.to;
        if (span.from) {
            plan.from = *span.from;
        } else {
            const StoredEnd end = stored_end(symbol);
            plan.error = end.error;
            // a failed lookup still shows the backfill span in the summary, as before
            plan.from = end.last_day && end.error.empty() ? *end.last_day
                                                          : span.to - span.backfill_days + 1;
        }
        plan.up_to_date = plan.error.empty() && plan.from > plan.to;
        plans.push_back(std::move(plan));
    }
    return plans;
}

}  // namespace pgp::fetch
