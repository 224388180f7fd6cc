#include "pg/boundary.hpp"

#include <cstring>

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
