#!/usr/bin/python3
"""Independent re-implementation of var_monte_carlo (mt19937_64 + Box-Muller, numpy Cholesky,
buy-and-hold compounding, type-7 quantile) for the values asserted in sql/multiasset.sql."""
import math
import numpy as np

MASK = (1 << 64) - 1


class MT64:
    def __init__(self, seed):
        self.mt = [0] * 312
        self.mt[0] = seed & MASK
        for i in range(1, 312):
            self.mt[i] = (6364136223846793005 * (self.mt[i - 1] ^ (self.mt[i - 1] >> 62)) + i) & MASK
        self.index = 312

    def next(self):
        if self.index >= 312:
            for i in range(312):
                x = (self.mt[i] & 0xFFFFFFFF80000000) | (self.mt[(i + 1) % 312] & 0x7FFFFFFF)
                xa = x >> 1
                if x & 1:
                    xa ^= 0xB5026F5AA96619E9
                self.mt[i] = self.mt[(i + 156) % 312] ^ xa
            self.index = 0
        y = self.mt[self.index]
        self.index += 1
        y ^= (y >> 29) & 0x5555555555555555
        y ^= (y << 17) & 0x71D67FFFEDA60000 & MASK
        y ^= (y << 37) & 0xFFF7EEE000000000 & MASK
        y ^= y >> 43
        return y & MASK


def normals(seed):
    g = MT64(seed)
    while True:
        u1 = ((g.next() >> 11) + 1) * 2.0 ** -53
        u2 = (g.next() >> 11) * 2.0 ** -53
        r = math.sqrt(-2.0 * math.log(u1))
        yield r * math.cos(2 * math.pi * u2)
        yield r * math.sin(2 * math.pi * u2)


def var_mc(X, w, confidence, horizon, sims, seed):
    mu = X.mean(0)
    L = np.linalg.cholesky(np.cov(X.T))
    k = len(w)
    z = normals(seed)
    out = []
    for _ in range(sims):
        growth = np.ones(k)
        for _ in range(horizon):
            draw = np.array([next(z) for _ in range(k)])
            growth *= np.maximum(1 + mu + L @ draw, 0)
        out.append(w @ (growth - 1))
    return -np.quantile(np.array(out), 1 - confidence)


if __name__ == "__main__":
    t = np.arange(1, 501)
    X = np.stack([0.0005 + 0.01 * np.sin(t * 0.7),
                  0.0002 + 0.015 * np.cos(t * 0.31) + 0.004 * np.sin(t * 0.7),
                  -0.0001 + 0.02 * np.sin(t * 0.13 + 1)], 1)
    w = np.array([0.5, 0.3, 0.2])
    print(repr(var_mc(X, w, 0.95, 1, 10000, 42)))
    print(repr(var_mc(X, w, 0.99, 10, 2000, 7)))
