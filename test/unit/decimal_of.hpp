// For unit tests: a Decimal written as its text, d("1.25") (Decimal::parse, so exact).
#pragma once

#include "core/decimal.hpp"

namespace pgp::test {

inline core::Decimal d(const char* text) { return core::Decimal::parse(text); }

}  // namespace pgp::test
