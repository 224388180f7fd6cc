// The hand-over between the csv reader thread and the loader: batches of validated bars (with
// the rows rejected among them), at most `capacity` waiting, so the reader parses and validates
// the next batch while the loader waits for the database with the current one, and memory stays
// bounded by capacity batches whatever the size of the file.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "rows.hpp"

namespace pgp::fetch {

// One batch of the csv source on its way from the reader to the loader.
struct CsvBatch {
    std::vector<Bar> bars;
    std::vector<Rejected> rejected;
    std::int64_t bytes_read = 0;  // of the input so far, for the progress bar
};

class BatchQueue {
  public:
    explicit BatchQueue(std::size_t capacity) : capacity_(capacity) {}
    // Waits while the queue is full. false when the consumer has stopped (a database failure):
    // the batch is dropped and the reader may quit, since nothing after a failed batch loads.
    bool push(CsvBatch batch);
    // The producer is done: pop() returns what is left, then nullopt.
    void close();
    // The consumer is done: push() returns false from now on, also to a producer waiting.
    void stop();
    // The oldest batch; waits while the queue is empty and open. nullopt once closed and empty.
    std::optional<CsvBatch> pop();

  private:
    std::mutex mutex_;
    std::condition_variable ready_, space_;
    std::deque<CsvBatch> queue_;
    std::size_t capacity_;
    bool closed_ = false, stopped_ = false;
};

}  // namespace pgp::fetch
