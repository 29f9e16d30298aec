import { describe, expect, it } from '@jest/globals';
import {
  completenessErrors,
  emptyRecord,
  recordSchema,
  validateSection,
  type RecordData,
} from '../../src/records/schema.js';
import { linkageAgainstRecord, linkageSchema } from '../../src/records/linkage-schema.js';
import { fieldsOf } from '../../src/records/fields.js';

const context = { today: '2026-04-02', periodEnd: '2026-03-31' };

function complete(overrides: Partial<Record<keyof RecordData, unknown>> = {}): Record<string, unknown> {
  return {
    partner_record_ref: 'HCT-2026-014',
    date_of_death: '2026-03-14',
    date_of_death_basis: 'exact',
    date_partner_aware: '2026-03-16',
    age_at_death: '41',
    sex: 'male',
    ethnic_group: 'white_british',
    residence_area: 'watford',
    place_of_death_type: 'home',
    death_classification: 'suspected_drug',
    evidence_stage: 'pm_awaiting_tox',
    substances: ['heroin_morphine'],
    treatment_status: 'in_treatment',
    ...overrides,
  };
}

/** The message for one field, or undefined when the record is valid for it. */
function errorFor(
  field: string,
  overrides: Partial<Record<keyof RecordData, unknown>>,
  mode: 'draft' | 'complete' = 'complete',
) {
  const result = recordSchema(context, mode).safeParse(complete(overrides));
  if (result.success) return undefined;
  return result.error.issues.find((i) => i.path[0] === field)?.message;
}

describe('a complete record', () => {
  it('when every required field is valid then it parses to stored codes and types', () => {
    const result = recordSchema(context, 'complete').parse(
      complete({ sex: 'Male', residence_area: 'WATFORD' }),
    );
    expect(result).toMatchObject({
      age_at_death: 41,
      sex: 'male',
      residence_area: 'watford',
      substances: ['heroin_morphine'],
      age_unknown: false,
    });
  });

  it('when a label is given instead of a code then it is accepted case-insensitively', () => {
    const result = recordSchema(context, 'complete').parse(
      complete({ ethnic_group: 'white: irish', substances: 'Heroin or morphine; ALCOHOL' }),
    );
    expect(result.ethnic_group).toBe('white_irish');
    expect(result.substances).toEqual(['heroin_morphine', 'alcohol']);
  });

  it('when required fields are missing then each has its own message, and a draft allows them missing', () => {
    const errors = completenessErrors(emptyRecord(), context).map((e) => e.message);
    expect(errors).toEqual(
      expect.arrayContaining([
        'Enter your reference for this death',
        'Enter the date of death',
        'Select how the date of death is known',
        'Select the sex',
        'Select the substances involved',
        'Select the treatment status',
        'Enter the age at death, or select ‘Age not known’',
      ]),
    );
    expect(recordSchema(context, 'draft').safeParse({ partner_record_ref: 'A1' }).success).toBe(true);
  });
});

describe('field rules', () => {
  it.each([
    [
      'partner_record_ref',
      'HCT 014',
      'Your reference must only include letters, numbers, hyphens, underscores and slashes',
    ],
    ['partner_record_ref', 'A'.repeat(39) + '12', 'Reference for this death must be 40 characters or fewer'],
    [
      'partner_record_ref',
      '9434765919',
      'Your reference must not be an NHS number. Use your organisation’s own case reference',
    ],
    [
      'partner_record_ref',
      'Smith',
      'Your reference must include at least one number, so that it cannot be a person’s name',
    ],
    ['date_of_death', '2026-02-30', 'Date of death must be a real date'],
    ['date_of_death', '2026-04-03', 'Date of death must be today or in the past'],
    ['date_of_death', '1999-12-31', 'Date of death must be on or after 1 January 2000'],
    ['date_of_death_basis', 'guessed', 'Select a valid option for how the date of death is known'],
    ['age_at_death', '121', 'Age at death must be a whole number between 0 and 120'],
    ['age_at_death', '41.5', 'Age at death must be a whole number between 0 and 120'],
    ['age_at_death', '-1', 'Age at death must be a whole number between 0 and 120'],
    ['sex', 'other', 'Select a valid option for the sex'],
    ['ethnic_group', 'martian', 'Select a valid option for the ethnic group'],
    ['residence_area', 'luton', 'Select a valid option for the area of residence'],
    ['residence_lsoa21', 'E0212345', 'LSOA code must be E01 followed by 6 numbers, like E01023456'],
    ['place_of_death_type', 'car', 'Select a valid option for the place of death'],
    ['death_classification', 'natural', 'Select a valid option for the classification of the death'],
    ['evidence_stage', 'rumour', 'Select a valid option for the evidence stage'],
    [
      'substances',
      ['heroin_morphine', 'moonshine'],
      'Each of the substances involved must be one of the allowed options (separate them with ;)',
    ],
    [
      'substances_other',
      'He took it at a party; later',
      'Other substance must only include letters, numbers, spaces, hyphens, commas and brackets',
    ],
    [
      'underlying_cause_icd10',
      'X4',
      'ICD-10 code must be a letter and 2 numbers, with an optional decimal point and number, like X42 or F11.2',
    ],
    ['treatment_status', 'sometimes', 'Select a valid option for the treatment status'],
    ['ldis_alert_ref', 'A'.repeat(21), 'LDIS alert reference must be 20 characters or fewer'],
  ])('when %s is %j then the message is “%s”', (field, value, message) => {
    expect(errorFor(field, { [field]: value } as Partial<Record<keyof RecordData, unknown>>)).toBe(message);
  });

  it.each([
    ['residence_lsoa21', 'E01023456'],
    ['underlying_cause_icd10', 'F11.2'],
    ['underlying_cause_icd10', 'X42'],
    ['date_of_death', '14/03/2026'],
    ['partner_record_ref', 'HCT/2026_014-a'],
    ['ldis_alert_ref', 'LDIS-26/004'],
  ])('when %s is %j then it is valid', (field, value) => {
    expect(errorFor(field, { [field]: value } as Partial<Record<keyof RecordData, unknown>>)).toBeUndefined();
  });
});

describe('cross-field rules', () => {
  it('when the partner became aware before the death, in the future or after the return month then it is refused', () => {
    expect(errorFor('date_partner_aware', { date_partner_aware: '2026-03-13' })).toBe(
      'Date your organisation became aware must be on or after the date of death',
    );
    expect(errorFor('date_partner_aware', { date_partner_aware: '2026-04-03' })).toBe(
      'Date your organisation became aware must be today or in the past',
    );
    expect(errorFor('date_partner_aware', { date_partner_aware: '2026-04-01' })).toBe(
      'Date your organisation became aware must be in or before the month of this return',
    );
  });

  it('when age is given and also marked unknown then one must go; when neither then age is required', () => {
    expect(errorFor('age_at_death', { age_unknown: 'true' })).toBe(
      'Either enter the age at death or select ‘Age not known’, not both',
    );
    expect(errorFor('age_at_death', { age_at_death: '', age_unknown: 'true' })).toBeUndefined();
    expect(errorFor('age_at_death', { age_at_death: '' })).toBe(
      'Enter the age at death, or select ‘Age not known’',
    );
  });

  it('when none detected or awaiting toxicology is chosen with other substances then it is refused', () => {
    expect(errorFor('substances', { substances: ['none_detected', 'alcohol'] })).toBe(
      '“None detected” and “Unknown, awaiting toxicology” cannot be selected with any other substance',
    );
    expect(errorFor('substances', { substances: ['none_detected'] })).toBeUndefined();
  });

  it('when toxicology has been received then substances cannot still be awaiting toxicology', () => {
    expect(
      errorFor('substances', { substances: ['unknown_awaiting_toxicology'], evidence_stage: 'tox_received' }),
    ).toBe('Substances cannot be “Unknown, awaiting toxicology” once toxicology has been received');
    expect(
      errorFor('substances', {
        substances: ['unknown_awaiting_toxicology'],
        evidence_stage: 'reported_suspected',
      }),
    ).toBeUndefined();
  });

  it('when “other” is a substance then its name is needed, and a name needs “other”', () => {
    expect(errorFor('substances_other', { substances: ['other'] })).toBe(
      'Enter the name of the other substance',
    );
    expect(
      errorFor('substances_other', { substances: ['other'], substances_other: 'Etizolam (tablet)' }),
    ).toBeUndefined();
    expect(errorFor('substances_other', { substances: ['alcohol'], substances_other: 'Etizolam' })).toBe(
      'Select “Other substance” or remove the name of the other substance',
    );
  });

  it('when the inquest has concluded then a conclusion is needed, and only then is one allowed', () => {
    expect(
      errorFor('inquest_conclusion', {
        evidence_stage: 'inquest_concluded',
        substances: ['heroin_morphine'],
      }),
    ).toBe('Select the inquest conclusion, as the inquest has concluded');
    expect(
      errorFor('inquest_conclusion', {
        evidence_stage: 'inquest_concluded',
        inquest_conclusion: 'drug_related',
      }),
    ).toBeUndefined();
    expect(errorFor('inquest_conclusion', { inquest_conclusion: 'drug_related' })).toBe(
      'Only give an inquest conclusion when the evidence stage is ‘Inquest concluded’',
    );
  });

  it('when on opioid substitution therapy then the person must be in treatment', () => {
    expect(
      errorFor('on_ost_at_death', { on_ost_at_death: 'yes', treatment_status: 'never_in_treatment' }),
    ).toBe('Opioid substitution therapy can only be ‘Yes’ when the person was in treatment');
    expect(
      errorFor('on_ost_at_death', { on_ost_at_death: 'yes', treatment_status: 'in_treatment' }),
    ).toBeUndefined();
    expect(
      errorFor('on_ost_at_death', { on_ost_at_death: 'no', treatment_status: 'never_in_treatment' }),
    ).toBeUndefined();
  });
});

describe('one section at a time', () => {
  it('when the optional page is saved then only its own fields are validated and reported', () => {
    const result = validateSection(
      fieldsOf('details').map((f) => f.name),
      { housing_status: 'not_a_code', lived_alone: 'yes' },
      emptyRecord(),
      context,
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((e) => e.field)).toEqual(['housing_status']);
  });

  it('when the death page is saved without its required answers then each is reported where it is asked', () => {
    const result = validateSection(
      fieldsOf('death').map((f) => f.name),
      { partner_record_ref: 'HCT-9', age_at_death: '200', sex: 'female' },
      emptyRecord(),
      context,
    );
    expect(result.ok).toBe(false);
    const fields = !result.ok ? result.errors.map((e) => e.field) : [];
    expect(fields).toEqual(expect.arrayContaining(['date_of_death', 'age_at_death', 'substances']));
    expect(fields).not.toContain('sex');
    expect(!result.ok && result.errors.find((e) => e.field === 'age_at_death')?.message).toBe(
      'Age at death must be a whole number between 0 and 120',
    );
  });

  it('when the first section has no reference then it cannot be saved', () => {
    const result = validateSection(
      fieldsOf('death').map((f) => f.name),
      {},
      emptyRecord(),
      context,
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0]).toEqual({
      field: 'partner_record_ref',
      message: 'Enter your reference for this death',
    });
  });
});

describe('linkage identifiers', () => {
  const record = {
    ...emptyRecord(),
    date_of_death: '2026-03-14',
    age_at_death: 41,
    sex: 'male',
  } as RecordData;

  it('when the NHS number fails its check digit or is the wrong length then it is refused', () => {
    const bad = linkageSchema.safeParse({ nhs_number: '943 476 5918' });
    expect(bad.success ? undefined : bad.error.issues[0]!.message).toBe(
      'Enter a valid NHS number – check each digit',
    );
    const short = linkageSchema.safeParse({ nhs_number: '94347659' });
    expect(short.success ? undefined : short.error.issues[0]!.message).toBe('NHS number must be 10 digits');
    expect(linkageSchema.parse({ nhs_number: '943 476 5919' }).nhs_number).toBe('9434765919');
  });

  it('when the date of birth disagrees with the age at death then both are to be checked', () => {
    const linkage = linkageSchema.parse({ date_of_birth: '1990-01-01' });
    expect(linkageAgainstRecord(linkage, record, '2026-04-02')[0]!.message).toBe(
      'Date of birth gives an age at death of 36, but the age at death entered is 41. Check both',
    );
    expect(
      linkageAgainstRecord(linkageSchema.parse({ date_of_birth: '1984-06-01' }), record, '2026-04-02'),
    ).toEqual([]);
    expect(
      linkageAgainstRecord(linkageSchema.parse({ date_of_birth: '2026-03-20' }), record, '2026-04-02')[0]!
        .message,
    ).toBe('Date of birth must be before the date of death');
  });
});
