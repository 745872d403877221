/**
 * The few distribution functions the tests need. Hand-written because they are short and exact
 * enough, and core stays free of a numerics dependency for four functions.
 */

/**
 * Complementary error function, erfc(x) = 1 − erf(x), with relative error below 1.2e-7
 * everywhere (Numerical Recipes' Chebyshev fit, `erfcc`).
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(Z > z) for a standard normal Z. */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** P(X > x) for X ~ χ² with 1 degree of freedom (X = Z², so the tail is two normal tails). */
export function chiSquare1UpperTail(x: number): number {
  if (x <= 0) return 1;
  return erfc(Math.sqrt(x / 2));
}

/**
 * P(X ≤ k) for X ~ Binomial(n, 1/2), summed in log space so it stays exact for any n (0.5^n
 * underflows past n ≈ 1074).
 */
export function binomialHalfCdf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  let logTerm = n * Math.log(0.5);
  let logSum = logTerm;
  for (let i = 0; i < k; i++) {
    logTerm += Math.log((n - i) / (i + 1));
    const hi = Math.max(logSum, logTerm);
    logSum = hi + Math.log(Math.exp(logSum - hi) + Math.exp(logTerm - hi));
  }
  return Math.min(1, Math.exp(logSum));
}

/** Two-sided exact binomial test of k successes in n trials against p = 1/2. */
export function binomialHalfTwoSided(k: number, n: number): number {
  if (n === 0) return 1;
  const tail = binomialHalfCdf(Math.min(k, n - k), n);
  return Math.min(1, 2 * tail);
}
