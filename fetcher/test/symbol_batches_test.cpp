// How one symbol's rows are cut into load transactions (symbol_batches.hpp).
#include <gtest/gtest.h>

#include "symbol_batches.hpp"

using namespace pgp::fetch;

namespace {
// "[0,3)r [3,5)": each range, r where the rejected rows load
std::string shape(const std::vector<BatchRange>& batches) {
    std::string out;
    for (const BatchRange& b : batches) {
        if (!out.empty()) out += ' ';
        out += "[" + std::to_string(b.begin) + "," + std::to_string(b.end) + ")";
        if (b.with_rejected) out += 'r';
    }
    return out;
}
}  // namespace

TEST(SymbolBatches, NothingFetchedNoBatch) {
    EXPECT_EQ(shape(symbol_batches(0, 50000, false)), "");
}

TEST(SymbolBatches, OnlyRejectedRowsStillLoadInOneBatch) {
    EXPECT_EQ(shape(symbol_batches(0, 50000, true)), "[0,0)r");
}

TEST(SymbolBatches, ExactlyFullBatchesLeaveNoEmptyTail) {
    EXPECT_EQ(shape(symbol_batches(3, 3, false)), "[0,3)");
    EXPECT_EQ(shape(symbol_batches(6, 3, true)), "[0,3)r [3,6)");
}

TEST(SymbolBatches, TheLastBatchHoldsTheRest) {
    EXPECT_EQ(shape(symbol_batches(7, 3, false)), "[0,3) [3,6) [6,7)");
    EXPECT_EQ(shape(symbol_batches(2, 3, true)), "[0,2)r");
    EXPECT_EQ(shape(symbol_batches(3, 1, false)), "[0,1) [1,2) [2,3)");
}
