// The reader-to-loader hand-over (batch_queue.hpp): order, close and stop. No test waits on a
// clock: a blocked push is released by stop(), whichever of the two comes first.
#include <gtest/gtest.h>

#include <thread>

#include "batch_queue.hpp"

using namespace pgp::fetch;

namespace {
CsvBatch batch_of(std::int64_t bytes) {
    CsvBatch b;
    b.bytes_read = bytes;
    return b;
}
}  // namespace

TEST(BatchQueue, PopsInOrderThenNulloptOnceClosed) {
    BatchQueue q(4);
    EXPECT_TRUE(q.push(batch_of(100)));
    EXPECT_TRUE(q.push(batch_of(250)));
    q.close();
    EXPECT_EQ(q.pop()->bytes_read, 100);  // what was pushed before close is still delivered
    EXPECT_EQ(q.pop()->bytes_read, 250);
    EXPECT_FALSE(q.pop());
}

TEST(BatchQueue, ClosedEmptyQueuePopsNothing) {
    BatchQueue q(2);
    q.close();
    EXPECT_FALSE(q.pop());
}

TEST(BatchQueue, AfterStopPushFailsAndDropsTheBatch) {
    BatchQueue q(2);
    q.stop();
    EXPECT_FALSE(q.push(batch_of(1)));
    q.close();
    EXPECT_FALSE(q.pop());
}

TEST(BatchQueue, StopReleasesAProducerWaitingOnAFullQueue) {
    BatchQueue q(1);
    bool second = true;
    std::thread producer([&] {
        q.push(batch_of(1));           // fills the queue
        second = q.push(batch_of(2));  // waits for space that never comes, until stop()
    });
    q.stop();
    producer.join();
    EXPECT_FALSE(second);
}

TEST(BatchQueue, AConsumerTakesEveryBatchInOrderThroughACapacityOfTwo) {
    BatchQueue q(2);
    std::thread producer([&] {
        for (std::int64_t i = 1; i <= 100; ++i) q.push(batch_of(i));
        q.close();
    });
    std::int64_t sum = 0, count = 0, last = 0;
    bool ordered = true;
    while (std::optional<CsvBatch> b = q.pop()) {
        ordered = ordered && b->bytes_read == last + 1;
        last = b->bytes_read;
        sum += b->bytes_read;
        ++count;
    }
    producer.join();
    EXPECT_EQ(count, 100);
    EXPECT_EQ(sum, 5050);  // 1 + ... + 100
    EXPECT_TRUE(ordered);
}
