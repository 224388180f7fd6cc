// XIRR: the annual rate x of irregular cash flows, sum_i a_i (1 + x)^(-d_i / 365) = 0, where d_i is
// the number of days from the earliest flow (Excel's XIRR and Portfolio Performance's IRR).
//
// Solver: Newton's method from Excel's guess of 10 %; if it does not converge to a rate above -100
// %, the rate is bracketed by scanning v = log(1 + x) over [-30, 12] (x from -1 + 1e-13 to 1.6e5)
// for a sign change of the (positively rescaled, so never overflowing) present value, and the
// bracket is refined with Brent's method. No sign change among the amounts, or no root in range: no
// result.
#pragma once

#include <cstddef>

namespace pgp::core {

struct CashFlow {
    double amount;
    double days;  // any origin: the solver measures from the earliest flow
};

void check_cash_flow(double amount, double days);

// The rate, or false when it does not exist (no sign change, all flows on one day, no root).
bool xirr(const CashFlow* flows, size_t n, double* rate);

}  // namespace pgp::core
