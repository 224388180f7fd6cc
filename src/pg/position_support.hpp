// What position_agg's glue (src/pg/position.cpp) shares with ledger_days_agg's: one transaction
// applied to a position's lots (src/core/lots.hpp) from an aggregate's arguments, and a position
// value made from its encoded bytes.
#pragma once

#include "pg/postgres_headers.hpp"

namespace pgp::pg {

// Applies the transaction in arguments base .. base + 6 (executed_at, kind, quantity, price, fees
// [, method [, label]]) to the lot block (nullptr: a new position with that method, in context);
// returns the block, which may have moved (it grows with repalloc). Selling more than is held is
// SQLSTATE PF001, with the label when there is one.
void* position_apply(FunctionCallInfo fcinfo, MemoryContext context, void* block, int base);

// A portfolio.position datum from a position's encoded bytes (core::encode_position), validated
// like a received one: CorruptState (SQLSTATE 22P03) for bytes that do not decode to a position.
Datum position_from_bytes(const uint8_t* bytes, size_t size);

}  // namespace pgp::pg
