// Linkage identifiers (NHS number, surname, initial, date of birth): validated here, turned into keys
// by the service, never stored.
import { z } from 'zod';
import { isValidNhsNumber, ageAt } from '../domain/linkage.js';
import type { IsoDate } from '../domain/periods.js';
import type { FieldError } from '../domain/field-error.js';
import { blank, parseDate, withAllKeys, type RecordData } from './schema.js';

export const linkageSchema = withAllKeys(
  z.object({
    nhs_number: z.unknown().transform((raw, ctx) => {
      if (blank(raw)) return null;
      const text = String(raw).trim();
      if (!/^[\d ]+$/.test(text) || text.replace(/ /g, '').length !== 10) {
        ctx.addIssue({ code: 'custom', message: 'NHS number must be 10 digits' });
        return z.NEVER;
      }
      if (!isValidNhsNumber(text)) {
        ctx.addIssue({ code: 'custom', message: 'Enter a valid NHS number – check each digit' });
        return z.NEVER;
      }
      return text.replace(/ /g, '');
    }),
    surname: z.unknown().transform((raw, ctx) => {
      if (blank(raw)) return null;
      const text = String(raw).trim();
      if (text.length > 60 || !/^[\p{L}' .-]+$/u.test(text)) {
        ctx.addIssue({
          code: 'custom',
          message: 'Surname must only include letters, spaces, hyphens and apostrophes',
        });
        return z.NEVER;
      }
      return text;
    }),
    first_initial: z.unknown().transform((raw, ctx) => {
      if (blank(raw)) return null;
      const text = String(raw).trim();
      if (!/^\p{L}$/u.test(text)) {
        ctx.addIssue({ code: 'custom', message: 'First initial must be a single letter' });
        return z.NEVER;
      }
      return text;
    }),
    date_of_birth: z.unknown().transform((raw, ctx) => {
      if (blank(raw)) return null;
      const date = typeof raw === 'string' ? parseDate(raw) : undefined;
      if (!date) {
        ctx.addIssue({ code: 'custom', message: 'Date of birth must be a real date' });
        return z.NEVER;
      }
      return date;
    }),
  }),
);

export type LinkageInput = z.output<typeof linkageSchema>;

/** Linkage rules that need the record: a birth before the death, and an age that agrees. */
export function linkageAgainstRecord(
  linkage: LinkageInput,
  record: RecordData,
  today: IsoDate,
): FieldError[] {
  const errors: FieldError[] = [];
  const dob = linkage.date_of_birth;
  if (dob === null) return errors;
  const until = record.date_of_death ?? today;
  if (dob > until) {
    errors.push({
      field: 'date_of_birth',
      message: record.date_of_death
        ? 'Date of birth must be before the date of death'
        : 'Date of birth must be in the past',
    });
    return errors;
  }
  if (record.date_of_death && record.age_at_death !== null) {
    const derived = ageAt(dob, record.date_of_death);
    if (derived !== record.age_at_death)
      errors.push({
        field: 'date_of_birth',
        message: `Date of birth gives an age at death of ${derived}, but the age at death entered is ${record.age_at_death}. Check both`,
      });
  }
  if (record.date_of_death && ageAt(dob, record.date_of_death) > 120)
    errors.push({
      field: 'date_of_birth',
      message: 'Date of birth gives an age at death over 120. Check the date',
    });
  return errors;
}
