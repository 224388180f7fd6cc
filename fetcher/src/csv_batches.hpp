// The csv source read into whole batches: each line parsed (csv_format.hpp), selected by
// --symbols/--from/--to, validated, and put in the current batch as a bar or a rejected row with
// its reason (a line that cannot be read, a failed check, a second row of a (symbol, date) within
// the batch). A batch is handed to the queue when it holds batch_size bars; the rest, bars or
// only rejected rows, goes as a last batch. Rows are never dropped: each is a bar, a rejected
// row, or counted as outside the selection.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <set>
#include <string>

#include "batch_queue.hpp"
#include "summary.hpp"
#include "validation.hpp"

namespace pgp::fetch {

// Which rows of the file the run loads.
struct CsvSelection {
    std::set<std::string> symbols;  // empty: every symbol
    Day from = 0, to = 0;           // inclusive
};

struct CsvReadResult {
    std::map<std::string, SymbolStats> stats;  // fetched and rejected per symbol
    std::int64_t ignored = 0;                  // rows outside the selection
    bool read_error = false;
};

// Reads `in` to its end, or until the queue is stopped, then closes the queue. The caller
// passes the limits (the latest plausible day), so no clock is read here.
void read_csv_batches(FILE* in, const CsvSelection& selection, const ValidationLimits& limits,
                      std::size_t batch_size, BatchQueue& queue, CsvReadResult& result);

}  // namespace pgp::fetch
