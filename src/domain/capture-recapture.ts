// Two-source capture–recapture: how many deaths there were in all, from how many each source found and
// how many both found. Chapman's nearly unbiased estimator and its variance (Chapman 1951; Seber, The
// Estimation of Animal Abundance, 2nd ed. 1982, §3.1.1), with a normal 95 % interval cut below at the
// number of deaths actually seen (n1 + n2 − m), since the total cannot be fewer.
export interface Chapman {
  estimate: number;
  variance: number;
  standardError: number;
  low: number;
  high: number;
  /** Deaths seen by either source: the least the total can be. */
  seen: number;
}

export function chapman(n1: number, n2: number, m: number): Chapman | null {
  if (n1 < 0 || n2 < 0 || m < 0 || m > Math.min(n1, n2)) return null;
  if (n1 === 0 || n2 === 0) return null;
  const estimate = ((n1 + 1) * (n2 + 1)) / (m + 1) - 1;
  const variance = ((n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m)) / ((m + 1) ** 2 * (m + 2));
  const standardError = Math.sqrt(variance);
  const seen = n1 + n2 - m;
  return {
    estimate,
    variance,
    standardError,
    low: Math.max(seen, estimate - 1.96 * standardError),
    high: estimate + 1.96 * standardError,
    seen,
  };
}
