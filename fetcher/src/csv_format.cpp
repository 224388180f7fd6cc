#include "csv_format.hpp"

#include <cctype>

namespace pgp::fetch {

namespace {
constexpr std::size_t max_fields = 64;

std::string lower_trimmed(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    std::string out;
    for (char c : s) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    return out;
}
}  // namespace

CsvReader::CsvReader() : columns_{Symbol, Date, Open, High, Low, Close, Volume, AdjClose} {
    fields_.reserve(max_fields);
    unquoted_.reserve(max_fields);  // never reallocated: views into it stay valid
}

bool CsvReader::split(std::string_view line, std::string& error) {
    fields_.clear();
    unquoted_.clear();
    std::size_t i = 0;
    while (true) {
        if (fields_.size() == max_fields) {
            error = "more than " + std::to_string(max_fields) + " fields";
            return false;
        }
        if (i < line.size() && line[i] == '"') {
            // "quoted, with "" for a quote"
            std::string value;
            ++i;
            while (true) {
                if (i >= line.size()) {
                    error = "unterminated quoted field";
                    return false;
                }
                if (line[i] == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        value.push_back('"');
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                value.push_back(line[i++]);
            }
            unquoted_.push_back(std::move(value));
            fields_.emplace_back(unquoted_.back());
            if (i < line.size() && line[i] != ',') {
                error = "text after a quoted field";
                return false;
            }
        } else {
            const std::size_t comma = line.find(',', i);
            const std::size_t end = comma == std::string_view::npos ? line.size() : comma;
            fields_.push_back(line.substr(i, end - i));
            i = end;
        }
        if (i >= line.size()) return true;
        ++i;  // the comma
    }
}

// The column a header name (lower case, trimmed) names; any other name is Ignored.
CsvReader::Column CsvReader::column_named(const std::string& name) {
    struct Known {
        const char* name;
        Column column;
    };
    static constexpr Known kKnown[] = {{"symbol", Symbol},
                                       {"date", Date},
                                       {"open", Open},
                                       {"high", High},
                                       {"low", Low},
                                       {"close", Close},
                                       {"volume", Volume},
                                       {"adj_close", AdjClose},
                                       {"adj close", AdjClose},
                                       {"adjclose", AdjClose}};
    for (const Known& known : kKnown)
        if (name == known.name) return known.column;
    return Ignored;
}

bool CsvReader::read_header(std::string& error) {
    std::vector<Column> columns;
    bool has[Ignored] = {};
    for (std::string_view f : fields_) {
        const std::string name = lower_trimmed(f);
        const Column c = column_named(name);
        if (c != Ignored) {
            if (has[c]) {
                error = "header names column '" + name + "' twice";
                return false;
            }
            has[c] = true;
        }
        columns.push_back(c);
    }
    if (!has[Symbol] || !has[Date] || !has[Close]) {
        error = "header must name symbol, date and close";
        return false;
    }
    columns_ = std::move(columns);
    header_ = true;
    return true;
}

CsvReader::Line CsvReader::read(std::string_view line, RowFields& out, std::string& error) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    bool blank = true;
    for (char c : line) blank = blank && std::isspace(static_cast<unsigned char>(c));
    if (blank) return Line::Blank;
    const bool first = first_line_;
    first_line_ = false;
    if (first && line.size() >= 3 && static_cast<unsigned char>(line[0]) == 0xEF &&
        static_cast<unsigned char>(line[1]) == 0xBB && static_cast<unsigned char>(line[2]) == 0xBF)
        line.remove_prefix(3);  // a UTF-8 byte order mark
    if (!split(line, error)) return Line::Bad;
    if (first && lower_trimmed(fields_[0]) == "symbol")
        return read_header(error) ? Line::Header : Line::Bad;

    const std::size_t n = fields_.size();
    if (header_ ? n != columns_.size() : (n != 7 && n != 8)) {
        error = "expected " + (header_ ? std::to_string(columns_.size()) : std::string("7 or 8")) +
                " fields, found " + std::to_string(n);
        return Line::Bad;
    }
    out = RowFields{};
    for (std::size_t i = 0; i < n; ++i) {
        const std::string_view v = fields_[i];
        switch (columns_[i]) {
            case Symbol:
                out.symbol = v;
                break;
            case Date:
                out.date = v;
                break;
            case Open:
                out.open = v;
                break;
            case High:
                out.high = v;
                break;
            case Low:
                out.low = v;
                break;
            case Close:
                out.close = v;
                break;
            case Volume:
                out.volume = v;
                break;
            case AdjClose:
                out.adj_close = v;
                break;
            case Ignored:
                break;
        }
    }
    return Line::Row;
}

}  // namespace pgp::fetch
