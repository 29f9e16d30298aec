// Small zod pieces more than one form uses: a list of email addresses, an optional https link, a
// GOV.UK date input's three parts read as one real date, and the source and extraction date of a file
// CCSU loads.
import { z } from 'zod';
import { screened } from '../domain/identifiers.js';

/**
 * A textarea of email addresses, separated by spaces, commas, semicolons or new lines, read as a list in
 * lower case; `each` is the message when one is not an address.
 */
export const emailListField = (each: string) =>
  z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(/[\s,;]+/)
        .map((e) => e.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(z.array(z.email(each)));

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

/** Where a loaded file's figures come from: required, up to 200 characters, never a person's details. */
export const sourceField = (missing: string, example: string) =>
  z
    .string({ error: missing })
    .trim()
    .min(1, `${missing}, like “${example}”`)
    .max(200, 'The source must be 200 characters or fewer')
    .superRefine(screened('The source'));

/**
 * The date a file was extracted, from its three date inputs: a real date, today or before. Adds the
 * error to `extracted_on` and returns undefined when it is not.
 */
export function extractionDate(
  parts: Record<'extracted_on-day' | 'extracted_on-month' | 'extracted_on-year', string>,
  today: string,
  ctx: z.RefinementCtx,
): string | undefined {
  const date = isoDateFromParts(
    parts['extracted_on-day'],
    parts['extracted_on-month'],
    parts['extracted_on-year'],
  );
  if (date && date <= today) return date;
  ctx.addIssue({
    code: 'custom',
    path: ['extracted_on'],
    message: date
      ? 'The extraction date must be today or in the past'
      : 'Enter the date the figures were extracted, like 3 11 2026',
  });
  return undefined;
}
