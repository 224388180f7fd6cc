// Resume planning (resume_plan.hpp): the span each symbol of an API run fetches, from where its
// stored history ends. Days are numbers: 2024-03-01 is the 19,783rd day after 1970-01-01.
#include <gtest/gtest.h>

#include <map>

#include "resume_plan.hpp"

using namespace pgp::fetch;

namespace {
const Day mar1 = days_from_civil(2024, 3, 1);
const Day mar8 = days_from_civil(2024, 3, 8);

// A store that answers from a map and counts the lookups.
struct FakeStore {
    std::map<std::string, StoredEnd> ends;
    int lookups = 0;
    std::function<StoredEnd(const std::string&)> lookup() {
        return [this](const std::string& symbol) {
            ++lookups;
            const auto it = ends.find(symbol);
            return it == ends.end() ? StoredEnd{} : it->second;
        };
    }
};
}  // namespace

TEST(ResumePlan, NoSymbolsNoPlans) {
    FakeStore store;
    EXPECT_TRUE(plan_resume({}, {std::nullopt, mar8, 1826}, store.lookup()).empty());
    EXPECT_EQ(store.lookups, 0);
}

TEST(ResumePlan, NothingStoredBackfillsUpToTo) {
    FakeStore store;
    const auto plans = plan_resume({"AAPL"}, {std::nullopt, mar8, 10}, store.lookup());
    ASSERT_EQ(plans.size(), 1u);
    // 10 days ending on Mar 8, inclusive: Feb 28 (2024 is a leap year: Feb 29 is one of them)
    EXPECT_EQ(format_iso_date(plans[0].from), "2024-02-28");
    EXPECT_EQ(plans[0].to, mar8);
    EXPECT_TRUE(plans[0].fetch());
}

TEST(ResumePlan, AfterAPartialLoadResumesAtTheLastStoredDay) {
    // a run stopped after the batch ending Mar 1: the next run refetches Mar 1 (its final
    // values) and continues, so no day between the stored prefix and --to is skipped
    FakeStore store;
    store.ends["AAPL"] = {mar1, ""};
    const auto plans = plan_resume({"AAPL"}, {std::nullopt, mar8, 1826}, store.lookup());
    EXPECT_EQ(plans[0].from, mar1);
    EXPECT_EQ(plans[0].to, mar8);
    EXPECT_TRUE(plans[0].fetch());
}

TEST(ResumePlan, AGapInTheMiddleIsNotRefilledWithoutFrom) {
    // stored Jan 2..10 and Feb 20..Mar 1, January's end deleted: only the end is read, so the
    // plan starts at Mar 1; --from Jan 11 is how to refill the gap
    FakeStore store;
    store.ends["AAPL"] = {mar1, ""};
    EXPECT_EQ(plan_resume({"AAPL"}, {std::nullopt, mar8, 1826}, store.lookup())[0].from, mar1);
    const Day jan11 = days_from_civil(2024, 1, 11);
    const auto refill = plan_resume({"AAPL"}, {jan11, mar8, 1826}, store.lookup());
    EXPECT_EQ(refill[0].from, jan11);
    EXPECT_EQ(store.lookups, 1);  // with --from nothing stored is read
}

TEST(ResumePlan, EndingOnToRefetchesThatDayEndingAfterToIsUpToDate) {
    FakeStore store;
    store.ends["AAPL"] = {mar8, ""};      // ends on --to: that day is fetched again
    store.ends["MSFT"] = {mar8 + 1, ""};  // ends after --to (an earlier run with a later --to)
    const auto plans = plan_resume({"AAPL", "MSFT"}, {std::nullopt, mar8, 1826}, store.lookup());
    EXPECT_EQ(plans[0].from, mar8);
    EXPECT_FALSE(plans[0].up_to_date);
    EXPECT_TRUE(plans[0].fetch());
    EXPECT_TRUE(plans[1].up_to_date);
    EXPECT_FALSE(plans[1].fetch());
}

TEST(ResumePlan, AFailedLookupIsNotFetchedAndKeepsItsReason) {
    FakeStore store;
    store.ends["AAPL"] = {std::nullopt, "database: connection lost"};
    const auto plans = plan_resume({"AAPL"}, {std::nullopt, mar8, 7}, store.lookup());
    EXPECT_EQ(plans[0].error, "database: connection lost");
    EXPECT_FALSE(plans[0].fetch());
    EXPECT_FALSE(plans[0].up_to_date);
    EXPECT_EQ(format_iso_date(plans[0].from), "2024-03-02");  // the summary shows the backfill
}

TEST(ResumePlan, RepeatedSymbolsArePlannedOnceInFirstOrder) {
    FakeStore store;
    const auto plans = plan_resume({"MSFT", "AAPL", "MSFT", "EUR/USD", "AAPL"}, {mar1, mar8, 1826},
                                   store.lookup());
    ASSERT_EQ(plans.size(), 3u);
    EXPECT_EQ(plans[0].symbol, "MSFT");
    EXPECT_EQ(plans[1].symbol, "AAPL");
    EXPECT_EQ(plans[2].symbol, "EUR/USD");
    EXPECT_EQ(store.lookups, 0);
}
