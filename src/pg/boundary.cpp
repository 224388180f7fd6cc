#include "pg/boundary.hpp"

#include <cstring>
#include <stdexcept>

namespace pgp::pg {

void capture_error(CapturedError& err, int sqlstate, const char* message) noexcept {
    err.sqlstate = sqlstate;
    std::strncpy(err.message, message != nullptr ? message : "", sizeof(err.message) - 1);
    err.message[sizeof(err.message) - 1] = '\0';
}

int sqlstate_for(core::ErrorCode code) noexcept {
    switch (code) {
        case core::ErrorCode::InvalidParameter:
            return ERRCODE_INVALID_PARAMETER_VALUE;
        case core::ErrorCode::DataException:
            return ERRCODE_DATA_EXCEPTION;
        case core::ErrorCode::NumericOutOfRange:
            return ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE;
        case core::ErrorCode::ProgramLimitExceeded:
            return ERRCODE_PROGRAM_LIMIT_EXCEEDED;
        case core::ErrorCode::CorruptState:
            return ERRCODE_INVALID_BINARY_REPRESENTATION;
        case core::ErrorCode::Internal:
            return ERRCODE_INTERNAL_ERROR;
    }
    return ERRCODE_INTERNAL_ERROR;
}

namespace {
template <class E>
bool is_a(const std::exception& e) noexcept {
    return dynamic_cast<const E*>(&e) != nullptr;
}

struct StdErrorState {
    bool (*matches)(const std::exception&) noexcept;
    int sqlstate;
};

// Tested in this order, as a chain of catch clauses would be; the first class that matches wins.
constexpr StdErrorState kStdErrorStates[] = {
    {&is_a<std::invalid_argument>, ERRCODE_INVALID_PARAMETER_VALUE},
    {&is_a<std::domain_error>, ERRCODE_INVALID_PARAMETER_VALUE},
    {&is_a<std::length_error>, ERRCODE_PROGRAM_LIMIT_EXCEEDED},
    {&is_a<std::out_of_range>, ERRCODE_PROGRAM_LIMIT_EXCEEDED},
    {&is_a<std::overflow_error>, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE},
    {&is_a<std::underflow_error>, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE},
    {&is_a<std::range_error>, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE},
};
}  // namespace

int sqlstate_for(const std::exception& e) noexcept {
    for (const StdErrorState& known : kStdErrorStates)
        if (known.matches(e)) return known.sqlstate;
    return ERRCODE_INTERNAL_ERROR;
}

void raise_captured(const CapturedError& err) {
    if (err.cancelled) {
        // The core unwound because an interrupt is pending: let PostgreSQL report it with its own
        // SQLSTATE (57014) and message (statement timeout, user request, ...).
        CHECK_FOR_INTERRUPTS();
        ereport(ERROR, (errcode(ERRCODE_QUERY_CANCELED), errmsg("canceling statement")));
    }
    ereport(ERROR, (errcode(err.sqlstate), errmsg("%s", err.message)));
    pg_unreachable();
}

core::InterruptCheck postgres_interrupts() noexcept {
    core::InterruptCheck check;
    check.pending = []() noexcept { return InterruptPending != 0; };
    return check;
}

}  // namespace pgp::pg
