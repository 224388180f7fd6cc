// Little-endian, fixed-width encoding for serialized aggregate states and stored summary types.
// Every format written with it starts with a version byte, so stored values can be read by later
// versions and a value from a machine of another byte order decodes the same.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "core/error.hpp"

namespace pgp::core {

namespace detail {
inline uint64_t to_little_endian(uint64_t v) noexcept {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return __builtin_bswap64(v);
#else
    return v;
#endif
}
}  // namespace detail

// Writes into a buffer the caller allocated (palloc'd in the glue) of exactly the encoded size.
class ByteWriter {
  public:
    ByteWriter(uint8_t* out, size_t capacity) noexcept : out_(out), capacity_(capacity) {}

    void u8(uint8_t v) { put(&v, 1); }
    void i64(int64_t v) { u64(static_cast<uint64_t>(v)); }
    void u64(uint64_t v) {
        v = detail::to_little_endian(v);
        put(&v, 8);
    }
    void f64(double v) {
        uint64_t bits;
        std::memcpy(&bits, &v, 8);
        u64(bits);
    }
    size_t written() const noexcept { return pos_; }

  private:
    void put(const void* p, size_t n) {
        if (pos_ + n > capacity_) fail(ErrorCode::Internal, "serialization buffer too small");
        std::memcpy(out_ + pos_, p, n);
        pos_ += n;
    }
    uint8_t* out_;
    size_t capacity_;
    size_t pos_ = 0;
};

class ByteReader {
  public:
    ByteReader(const uint8_t* in, size_t size) noexcept : in_(in), size_(size) {}

    uint8_t u8() {
        uint8_t v;
        get(&v, 1);
        return v;
    }
    int64_t i64() { return static_cast<int64_t>(u64()); }
    uint64_t u64() {
        uint64_t v;
        get(&v, 8);
        return detail::to_little_endian(v);
    }
    double f64() {
        const uint64_t bits = u64();
        double v;
        std::memcpy(&v, &bits, 8);
        return v;
    }
    // The version byte every format starts with; anything else is a corrupt or foreign value.
    void expect_version(uint8_t expected, const char* what) {
        const uint8_t v = u8();
        if (v != expected)
            fail(ErrorCode::CorruptState,
                 std::string("unsupported ") + what + " format version " + std::to_string(v));
    }
    void expect_end(const char* what) const {
        if (pos_ != size_) fail(ErrorCode::CorruptState, std::string("trailing bytes in ") + what);
    }
    size_t remaining() const noexcept { return size_ - pos_; }

  private:
    void get(void* p, size_t n) {
        if (pos_ + n > size_) fail(ErrorCode::CorruptState, "truncated serialized value");
        std::memcpy(p, in_ + pos_, n);
        pos_ += n;
    }
    const uint8_t* in_;
    size_t size_;
    size_t pos_ = 0;
};

}  // namespace pgp::core
