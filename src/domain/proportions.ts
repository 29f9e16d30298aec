// Shares with 95% confidence intervals by Wilson's score method, as OHID's PHEindicatormethods
// (phe_proportion) and Fingertips: unlike the simple ± 1.96 standard errors it stays inside 0–100% and
// behaves with small numbers, which a county's shares (completeness, returns on time) always are.

export interface ShareInterval {
  /** Per cent, whole numbers, as the pages show shares. */
  share: number;
  lower: number;
  upper: number;
}

/** k of n as a percentage with its Wilson 95% interval; null when n is 0. */
export function wilsonInterval(k: number, n: number): ShareInterval | null {
  if (!(n > 0)) return null;
  const z = 1.959963984540054;
  const p = Math.min(Math.max(k / n, 0), 1);
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const percent = (x: number) => Math.round(Math.min(Math.max(x, 0), 1) * 100);
  return { share: percent(p), lower: percent(centre - half), upper: percent(centre + half) };
}
