// Exact Poisson limits found independently, by bisection on the Poisson distribution itself (not on
// Byar's formula): the lower limit is the mean for which x or more events has probability 2.5%, the
// upper the mean for which x or fewer has probability 2.5%.
const poissonCdf = (x: number, mean: number) => {
  // Each term in logs, so a mean of 1,000 does not underflow e^-mean to 0.
  let logTerm = -mean;
  let sum = Math.exp(logTerm);
  for (let k = 1; k <= x; k += 1) {
    logTerm += Math.log(mean) - Math.log(k);
    sum += Math.exp(logTerm);
  }
  return sum;
};

const bisect = (f: (m: number) => number, lo: number, hi: number) => {
  for (let i = 0; i < 200; i += 1) {
    const mid = (lo + hi) / 2;
    if (f(mid) > 0) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
};

export const exactPoissonLimits = (x: number) => ({
  lower: x === 0 ? 0 : bisect((m) => 1 - poissonCdf(x - 1, m) - 0.025, 0, x * 3 + 10),
  upper: bisect((m) => 0.025 - poissonCdf(x, m), 0, x * 3 + 10),
});
