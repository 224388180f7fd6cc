// A growable flat aggregate state: a fixed header followed by a trailing array of trivially
// copyable elements, all in ONE palloc'd chunk of the aggregate memory context, grown by doubling
// with repalloc. Used by the aggregates that must hold every row (var_historical, xirr).
// combine/serialize/deserialize serve only 0.1's declarations: 0.2 does not offer these
// aggregates to parallel workers (copying every row to the leader lost, issue 15).
// Growth stops with SQLSTATE 54000 before a chunk would pass PostgreSQL's 1 GB allocation limit.
#pragma once

#include <cstdint>
#include <cstring>
#include <type_traits>

#include "pg/aggregate_support.hpp"
#include "pg/prefault.hpp"
#include "core/var_historical.hpp"

namespace pgp::pg {

struct BufferHeader {
    int64_t count;
    int64_t capacity;
    double parameter;  // the aggregate's constant parameter (confidence), fixed by the first row
    int64_t has_parameter;
};

template <typename Element>
struct FlatBuffer {
    static_assert(std::is_trivially_copyable_v<Element>, "buffer elements must be flat");
    static Element* elements(BufferHeader* b) noexcept { return reinterpret_cast<Element*>(b + 1); }
    static const Element* elements(const BufferHeader* b) noexcept {
        return reinterpret_cast<const Element*>(b + 1);
    }
    static size_t bytes(int64_t capacity) noexcept {
        return sizeof(BufferHeader) + sizeof(Element) * static_cast<size_t>(capacity);
    }

    // A new empty buffer in the aggregate context with room for `capacity` elements.
    static BufferHeader* create(MemoryContext context, int64_t capacity, const char* what) {
        const size_t room = call_core([&] {
            return core::grow_capacity(0, static_cast<size_t>(capacity), sizeof(BufferHeader),
                                       sizeof(Element), what);
        });
        auto* b = static_cast<BufferHeader*>(MemoryContextAlloc(context, bytes(room)));
        b->count = 0;
        b->capacity = static_cast<int64_t>(room);
        b->parameter = 0.0;
        b->has_parameter = 0;
        return b;
    }

    // A transition's state: argument 0, or on the first row a new buffer with room for `initial`
    // elements in the aggregate context (the caller has found it, checking it is an aggregate).
    static BufferHeader* state_or_create(FunctionCallInfo fcinfo, MemoryContext context,
                                         int64_t initial, const char* what) {
        if (!PG_ARGISNULL(0)) return reinterpret_cast<BufferHeader*>(PG_GETARG_POINTER(0));
        return create(context, initial, what);
    }

    // Makes room for `extra` more elements; may move the chunk (repalloc keeps its context).
    static BufferHeader* reserve(BufferHeader* b, int64_t extra, const char* what) {
        const int64_t needed = b->count + extra;
        if (needed <= b->capacity) return b;
        const size_t room = call_core([&] {
            return core::grow_capacity(static_cast<size_t>(b->capacity),
                                       static_cast<size_t>(needed), sizeof(BufferHeader),
                                       sizeof(Element), what);
        });
        b = static_cast<BufferHeader*>(repalloc(b, bytes(room)));
        b->capacity = static_cast<int64_t>(room);
        return b;
    }

    static BufferHeader* append(BufferHeader* b, const Element& e, const char* what) {
        if (b->count == b->capacity) b = reserve(b, 1, what);
        // Entering a new window of a large buffer: map its pages in one call (pg/prefault.hpp),
        // window by window so that the unused end of a doubled buffer is never touched.
        if ((b->count & (kPrefaultWindow - 1)) == 0 && b->capacity - b->count >= kPrefaultWindow)
            prefault_pages(elements(b) + b->count, elements(b) + b->count + kPrefaultWindow);
        elements(b)[b->count++] = e;
        return b;
    }
    static constexpr int64_t kPrefaultWindow = kPrefaultWindowBytes / sizeof(Element);

    // Combine: left ++ right. Either may be NULL. The right state may belong to a partial
    // aggregate whose memory is about to be reset, so it is copied, never adopted.
    static Datum combine(FunctionCallInfo fcinfo, const char* what) {
        MemoryContext context = aggregate_context(fcinfo, what);
        if (PG_ARGISNULL(1)) {
            if (PG_ARGISNULL(0)) PG_RETURN_NULL();
            PG_RETURN_POINTER(PG_GETARG_POINTER(0));
        }
        const auto* right = reinterpret_cast<const BufferHeader*>(PG_GETARG_POINTER(1));
        BufferHeader* left;
        if (PG_ARGISNULL(0)) {
            left = create(context, right->count, what);
            left->parameter = right->parameter;
            left->has_parameter = right->has_parameter;
        } else {
            left = reinterpret_cast<BufferHeader*>(PG_GETARG_POINTER(0));
            if (left->has_parameter && right->has_parameter && left->parameter != right->parameter)
                ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                                errmsg("%s: the parameter must be the same in every row", what)));
            if (!left->has_parameter) {
                left->parameter = right->parameter;
                left->has_parameter = right->has_parameter;
            }
        }
        left = reserve(left, right->count, what);
        prefault_pages(elements(left) + left->count, elements(left) + left->count + right->count);
        std::memcpy(elements(left) + left->count, elements(right),
                    sizeof(Element) * static_cast<size_t>(right->count));
        left->count += right->count;
        PG_RETURN_POINTER(left);
    }

    // Serialized: version byte, count, parameter, has_parameter, then each element's doubles,
    // little-endian (Element is a run of doubles: double or a struct of doubles).
    static constexpr size_t kDoubles = sizeof(Element) / sizeof(double);
    static bytea* serialize(const BufferHeader* b) {
        static_assert(sizeof(Element) % sizeof(double) == 0, "elements are runs of doubles");
        const size_t size = 1 + 8 + 8 + 8 + sizeof(Element) * static_cast<size_t>(b->count);
        bytea* out = static_cast<bytea*>(palloc(VARHDRSZ + size));
        prefault_pages(out, reinterpret_cast<char*>(out) + VARHDRSZ + size);
        SET_VARSIZE(out, VARHDRSZ + size);
        auto* bytes = reinterpret_cast<uint8_t*>(VARDATA(out));
        call_core([&] {
            core::ByteWriter w(bytes, size);
            w.u8(1);
            w.i64(b->count);
            w.f64(b->parameter);
            w.i64(b->has_parameter);
            const auto* values = reinterpret_cast<const double*>(elements(b));
            const size_t n = kDoubles * static_cast<size_t>(b->count);
            for (size_t i = 0; i < n; ++i) w.f64(values[i]);
        });
        return out;
    }

    static BufferHeader* deserialize(FunctionCallInfo fcinfo, const char* what) {
        MemoryContext context = aggregate_context(fcinfo, what);
        bytea* in = PG_GETARG_BYTEA_PP(0);
        const auto* bytes = reinterpret_cast<const uint8_t*>(VARDATA_ANY(in));
        const size_t size = VARSIZE_ANY_EXHDR(in);
        struct Head {
            int64_t count;
            double parameter;
            int64_t has_parameter;
        };
        const Head head = call_core([&] {
            core::ByteReader r(bytes, size);
            r.expect_version(1, what);
            Head h{r.i64(), r.f64(), r.i64()};
            if (h.count < 0 || r.remaining() != sizeof(Element) * static_cast<size_t>(h.count))
                core::fail(core::ErrorCode::CorruptState,
                           std::string(what) + ": inconsistent length");
            return h;
        });
        BufferHeader* b = create(context, head.count, what);
        b->count = head.count;
        b->parameter = head.parameter;
        b->has_parameter = head.has_parameter;
        auto* values = reinterpret_cast<double*>(elements(b));
        prefault_pages(values, values + kDoubles * static_cast<size_t>(head.count));
        call_core([&] {
            core::ByteReader r(bytes + 25, size - 25);
            const size_t n = kDoubles * static_cast<size_t>(head.count);
            for (size_t i = 0; i < n; ++i) values[i] = r.f64();
        });
        return b;
    }
};

}  // namespace pgp::pg

// 0.1's combine/serialize/deserialize of a buffered aggregate (0.2 declares none):
// pgp_<name>_combine, pgp_<name>_serialize and pgp_<name>_deserialize; their messages name "<name>"
// and "<name> state".
#define PGP_BUFFER_PARALLEL_FUNCTIONS(name, Buffer)                                               \
    PGP_FUNCTION(pgp_##name##_combine) { return Buffer::combine(fcinfo, #name); }                 \
    PGP_FUNCTION(pgp_##name##_serialize) {                                                        \
        const auto* state = reinterpret_cast<const pgp::pg::BufferHeader*>(PG_GETARG_POINTER(0)); \
        PG_RETURN_BYTEA_P(Buffer::serialize(state));                                              \
    }                                                                                             \
    PGP_FUNCTION(pgp_##name##_deserialize) {                                                      \
        PG_RETURN_POINTER(Buffer::deserialize(fcinfo, #name " state"));                           \
    }
