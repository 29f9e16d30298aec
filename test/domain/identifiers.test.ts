import { describe, expect, it } from '@jest/globals';
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
