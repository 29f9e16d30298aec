// When two reports with no shared key may be the same death (data dictionary, de-duplication): dates
// of death within 2 days, the same sex, ages within 1 year and the same area of residence. One rule for
// partner records (cases/relink.ts) and the Coroners Audit (coroners/), both written into their SQL.
export const NEAR_MATCH = { deathDays: 2, ageYears: 1 } as const;
