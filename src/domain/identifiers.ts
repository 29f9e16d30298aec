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

/** What may stand between the digits of an NHS number: any up to three non-alphanumeric characters. */
const NHS_RUN = /\d(?:[^0-9A-Za-z]{0,3}\d){9,}/g;

function nhsNumberIn(text: string): boolean {
  // Ten digits written with anything between them (spaces, hyphens, dots, slashes, underscores, commas,
  // brackets…); in a longer run of digits, every ten in a row are tried.
  for (const match of text.matchAll(NHS_RUN)) {
    const digits = match[0].replace(/\D/g, '');
    for (let at = 0; at + 10 <= digits.length; at += 1)
      if (isValidNhsNumber(digits.slice(at, at + 10))) return true;
  }
  return false;
}

const SEP = '[\\s,./_\\-]';
/** Between the numbers of an all-number date: not a comma, so "ages 12, 15, 45" is not a date. */
const NUMBER_SEP = '(?:[./_\\-]|\\s[./_\\-]?\\s?)';
const ORDINAL = '(?:st|nd|rd|th)?';
const dayMonth = (a: string, b: string) => {
  const [x, y] = [Number(a), Number(b)];
  return x >= 1 && y >= 1 && ((x <= 31 && y <= 12) || (x <= 12 && y <= 31)); // either order (US too)
};
/** Lookarounds rather than \b: an underscore is a "word" character, so \b misses "x_14_07_1961". */
const DATE_PATTERNS: { pattern: RegExp; year: (m: RegExpMatchArray) => string | undefined }[] = [
  // 14/07/1961, 7.14.61, 14_07_1961, 14 07 1961
  {
    pattern: new RegExp(
      `(?<![\\d.])(\\d{1,2})${NUMBER_SEP}(\\d{1,2})${NUMBER_SEP}(\\d{4}|\\d{2})(?![\\d.]\\d|\\d)`,
      'g',
    ),
    year: (m) => (dayMonth(m[1]!, m[2]!) ? m[3] : undefined),
  },
  // 1961-07-14, 1961/7/14, 1961_07_14
  {
    pattern: new RegExp(`(?<!\\d)(\\d{4})${NUMBER_SEP}(\\d{1,2})${NUMBER_SEP}(\\d{1,2})(?!\\d)`, 'g'),
    year: (m) => (dayMonth(m[3]!, m[2]!) ? m[1] : undefined),
  },
  // 19610714
  { pattern: /(?<!\d)(19\d{2}|20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)/g, year: (m) => m[1] },
  // 14 July 1961, 14th Jul, 1961, 14-Jul-61, 14 of July 1961
  {
    pattern: new RegExp(
      `(?<![\\dA-Za-z])\\d{1,2}${ORDINAL}${SEP}*(?:of${SEP}+)?(?:${MONTHS})(?![a-z])${SEP}*(\\d{4}|\\d{2})(?!\\d)`,
      'gi',
    ),
    year: (m) => m[1],
  },
  // Feb 14 1981, February 14th, 1981, Jul-14-61
  {
    pattern: new RegExp(
      `(?<![A-Za-z])(?:${MONTHS})(?![a-z])${SEP}*\\d{1,2}${ORDINAL}${SEP}+(\\d{4}|\\d{2})(?!\\d)`,
      'gi',
    ),
    year: (m) => m[1],
  },
];

function yearsIn(text: string): number[] {
  const years: number[] = [];
  for (const { pattern, year } of DATE_PATTERNS)
    for (const m of text.matchAll(pattern)) {
      const found = year(m);
      if (found === undefined) continue;
      const y = Number(found);
      years.push(found.length === 2 ? (y > 30 ? 1900 + y : 2000 + y) : y);
    }
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
