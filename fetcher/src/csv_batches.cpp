#include "csv_batches.hpp"

#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "csv_format.hpp"

namespace pgp::fetch {

namespace {
// The state of one read: the batch being filled and its (symbol, date) keys.
class CsvBatcher {
  public:
    CsvBatcher(const CsvSelection& selection, const ValidationLimits& limits,
               std::size_t batch_size, BatchQueue& queue, CsvReadResult& result)
        : selection_(selection),
          limits_(limits),
          batch_size_(batch_size),
          queue_(queue),
          result_(result) {
        batch_.bars.reserve(batch_size_);
    }
    // false once the queue has stopped: nothing more is read
    bool line(std::string_view text, std::int64_t line_number, std::int64_t bytes_read);
    void finish(std::int64_t bytes_read);

  private:
    void reject_unreadable(std::string_view text, std::int64_t line_number,
                           const std::string& error);
    bool selected(const RowFields& fields);
    void add_row(std::string_view text, std::int64_t bytes_read);

    const CsvSelection& selection_;
    const ValidationLimits& limits_;
    std::size_t batch_size_;
    BatchQueue& queue_;
    CsvReadResult& result_;
    CsvBatch batch_;
    BatchKeys keys_;
    CsvReader reader_;
    RowFields fields_;
    bool stopped_ = false;
};

bool CsvBatcher::line(std::string_view text, std::int64_t line_number, std::int64_t bytes_read) {
    std::string error;
    const CsvReader::Line kind = reader_.read(text, fields_, error);
    if (kind == CsvReader::Line::Blank || kind == CsvReader::Line::Header) return true;
    if (kind == CsvReader::Line::Bad) {
        reject_unreadable(text, line_number, error);
    } else if (selected(fields_)) {
        add_row(text, bytes_read);
    } else {
        ++result_.ignored;
    }
    return !stopped_;
}

void CsvBatcher::reject_unreadable(std::string_view text, std::int64_t line_number,
                                   const std::string& error) {
    // the first field, if it looks like a symbol; else the row has none (NULL)
    std::string symbol(text.substr(0, std::min(text.find(','), text.size())));
    if (!valid_symbol(symbol)) symbol.clear();
    batch_.rejected.push_back(
        {symbol, std::string(text), "line " + std::to_string(line_number) + ": " + error});
    SymbolStats& s = stats_of(result_.stats, symbol.empty() ? "(no symbol)" : symbol);
    ++s.rejected;
    ++s.fetched;
}

// A row whose date cannot be read is selected, so validation rejects it with its reason.
bool CsvBatcher::selected(const RowFields& fields) {
    if (!selection_.symbols.empty() && !selection_.symbols.count(std::string(fields.symbol)))
        return false;
    const auto day = parse_leading_date(fields.date);
    return !day || (*day >= selection_.from && *day <= selection_.to);
}

void CsvBatcher::add_row(std::string_view text, std::int64_t bytes_read) {
    SymbolStats& s = stats_of(result_.stats, fields_.symbol);
    ++s.fetched;
    auto checked = validate_row(fields_, limits_);
    if (auto* reason = std::get_if<std::string>(&checked)) {
        const std::string symbol =
            valid_symbol(fields_.symbol) ? std::string(fields_.symbol) : std::string();
        batch_.rejected.push_back({symbol, std::string(text), std::move(*reason)});
        ++s.rejected;
        return;
    }
    Bar& bar = std::get<Bar>(checked);
    if (!keys_.insert(bar.symbol, bar.day)) {
        batch_.rejected.push_back({std::string(fields_.symbol), std::string(text),
                                   "duplicate (symbol, date): " + format_iso_date(bar.day) +
                                       " appears twice in the batch"});
        ++s.rejected;
        return;
    }
    batch_.bars.push_back(std::move(bar));
    if (batch_.bars.size() < batch_size_) return;
    batch_.bytes_read = bytes_read;
    stopped_ = !queue_.push(std::move(batch_));
    batch_ = CsvBatch{};
    batch_.bars.reserve(batch_size_);
    keys_.clear();
}

void CsvBatcher::finish(std::int64_t bytes_read) {
    if (!stopped_ && (!batch_.bars.empty() || !batch_.rejected.empty())) {
        batch_.bytes_read = bytes_read;
        queue_.push(std::move(batch_));
    }
    queue_.close();
}
}  // namespace

void read_csv_batches(FILE* in, const CsvSelection& selection, const ValidationLimits& limits,
                      std::size_t batch_size, BatchQueue& queue, CsvReadResult& result) {
    CsvBatcher batcher(selection, limits, batch_size, queue, result);
    std::int64_t line_number = 0, bytes = 0;
    char* line = nullptr;
    std::size_t capacity = 0;
    ssize_t length = 0;
    while ((length = getline(&line, &capacity, in)) >= 0) {
        ++line_number;
        bytes += length;
        std::string_view text(line, static_cast<std::size_t>(length));
        if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
        if (!batcher.line(text, line_number, bytes)) break;
    }
    result.read_error = std::ferror(in) != 0;
    std::free(line);
    batcher.finish(bytes);
}

}  // namespace pgp::fetch
