// The standard normal distribution: density, distribution function and quantile.
#pragma once

namespace pgp::core {

double normal_pdf(double x) noexcept;  // phi(x)
double normal_cdf(double x) noexcept;  // Phi(x), via erfc: accurate far into both tails
// Phi^-1(p) for p in (0, 1): Acklam's rational approximation refined by one Halley step, which
// brings it to full double precision. Throws InvalidParameter outside (0, 1).
double normal_quantile(double p);

}  // namespace pgp::core
