#include "copy_encoding.hpp"

#include <algorithm>

namespace pgp::fetch {

void append_copy_text(std::string& out, std::string_view value) {
    for (char c : value) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                out.push_back(c);
        }
    }
}

void append_copy_field(std::string& out, std::string_view value) {
    if (value.empty())
        out += "\\N";
    else
        append_copy_text(out, value);
}

namespace {
// base and quote are three upper-case letters and close a validated decimal: nothing to escape
void append_fx_row(std::string& out, const FxPair& pair, const Bar& b) {
    out += pair.base;
    out += '\t';
    out += pair.quote;
    out += '\t';
    out += format_iso_date(b.day);
    out += '\t';
    out += b.close;
    out += '\n';
}

void append_quote_row(std::string& out, const Bar& b) {
    append_copy_text(out, b.symbol);
    out += '\t';
    out += format_iso_date(b.day);
    for (const std::string* v : {&b.open, &b.high, &b.low, &b.close, &b.adj_close, &b.volume}) {
        out += '\t';
        append_copy_field(out, *v);
    }
    out += '\n';
}

void append_rejected_row(std::string& out, const Rejected& r) {
    append_copy_field(out, r.symbol);  // a row without a usable symbol has none (NULL)
    out += '\t';
    append_copy_text(out, r.raw);
    out += '\t';
    append_copy_text(out, r.reason);
    out += '\n';
}
}  // namespace

CopyBatch encode_copy_batch(const std::vector<Bar>& bars, const std::vector<Rejected>& rejected) {
    CopyBatch out;
    for (const Bar& b : bars) {
        ++out.rows_per_symbol[b.symbol];
        if (const std::optional<FxPair> pair = fx_pair_of(b.symbol)) {
            append_fx_row(out.fx, *pair, b);
            continue;
        }
        ++out.quote_rows;
        out.first_day = std::min(out.first_day.value_or(b.day), b.day);
        out.last_day = std::max(out.last_day.value_or(b.day), b.day);
        append_quote_row(out.quotes, b);
    }
    for (const Rejected& r : rejected) append_rejected_row(out.rejected, r);
    return out;
}

std::string quote_symbols_array(const CopyBatch& batch) {
    std::string symbols = "{";
    for (const auto& [symbol, n] : batch.rows_per_symbol) {
        if (fx_pair_of(symbol)) continue;
        if (symbols.size() > 1) symbols += ',';
        symbols += '"' + symbol + '"';
    }
    symbols += '}';
    return symbols;
}

}  // namespace pgp::fetch
