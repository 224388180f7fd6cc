#include "batch_queue.hpp"

namespace pgp::fetch {

bool BatchQueue::push(CsvBatch batch) {
    std::unique_lock<std::mutex> lock(mutex_);
    space_.wait(lock, [&] { return queue_.size() < capacity_ || stopped_; });
    if (stopped_) return false;
    queue_.push_back(std::move(batch));
    ready_.notify_one();
    return true;
}

void BatchQueue::close() {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    ready_.notify_one();
}

void BatchQueue::stop() {
    std::lock_guard<std::mutex> lock(mutex_);
    stopped_ = true;
    space_.notify_all();
}

std::optional<CsvBatch> BatchQueue::pop() {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait(lock, [&] { return !queue_.empty() || closed_; });
    if (queue_.empty()) return std::nullopt;
    CsvBatch b = std::move(queue_.front());
    queue_.pop_front();
    space_.notify_one();
    return b;
}

}  // namespace pgp::fetch
