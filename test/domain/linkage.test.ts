import { describe, expect, it } from '@jest/globals';
import {
  ageAt,
  demographicMatchKey,
  isValidNhsNumber,
  nhsMatchKey,
  normaliseSurname,
} from '../../src/domain/linkage.js';

const secret = 'a-test-linkage-secret-that-is-long-enough';

describe('NHS number check digit', () => {
  it('when the Modulus 11 check digit is right then the number is valid, with or without spaces', () => {
    expect(isValidNhsNumber('9434765919')).toBe(true);
    expect(isValidNhsNumber('943 476 5919')).toBe(true);
    expect(isValidNhsNumber('4857773457')).toBe(true);
    expect(isValidNhsNumber('4857773456')).toBe(false);
  });

  it('when a digit is wrong, the length is wrong or the check digit would be 10 then it is invalid', () => {
    expect(isValidNhsNumber('9434765918')).toBe(false);
    expect(isValidNhsNumber('943476591')).toBe(false);
    expect(isValidNhsNumber('94347659190')).toBe(false);
    expect(isValidNhsNumber('abcdefghij')).toBe(false);
    // 000000001x: sum 2 → 11 - 2 = 9; 100000000x: sum 10 → check 1; 0000000060: 6*2=12 → 11-1=10 → never valid
    expect(isValidNhsNumber('0000000060')).toBe(false);
  });
});

describe('match keys', () => {
  it('when the same NHS number is given with spaces then the key is the same HMAC', () => {
    expect(nhsMatchKey(secret, '943 476 5919')).toBe(nhsMatchKey(secret, '9434765919'));
    expect(nhsMatchKey(secret, '9434765919')).toMatch(/^[0-9a-f]{64}$/);
    expect(nhsMatchKey('another-secret-that-is-also-long-enough', '9434765919')).not.toBe(
      nhsMatchKey(secret, '9434765919'),
    );
  });

  it('when surnames differ only in accents, case and punctuation then the demographic key is the same', () => {
    expect(normaliseSurname("O'Brien-Müller")).toBe('OBRIENMULLER');
    const a = demographicMatchKey(secret, {
      surname: "o'brien-müller",
      firstInitial: 'j',
      dateOfBirth: '1980-03-31',
      sex: 'male',
    });
    const b = demographicMatchKey(secret, {
      surname: 'OBRIEN MULLER',
      firstInitial: 'J',
      dateOfBirth: '1980-03-31',
      sex: 'male',
    });
    expect(a).toBe(b);
    expect(
      demographicMatchKey(secret, {
        surname: 'OBRIEN MULLER',
        firstInitial: 'J',
        dateOfBirth: '1980-03-31',
        sex: 'female',
      }),
    ).not.toBe(a);
  });

  it('when working out age at death then only completed years count', () => {
    expect(ageAt('1980-03-31', '2026-03-30')).toBe(45);
    expect(ageAt('1980-03-31', '2026-03-31')).toBe(46);
    expect(ageAt('2000-02-29', '2026-02-28')).toBe(25);
  });
});
