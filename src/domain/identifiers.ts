// Free text must not carry identifiers. One screen for every free-text field (queries and answers,
// amendment, withdrawal, reopening and review reasons, the other-substance name, references, LDIS
// references) and every upload cell that is text: NHS numbers however they are written, dates that look
// like a date of birth, "born …", postcodes, and a title followed by a name.
import { isValidNhsNumber } from './linkage.js';

/** A full date at least this many years old is taken for a date of birth. */
const YOUNGEST_DATE_OF_BIRTH_AGE = 10;
/** Without today's year: records start in 2000, so an earlier full date cannot be about a death. */
const EARLIEST_RECORD_YEAR = 2000;

const MONTHS =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';

function nhsNumberIn(text: string): boolean {
  // Ten digits, with any spaces, hyphens, dots or slashes between them.
  for (const match of text.matchAll(/\d(?:[\s./-]*\d){9}/g)) {
    const digits = match[0].replace(/\D/g, '');
    if (digits.length === 10 && isValidNhsNumber(digits)) return true;
  }
  return false;
}

function yearsIn(text: string): number[] {
  const years: number[] = [];
  const numeric = /\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})\b|\b(\d{4})-(\d{1,2})-(\d{1,2})\b/g;
  for (const m of text.matchAll(numeric)) {
    const year = m[4] ? Number(m[4]) : Number(m[3]);
    years.push(year < 100 ? (year > 30 ? 1900 + year : 2000 + year) : year);
  }
  const worded = new RegExp(`\\b\\d{1,2}(?:st|nd|rd|th)?\\s+(?:${MONTHS})\\s+(\\d{4})\\b`, 'gi');
  for (const m of text.matchAll(worded)) years.push(Number(m[1]));
  return years;
}

/**
 * What is wrong with a piece of free text, as the end of a sentence ("must not include an NHS number"),
 * or undefined when it looks free of identifiers. With `thisYear`, a full date ten or more years old is
 * taken for a date of birth; without it, a full date before 2000.
 */
export function identifierProblem(text: string, thisYear?: number): string | undefined {
  if (!text) return undefined;
  if (nhsNumberIn(text)) return 'must not include an NHS number';
  if (/\bborn\b|\bd\.o\.b\b|\bdate of birth\b|\bdob\s*:?\s*\d{1,2}[/.\s-]\d/i.test(text))
    return 'must not say when someone was born';
  const latest = thisYear ? thisYear - YOUNGEST_DATE_OF_BIRTH_AGE : EARLIEST_RECORD_YEAR - 1;
  if (yearsIn(text).some((year) => year >= 1900 && year <= latest))
    return 'must not include a date that could be a date of birth';
  if (/\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b/i.test(text)) return 'must not include a postcode';
  if (/\b(?:[Mm][Rr][Ss]?|[Mm][SsXx]|[Mm]iss|[Dd][Rr])\.?\s+[A-Z][a-z'-]+/.test(text))
    return 'must not include a person’s name';
  return undefined;
}

/** A zod refinement for a free-text form field: `label` starts the message ("Your question must not …"). */
export function screened(label: string) {
  return (text: string, ctx: { addIssue(issue: { code: 'custom'; message: string }): void }) => {
    const problem = identifierProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', message: `${label} ${problem}` });
  };
}

/**
 * A form's values for showing again after an error, with every value the screen would refuse emptied:
 * a page never sends an identifier back to the browser.
 */
export function withoutIdentifiers<T extends Record<string, unknown>>(values: T, thisYear?: number): T {
  const clean = (value: unknown): unknown =>
    typeof value === 'string' && identifierProblem(value, thisYear)
      ? ''
      : Array.isArray(value)
        ? value.map(clean)
        : value;
  return Object.fromEntries(Object.entries(values ?? {}).map(([key, value]) => [key, clean(value)])) as T;
}
