// The stored two-step summaries: return_summary (one series) and pair_summary (a series against a
// benchmark). Each is a flat value with a versioned little-endian binary format (the varlena
// payload and the send/recv format) and a readable text form that parses back exactly (every
// double printed with 17 significant digits).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/byte_codec.hpp"
#include "core/growth.hpp"
#include "core/moments.hpp"
#include "core/pair_moments.hpp"

namespace pgp::core {

// Everything return_stats(r) keeps: the moments of r and its compounded growth.
struct ReturnSummary {
    Moments moments;
    GrowthState growth;

    void add(double r);                   // validates r (finite, >= -1)
    [[nodiscard]] bool remove(double r);  // false: recompute the frame (see Moments::remove)
    void merge(const ReturnSummary& other) noexcept;
    // inverse of merge (rollup over a moving window); false: recompute the frame
    [[nodiscard]] bool unmerge(const ReturnSummary& other) noexcept;

    static constexpr uint8_t kFormatVersion = 1;
    // version, n, mean, m2, m3, m4, log-growth sum and compensation, total losses
    static constexpr size_t kEncodedSize = 1 + 8 * 8;
    void encode(ByteWriter& out) const;
    static ReturnSummary decode(ByteReader& in);
    void check_consistent() const;
};

// twr = prod(1 + r) - 1; NULL when empty
std::optional<double> twr(const ReturnSummary& s) noexcept;
// prod(1 + r)^(ppy / n) - 1; NULL when empty
std::optional<double> annualized_return(const GrowthState& g, double ppy) noexcept;

struct PairSummary {
    PairMoments moments;

    void add(double r, double rb);  // validates both returns
    [[nodiscard]] bool remove(double r, double rb);
    void merge(const PairSummary& other) noexcept { moments.merge(other.moments); }
    [[nodiscard]] bool unmerge(const PairSummary& other) noexcept {
        return moments.unmerge(other.moments);
    }

    static constexpr uint8_t kFormatVersion = 1;
    static constexpr size_t kEncodedSize = PairMoments::kEncodedSize;
    void encode(ByteWriter& out) const { moments.encode(out); }
    static PairSummary decode(ByteReader& in) { return PairSummary{PairMoments::decode(in)}; }
};

// Text forms. Output fits in kTextCapacity; parse results carry their own message so the glue can
// report a text syntax error (22P02) instead of an exception's SQLSTATE.
constexpr size_t kTextCapacity = 512;
struct SummaryText {
    char text[kTextCapacity];
};
template <typename T>
struct ParsedSummary {
    bool ok;
    T value;
    char message[256];
};
SummaryText to_text(const ReturnSummary& s) noexcept;
SummaryText to_text(const PairSummary& s) noexcept;
ParsedSummary<ReturnSummary> parse_return_summary(const char* text) noexcept;
ParsedSummary<PairSummary> parse_pair_summary(const char* text) noexcept;

}  // namespace pgp::core
