// The csv source read into whole batches (csv_batches.hpp), from in-memory files.
#include <gtest/gtest.h>

#include <limits>

#include "csv_batches.hpp"

using namespace pgp::fetch;

namespace {
struct Read {
    std::vector<CsvBatch> batches;
    CsvReadResult result;
};

CsvSelection everything() {
    return {{}, std::numeric_limits<Day>::min(), std::numeric_limits<Day>::max()};
}

// Reads `text` with a queue large enough that the reader never waits, then drains it.
Read read_all(const std::string& text, std::size_t batch_size,
              const CsvSelection& selection = everything()) {
    ValidationLimits limits;
    limits.latest_day = days_from_civil(2024, 12, 31);
    Read out;
    BatchQueue queue(1000);
    // fmemopen may refuse a size of 0
    FILE* in = text.empty() ? std::fopen("/dev/null", "r")
                            : fmemopen(const_cast<char*>(text.data()), text.size(), "r");
    read_csv_batches(in, selection, limits, batch_size, queue, out.result);
    std::fclose(in);
    while (std::optional<CsvBatch> b = queue.pop()) out.batches.push_back(std::move(*b));
    return out;
}

const char* const four_days =
    "AAPL,2024-01-02,187.15,188.44,183.885,185.64,82488700\n"
    "AAPL,2024-01-03,184.22,185.88,183.43,184.25,58414500\n"
    "AAPL,2024-01-04,182.15,183.09,180.88,181.91,71983600\n"
    "AAPL,2024-01-05,181.99,182.76,180.17,181.18,62303300\n";
}  // namespace

TEST(CsvBatches, EmptyInputNoBatch) {
    const Read r = read_all("", 2);
    EXPECT_TRUE(r.batches.empty());
    EXPECT_TRUE(r.result.stats.empty());
    EXPECT_FALSE(r.result.read_error);
}

TEST(CsvBatches, ExactlyFullBatchesLeaveNoEmptyTail) {
    const std::string text = four_days;
    const Read r = read_all(text, 2);
    ASSERT_EQ(r.batches.size(), 2u);
    EXPECT_EQ(r.batches[0].bars.size(), 2u);
    EXPECT_EQ(format_iso_date(r.batches[0].bars[1].day), "2024-01-03");
    EXPECT_EQ(r.batches[1].bars.size(), 2u);
    EXPECT_EQ(r.batches[1].bars[1].close, "181.18");  // the decimal text as sent
    EXPECT_EQ(r.batches[0].bytes_read, 107);          // the first two lines: 54 + 53 bytes
    EXPECT_EQ(r.batches[1].bytes_read, static_cast<std::int64_t>(text.size()));
    EXPECT_EQ(r.result.stats.at("AAPL").fetched, 4);
}

TEST(CsvBatches, TheRestGoesAsALastSmallerBatch) {
    const Read r = read_all(four_days, 3);
    ASSERT_EQ(r.batches.size(), 2u);
    EXPECT_EQ(r.batches[0].bars.size(), 3u);
    EXPECT_EQ(r.batches[1].bars.size(), 1u);
}

TEST(CsvBatches, OnlyRejectedRowsStillMakeABatch) {
    const Read r = read_all("symbol,date,close\nAAPL,2024-01-02\n,2024-01-03,5\n", 2);
    ASSERT_EQ(r.batches.size(), 1u);
    EXPECT_TRUE(r.batches[0].bars.empty());
    ASSERT_EQ(r.batches[0].rejected.size(), 2u);
    EXPECT_EQ(r.batches[0].rejected[0].symbol, "AAPL");
    EXPECT_EQ(r.batches[0].rejected[0].raw, "AAPL,2024-01-02");
    EXPECT_EQ(r.batches[0].rejected[0].reason, "line 2: expected 3 fields, found 2");
    EXPECT_EQ(r.batches[0].rejected[1].symbol, "");  // no symbol: NULL in the quarantine
    EXPECT_EQ(r.result.stats.at("AAPL").rejected, 1);
    EXPECT_EQ(r.result.stats.at("").rejected, 1);
}

TEST(CsvBatches, ADuplicateWithinABatchIsRejectedAcrossBatchesItIsABar) {
    // batch size 2: Jan 2 twice in the first batch is a conflict; Jan 3 again after the first
    // batch is full goes to the next batch, where the upsert makes it an update
    const Read r = read_all(
        "AAPL,2024-01-02,1,2,1,1.5,10\n"
        "AAPL,2024-01-02,1,2,1,1.6,10\n"
        "AAPL,2024-01-03,1,2,1,1.7,10\n"
        "AAPL,2024-01-03,1,2,1,1.8,10\n",
        2);
    ASSERT_EQ(r.batches.size(), 2u);
    ASSERT_EQ(r.batches[0].bars.size(), 2u);
    EXPECT_EQ(r.batches[0].bars[1].close, "1.7");
    ASSERT_EQ(r.batches[0].rejected.size(), 1u);
    EXPECT_EQ(r.batches[0].rejected[0].reason,
              "duplicate (symbol, date): 2024-01-02 appears twice in the batch");
    ASSERT_EQ(r.batches[1].bars.size(), 1u);
    EXPECT_EQ(r.batches[1].bars[0].close, "1.8");
    EXPECT_EQ(r.result.stats.at("AAPL").fetched, 4);
    EXPECT_EQ(r.result.stats.at("AAPL").rejected, 1);
}

TEST(CsvBatches, RowsOutsideTheSelectionAreCountedNotLoaded) {
    CsvSelection s{{"AAPL"}, days_from_civil(2024, 1, 3), days_from_civil(2024, 1, 4)};
    const Read r = read_all(std::string(four_days) +
                                "MSFT,2024-01-03,370,371,369,370.5,1\n"
                                "AAPL,someday,1,2,1,1.5,10\n",
                            10, s);
    ASSERT_EQ(r.batches.size(), 1u);
    ASSERT_EQ(r.batches[0].bars.size(), 2u);  // Jan 3 and 4
    EXPECT_EQ(r.result.ignored, 3);           // Jan 2, Jan 5, MSFT
    // a date that cannot be read is not "outside": validation rejects it with its reason
    ASSERT_EQ(r.batches[0].rejected.size(), 1u);
    EXPECT_EQ(r.batches[0].rejected[0].reason, "bad date 'someday'");
    EXPECT_EQ(r.result.stats.count("MSFT"), 0u);
}

TEST(CsvBatches, AStoppedQueueEndsTheRead) {
    // the loader stopped (a failed batch): the reader hands over nothing more and reads no
    // further than the batch it could not hand over
    ValidationLimits limits;
    limits.latest_day = days_from_civil(2024, 12, 31);
    std::string text = four_days;
    FILE* in = fmemopen(text.data(), text.size(), "r");
    BatchQueue queue(1);
    queue.stop();
    CsvReadResult result;
    read_csv_batches(in, everything(), limits, 1, queue, result);
    std::fclose(in);
    EXPECT_EQ(result.stats.at("AAPL").fetched, 1);
    EXPECT_FALSE(queue.pop());
}
