"""Prints the polynomial coefficients of `vectorizableErf` (Sources/TensorCore/Ops/VectorizableErf.swift).

Two least-squares fits on Chebyshev nodes (close to minimax), in double precision against math.erf and
math.erfc:
  small |x| < 0.8:    erf(x) / x          as a polynomial of degree 5 in x²
  0.8 <= |x| <= 4:    exp(x²)·erfc(x)     as a polynomial of degree 8 in t = 1 / (1 + x/2)
Run: /work/torchvenv/bin/python Scripts/numerics/erf_polynomials.py
"""
import math

import numpy as np

SPLIT, END = 0.8, 4.0


def chebyshev_nodes(low, high, count=4000):
    k = np.arange(count)
    return (low + high) / 2 + (high - low) / 2 * np.cos(np.pi * (k + 0.5) / count)


def fit(function, variable, low, high, degree):
    x = chebyshev_nodes(low, high)
    coefficients = np.polynomial.polynomial.polyfit(variable(x), [function(v) for v in x], degree)
    check = np.linspace(low, high, 100_001)
    error = max(abs(np.polynomial.polynomial.polyval(variable(check), coefficients) - [function(v) for v in check]))
    return coefficients, error


small, small_error = fit(lambda x: math.erf(x) / x, lambda x: x * x, 1e-12, SPLIT, 5)
large, large_error = fit(lambda x: math.exp(x * x) * math.erfc(x), lambda x: 1 / (1 + x / 2), SPLIT, END, 8)
print(f"// erf(x)/x in x², |x| < {SPLIT}: max error {small_error:.1e}")
print("[" + ", ".join(f"{c:.9e}" for c in small) + "]")
print(f"// exp(x²)·erfc(x) in t = 1/(1 + x/2), {SPLIT} ≤ x ≤ {END}: max error {large_error:.1e}")
print("[" + ", ".join(f"{c:.9e}" for c in large) + "]")
