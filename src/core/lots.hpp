// Lot accounting for one instrument: the ledger of a position, applied in time order.
//
// A position is a flat header followed by an array of open lots (one contiguous block, so the glue
// can keep it in the aggregate memory context and grow it with repalloc). Live lots are
// [head, end): FIFO sells consume from head, LIFO from end - 1, HIFO the lot of highest unit cost,
// and AVERAGE keeps a single pooled lot. Lots keep their TOTAL cost (quantity x price + buy fees):
// a split then changes quantities only and the cost basis stays exact.
//
// Conventions (docs/data-model.md):
//  - buy, transfer_in: quantity > 0 shares at price (per share); cost = quantity*price + fees.
//  - sell, transfer_out: quantity > 0 shares; proceeds = quantity*price - fees (transfer_out
//    without a price leaves at cost: no gain); realized P/L += proceeds - cost of the lots sold.
//    A partly sold lot gives up cost * sold / lot quantity (one rounding, 12 decimals).
//  - dividend, interest: income += quantity*price, or price alone when quantity is NULL.
//  - split: quantity = new shares per old share (3 for a 3-for-1, 0.1 for 1-for-10); every open
//    lot's quantity is multiplied, costs unchanged.
//  - fees of every kind add to fees(); deposit and withdrawal carry no position.
//  - selling more than is held is reported (ApplyResult::oversold), never a silent short.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/decimal.hpp"

namespace pgp::core {

enum class CostMethod : uint8_t { Fifo = 1, Lifo = 2, Average = 3, Hifo = 4 };
CostMethod parse_cost_method(std::string_view name);  // InvalidParameter for anything else
const char* cost_method_name(CostMethod method) noexcept;

enum class TxnKind : uint8_t {
    Buy,
    Sell,
    Dividend,
    Interest,
    Fee,
    Deposit,
    Withdrawal,
    Split,
    TransferIn,
    TransferOut
};
TxnKind parse_txn_kind(std::string_view label);  // the txn_kind enum labels

struct Lot {
    int64_t opened_at = 0;  // microseconds since 2000-01-01 UTC (PostgreSQL timestamptz)
    Decimal quantity;
    Decimal cost;  // total cost of the lot, fees included
};

struct PositionHeader {
    CostMethod method = CostMethod::Fifo;
    uint8_t padding[7] = {};
    int64_t transactions = 0;
    int64_t last_at = 0;  // executed_at of the last transaction (order check)
    Decimal quantity;
    Decimal cost_basis;
    Decimal realized_pl;
    Decimal income;
    Decimal fees;
    uint32_t head = 0;  // live lots are [head, end)
    uint32_t end = 0;
    uint32_t capacity = 0;  // lots the block has room for
    uint32_t padding2 = 0;
};
static_assert(sizeof(PositionHeader) % 8 == 0, "lots follow the header 8-byte aligned");

// A view of one block: the header and the lots stored right after it.
struct LotBook {
    PositionHeader* header;
    Lot* lots;
    uint32_t open_lots() const noexcept { return header->end - header->head; }
};

inline size_t position_block_size(uint32_t capacity) noexcept {
    return sizeof(PositionHeader) + static_cast<size_t>(capacity) * sizeof(Lot);
}
inline LotBook lot_book(void* block) noexcept {
    auto* header = static_cast<PositionHeader*>(block);
    return LotBook{header, reinterpret_cast<Lot*>(header + 1)};
}

struct Txn {
    int64_t at = 0;
    TxnKind kind = TxnKind::Buy;
    bool has_quantity = false;
    bool has_price = false;
    Decimal quantity;
    Decimal price;
    Decimal fees;  // NULL fees are 0
};

struct ApplyResult {
    bool oversold = false;
    char message[256] = {};  // "sell of 150 on 2024-03-04 exceeds the quantity held, 100"
};

// True when applying a transaction of this kind needs one more free lot slot at end.
bool needs_lot_slot(const PositionHeader& header, TxnKind kind) noexcept;
// Moves the live lots to the front of the array (frees the slots FIFO sells left behind).
void compact(LotBook book) noexcept;
// Applies one transaction. Precondition: a free slot when needs_lot_slot() said so.
// Throws InvalidParameter for an impossible transaction (negative quantity, out of time order).
ApplyResult apply(LotBook book, const Txn& txn);

// Accessors.
Decimal average_cost(const PositionHeader& header);  // cost_basis / quantity; needs quantity != 0
Decimal market_value(const PositionHeader& header, Decimal price);
Decimal unrealized_pl(const PositionHeader& header, Decimal price);
Decimal lot_unit_cost(const Lot& lot);

// Stored form: version byte, header fields, then the live lots; little-endian.
constexpr uint8_t kPositionFormatVersion = 1;
size_t encoded_position_size(const LotBook& book) noexcept;
void encode_position(const LotBook& book, ByteWriter& out);
// Reads the header (capacity = number of lots) then the lots into lots_out (room for
// header.capacity lots, after decode_position_header said how many).
PositionHeader decode_position_header(ByteReader& in);
void decode_position_lots(ByteReader& in, LotBook book);
// The rules the text form enforces, for a position read in binary form (receive): every lot
// quantity positive, every time one the text form can write and read back, and the header's
// quantity and cost_basis equal to the sums over the lots. CorruptState otherwise, so a value that
// binary COPY accepts always prints text that reads back.
void validate_position_lots(const LotBook& book);

// Readable text: "method=fifo quantity=250 cost_basis=26500 realized_pl=0 income=0 fees=0
// transactions=3 last=2024-03-01T00:00:00Z lots=2024-01-02T00:00:00Z/100/9500,..." (lot = opened/
// quantity/total cost). parse_position_header counts the lots; parse_position_lots fills them.
std::string format_position(const LotBook& book);
PositionHeader parse_position_header(std::string_view text);
void parse_position_lots(std::string_view text, LotBook book);

}  // namespace pgp::core
