// The csv source: symbol,date,open,high,low,close,volume[,adj_close], one row a line. A first
// line starting with "symbol" is a header and may order (or omit) the optional columns.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rows.hpp"

namespace pgp::fetch {

class CsvReader {
  public:
    enum class Line { Blank, Header, Row, Bad };

    CsvReader();
    // Reads one line (without its newline). For Row, `out` views the line (or the reader's own
    // storage for quoted fields) until the next call; for Bad, `error` says why.
    Line read(std::string_view line, RowFields& out, std::string& error);

  private:
    enum Column { Symbol, Date, Open, High, Low, Close, Volume, AdjClose, Ignored };
    static Column column_named(const std::string& name);
    std::vector<Column> columns_;  // the layout: positional until a header says otherwise
    bool first_line_ = true;
    bool header_ = false;
    std::vector<std::string_view> fields_;
    std::vector<std::string> unquoted_;  // storage for quoted fields
    bool split(std::string_view line, std::string& error);
    bool read_header(std::string& error);
};

}  // namespace pgp::fetch
