// Binary I/O (typreceive) shared by the stored types whose send format is their varlena body.
#pragma once

#include <cstring>

#include "pg/postgres_headers.hpp"

namespace pgp::pg {

// The rest of the receive buffer in argument 0 as a new bytea, consuming it; the caller validates.
inline bytea* received_bytea(FunctionCallInfo fcinfo) {
    StringInfo buffer = reinterpret_cast<StringInfo>(PG_GETARG_POINTER(0));
    const int size = buffer->len - buffer->cursor;
    bytea* out = static_cast<bytea*>(palloc(VARHDRSZ + size));
    SET_VARSIZE(out, VARHDRSZ + size);
    std::memcpy(VARDATA(out), buffer->data + buffer->cursor, size);
    buffer->cursor = buffer->len;
    return out;
}

}  // namespace pgp::pg
