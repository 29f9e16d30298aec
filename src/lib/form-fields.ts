// Small zod pieces more than one form uses: an optional https link, and a GOV.UK date input's three
// parts read as one real date.
import { z } from 'zod';

/** Empty, or an https:// address. */
export const optionalHttpsLink = () =>
  z
    .string()
    .trim()
    .default('')
    .pipe(
      z.union([z.literal(''), z.url({ protocol: /^https$/, error: 'Enter a link that starts https://' })]),
    );

/** The three inputs of a GOV.UK date field called `name`, as form fields (empty when not sent). */
export const dateParts = <N extends string>(name: N) =>
  ({
    [`${name}-day`]: z.string().default(''),
    [`${name}-month`]: z.string().default(''),
    [`${name}-year`]: z.string().default(''),
  }) as Record<`${N}-day` | `${N}-month` | `${N}-year`, z.ZodDefault<z.ZodString>>;

/** Day, month and year as a real date from 2000 to 2100 (YYYY-MM-DD), or undefined (31 2 is not one). */
export function isoDateFromParts(day: string, month: string, year: string): string | undefined {
  const [d, m, y] = [day, month, year].map(Number);
  if (!d || !m || !y || y < 2000 || y > 2100) return undefined;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCDate() !== d || date.getUTCMonth() !== m - 1) return undefined;
  return date.toISOString().slice(0, 10);
}
