// Errors raised by the pure core. The core knows nothing of PostgreSQL: it says *what kind*
// of failure happened and the glue layer (src/pg/boundary.hpp) maps the kind to a SQLSTATE.
#pragma once

#include <stdexcept>
#include <string>

namespace pgp::core {

enum class ErrorCode {
    InvalidParameter,      // a parameter out of its domain (confidence 1.5, ppy 0) -> 22023
    DataException,         // a data value that cannot be used (NaN return, r < -1)  -> 22000
    NumericOutOfRange,     // a result that does not fit (overflow)                  -> 22003
    ProgramLimitExceeded,  // a state that would pass the 1 GB allocation limit      -> 54000
    CorruptState,          // a serialized state or summary that fails to decode     -> 22P03
    Internal,              // a bug: an invariant did not hold                       -> XX000
};

class Error : public std::runtime_error {
  public:
    Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
    ErrorCode code() const noexcept { return code_; }

  private:
    ErrorCode code_;
};

// Thrown by InterruptCheck::poll() when the host asked to cancel (statement_timeout, ^C).
// Deliberately not an Error: the glue lets PostgreSQL report the cancel itself.
struct Cancelled {};

[[noreturn]] inline void fail(ErrorCode code, const std::string& message) {
    throw Error(code, message);
}

}  // namespace pgp::core
