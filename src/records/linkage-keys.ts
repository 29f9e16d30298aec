// Linkage identifiers → match keys, for the form's linkage page and the bulk upload alike. The
// identifiers are checked, hashed and forgotten here; only the keys (and an age worked out from the
// date of birth when none was given) leave this function.
import type { FieldError } from '../domain/field-error.js';
import { ageAt, demographicMatchKey, nhsMatchKey } from '../domain/linkage.js';
import type { IsoDate } from '../domain/periods.js';
import type { RecordData } from './schema.js';
import { linkageAgainstRecord, type LinkageInput } from './linkage-schema.js';

export interface LinkageValues {
  match_key_nhs?: string;
  match_key_demo?: string;
  age_at_death?: number;
  age_unknown?: false;
}

export function linkageKeys(
  linkage: LinkageInput,
  record: RecordData,
  secret: string,
  today: IsoDate,
  options: { requireSome: boolean },
): { ok: true; values: LinkageValues } | { ok: false; errors: FieldError[] } {
  const errors = linkageAgainstRecord(linkage, record, today);
  const demoParts = [linkage.surname, linkage.first_initial, linkage.date_of_birth];
  const someDemo = demoParts.some((p) => p !== null);
  if (someDemo && demoParts.some((p) => p === null))
    errors.push({
      field:
        linkage.surname === null
          ? 'surname'
          : linkage.first_initial === null
            ? 'first_initial'
            : 'date_of_birth',
      message: 'Enter the surname, first initial and date of birth together, or none of them',
    });
  if (someDemo && !record.sex)
    errors.push({
      field: 'surname',
      message: 'Enter the sex in ‘About the person’ first: the name-based key needs it',
    });
  if (options.requireSome && !linkage.nhs_number && !someDemo)
    errors.push({
      field: 'nhs_number',
      message: 'Enter an NHS number, or a surname, first initial and date of birth',
    });
  if (errors.length) return { ok: false, errors };

  const values: LinkageValues = {};
  if (linkage.nhs_number) values.match_key_nhs = nhsMatchKey(secret, linkage.nhs_number);
  if (linkage.surname && linkage.first_initial && linkage.date_of_birth && record.sex) {
    values.match_key_demo = demographicMatchKey(secret, {
      surname: linkage.surname,
      firstInitial: linkage.first_initial,
      dateOfBirth: linkage.date_of_birth,
      sex: record.sex,
    });
  }
  const age = ageFromBirth(linkage.date_of_birth, record);
  if (age !== undefined) {
    values.age_at_death = age;
    values.age_unknown = false;
  }
  return { ok: true, values };
}

/**
 * The age at death worked out from a date of birth when no age was given — the one rule the form and
 * the upload share (the date of birth itself is then forgotten).
 */
export function ageFromBirth(
  dateOfBirth: IsoDate | null,
  record: Pick<RecordData, 'age_at_death' | 'date_of_death'>,
): number | undefined {
  if (!dateOfBirth || record.age_at_death !== null || !record.date_of_death) return undefined;
  if (dateOfBirth > record.date_of_death) return undefined;
  return ageAt(dateOfBirth, record.date_of_death);
}
