import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { identifierProblem, withoutIdentifiers } from '../../src/domain/identifiers.js';

describe('the identifier screen for free text', () => {
  it.each([
    ['9434765919', 'must not include an NHS number'],
    ['943-476-5919', 'must not include an NHS number'],
    ['943 476 5919', 'must not include an NHS number'],
    ['NHS no. 943.476.5919 per GP', 'must not include an NHS number'],
    ['born 14 July 1961', 'must not say when someone was born'],
    ['DOB 14/07/1961', 'must not say when someone was born'],
    ['seen with 14/07/1961 on the form', 'must not include a date that could be a date of birth'],
    ['14 July 2006', 'must not include a date that could be a date of birth'],
    ['1961-07-14', 'must not include a date that could be a date of birth'],
    ['lived at AL1 3JE', 'must not include a postcode'],
    ['lived at al13je', 'must not include a postcode'],
    ['Mr Smithfield attended', 'must not include a person’s name'],
  ])('when the text is “%s” then it %s', (text, problem) => {
    expect(identifierProblem(text, 2026)).toBe(problem);
  });

  it.each([
    'Toxicology received on 12/03/2026',
    'Inquest concluded 3 March 2025',
    'HCT-2026-0042',
    'etizolam',
    'Please check the date of death against the coroner’s report',
    '1234567890', // ten digits that fail the NHS check digit
    'LDIS-2026-07',
  ])('when the text is “%s” then it passes', (text) => {
    expect(identifierProblem(text, 2026)).toBeUndefined();
  });

  it('when no year is known then a full date before 2000 is still taken for a date of birth', () => {
    expect(identifierProblem('14/07/1961')).toBe('must not include a date that could be a date of birth');
    expect(identifierProblem('14/07/2016')).toBeUndefined();
  });

  it('when a form is shown again then values the screen refuses are emptied and the rest kept', () => {
    expect(
      withoutIdentifiers({ question: 'NHS 943 476 5919?', field: 'sex', list: ['a', 'AL1 3JE'] }),
    ).toEqual({
      question: '',
      field: 'sex',
      list: ['a', ''],
    });
  });
});

describe('the identifier screen against spellings nobody listed', () => {
  // Independent of the screen: the NHS check digit worked out here, from the published Modulus 11 rule.
  const nhsNumber = fc
    .array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 })
    .map((d) => {
      const remainder = d.reduce((sum, digit, i) => sum + digit * (10 - i), 0) % 11;
      const check = remainder === 0 ? 0 : 11 - remainder;
      return check === 10 ? undefined : [...d, check].join('');
    })
    .filter((n): n is string => n !== undefined);
  const separator = fc.constantFrom('', ' ', '-', '.', '/', '_', ',', ':', ' - ', '  ', '–');

  it.each([
    ['943_476_5919', 'must not include an NHS number'],
    ['943,476,5919', 'must not include an NHS number'],
    ['ref 0943 476 5919 1', 'must not include an NHS number'],
    ['Feb 14 1981', 'must not include a date that could be a date of birth'],
    ['February 14th, 1981', 'must not include a date that could be a date of birth'],
    ['14-Feb-81', 'must not include a date that could be a date of birth'],
    ['1981_02_14', 'must not include a date that could be a date of birth'],
    ['19810214', 'must not include a date that could be a date of birth'],
  ])('when the text is “%s” then it %s', (text, problem) => {
    expect(identifierProblem(text, 2026)).toBe(problem);
  });

  it.each(['ages 12, 15, 45 and 61', 'HCT-2026-0042', 'DRD-2026-03-HCT-1', 'Toxicology 2026-03-14'])(
    'when the text is “%s” then it still passes',
    (text) => {
      expect(identifierProblem(text, 2026)).toBeUndefined();
    },
  );

  it('when an NHS number is written with any separators between any digits then it is refused', () => {
    fc.assert(
      fc.property(
        nhsNumber,
        fc.array(separator, { minLength: 9, maxLength: 9 }),
        fc.constantFrom('', 'NHS ', 'ref: ', 'x'),
        (digits, seps, before) => {
          const written = before + [...digits].map((d, i) => d + (seps[i] ?? '')).join('');
          expect(identifierProblem(written, 2026)).toBe('must not include an NHS number');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('when a date of birth is written in any usual spelling then it is refused', () => {
    const months = [
      'January',
      'February',
      'March',
      'April',
      'May',
      'June',
      'July',
      'August',
      'September',
      'October',
      'November',
      'December',
    ];
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1931-01-01T00:00:00Z'),
          max: new Date('2010-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: 0, max: 11 }),
        fc.constantFrom('/', '-', '.', '_', ' '),
        (date, style, sep) => {
          const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
          const yy = String(y).slice(2);
          const month = months[m - 1]!;
          const spelt = [
            `${d}${sep}${m}${sep}${y}`,
            `${String(d).padStart(2, '0')}${sep}${String(m).padStart(2, '0')}${sep}${yy}`,
            `${m}${sep}${d}${sep}${y}`,
            `${y}${sep}${String(m).padStart(2, '0')}${sep}${String(d).padStart(2, '0')}`,
            `${d} ${month} ${y}`,
            `${d}th ${month.slice(0, 3)}, ${y}`,
            `${d}-${month.slice(0, 3)}-${yy}`,
            `${month} ${d} ${y}`,
            `${month.slice(0, 3)} ${d}, ${y}`,
            `${month} ${d}th, ${yy}`,
            `${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`,
            `x_${d}_${m}_${y}_y`,
          ][style]!;
          expect([spelt, identifierProblem(`seen ${spelt} here`, 2026)]).toEqual([
            spelt,
            expect.stringMatching(/date of birth|NHS number/),
          ]);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
