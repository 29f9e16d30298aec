/** The complete death both sides of the submission API bench save (api-death.mjs). */
export function death(ref: string, i: number): Record<string, unknown>;
