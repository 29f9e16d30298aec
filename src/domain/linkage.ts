// Linkage keys (data dictionary, "Linkage identifiers — used, never stored"). The raw identifiers only
// ever pass through these functions; callers store the HMACs and drop the inputs.
import { createHmac } from 'node:crypto';

/** True when a string of 10 digits (spaces allowed) passes the NHS Modulus 11 check digit. */
export function isValidNhsNumber(value: string): boolean {
  const digits = value.replace(/\s+/g, '');
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i += 1) sum += Number(digits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(digits[9]);
}

function hmac(secret: string, value: string): string {
  return createHmac('sha256', secret).update(value, 'utf8').digest('hex');
}

export function nhsMatchKey(secret: string, nhsNumber: string): string {
  return hmac(secret, nhsNumber.replace(/\D/g, ''));
}

/** Upper-case, accents removed, every character outside A–Z dropped ("O'Brien-Müller" → "OBRIENMULLER"). */
export function normaliseSurname(surname: string): string {
  return surname
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z]/g, '');
}

export function demographicMatchKey(
  secret: string,
  parts: { surname: string; firstInitial: string; dateOfBirth: string; sex: string },
): string {
  const initial = normaliseSurname(parts.firstInitial).slice(0, 1);
  return hmac(secret, `${normaliseSurname(parts.surname)}|${initial}|${parts.dateOfBirth}|${parts.sex}`);
}

/** Completed years between a date of birth and a date of death (both YYYY-MM-DD). */
export function ageAt(dateOfBirth: string, dateOfDeath: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [dy, dm, dd] = dateOfDeath.split('-').map(Number) as [number, number, number];
  let age = dy - by;
  if (dm < bm || (dm === bm && dd < bd)) age -= 1;
  return age;
}
