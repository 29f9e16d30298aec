// The death record's fields (data dictionary), with the words the form shows for each.
// The zod schema in schema.ts is built from these definitions, so a field's codes, limits and
// required-ness are written once and shared by the web form, the bulk upload and any API.
import * as ref from '../domain/reference.js';
import type { CodeList } from '../domain/reference.js';

/** The data dictionary's groups of fields: headings on the form and on every record page. */
export type GroupId = 'death' | 'person' | 'substances' | 'circumstances';

export const groups: readonly { id: GroupId; title: string }[] = [
  { id: 'death', title: 'The death' },
  { id: 'person', title: 'The person' },
  { id: 'substances', title: 'Substances' },
  { id: 'circumstances', title: 'Circumstances and services' },
];

/**
 * The form's pages: every answer a return needs on the first, everything optional on the second, so
 * a death takes one page (GOV.UK: ask only what you need, group related questions).
 */
export type SectionId = 'death' | 'details';

export const sections: readonly { id: SectionId; title: string }[] = [
  { id: 'death', title: 'About the death' },
  { id: 'details', title: 'More detail (optional)' },
];

interface BaseField {
  name: string;
  group: GroupId;
  label: string;
  /** Noun phrase used in messages: "Enter the date of death", "Select the sex". */
  errorName: string;
  hint?: string;
  required: boolean;
}

export type FieldDef =
  | (BaseField & { kind: 'code'; options: CodeList; control?: 'radios' | 'select' })
  | (BaseField & { kind: 'codes'; options: CodeList })
  | (BaseField & { kind: 'date' })
  | (BaseField & { kind: 'integer'; min: number; max: number })
  | (BaseField & { kind: 'boolean' })
  | (BaseField & {
      kind: 'text';
      maxLength: number;
      pattern: RegExp;
      patternMessage: string;
      width?: number;
    });

const substanceOptions: CodeList = ref.substances.map(([code, label]) => [code, label] as const);

export const fieldDefs = [
  {
    name: 'partner_record_ref',
    group: 'death',
    kind: 'text',
    label: 'Your reference for this death',
    errorName: 'your reference for this death',
    hint: 'Your organisation’s own case reference, for example HCT-2026-014. Up to 40 letters, numbers, hyphens, underscores or slashes. Do not use a name or NHS number.',
    required: true,
    maxLength: 40,
    pattern: /^[A-Za-z0-9\-_/]+$/,
    patternMessage: 'Your reference must only include letters, numbers, hyphens, underscores and slashes',
    width: 20,
  },
  {
    name: 'date_of_death',
    group: 'death',
    kind: 'date',
    label: 'Date of death',
    errorName: 'the date of death',
    hint: 'For example, 27 3 2026',
    required: true,
  },
  {
    name: 'date_of_death_basis',
    group: 'death',
    kind: 'code',
    options: ref.dateOfDeathBases,
    label: 'How is the date of death known?',
    errorName: 'how the date of death is known',
    required: true,
  },
  {
    name: 'date_partner_aware',
    group: 'death',
    kind: 'date',
    label: 'Date your organisation became aware of the death',
    errorName: 'the date your organisation became aware of the death',
    hint: 'This decides which month’s return the death belongs to',
    required: true,
  },
  {
    name: 'place_of_death_type',
    group: 'death',
    kind: 'code',
    options: ref.placeOfDeathTypes,
    control: 'select',
    label: 'Place of death',
    errorName: 'the place of death',
    required: true,
  },
  {
    name: 'place_of_death_area',
    group: 'death',
    kind: 'code',
    options: ref.areas,
    control: 'select',
    label: 'Area where the death happened (optional)',
    errorName: 'the area where the death happened',
    required: false,
  },
  {
    name: 'death_classification',
    group: 'death',
    kind: 'code',
    options: ref.deathClassifications,
    label: 'Classification of the death',
    errorName: 'the classification of the death',
    required: true,
  },
  {
    name: 'evidence_stage',
    group: 'death',
    kind: 'code',
    options: ref.evidenceStages,
    label: 'Evidence stage',
    errorName: 'the evidence stage',
    required: true,
  },
  {
    name: 'inquest_conclusion',
    group: 'death',
    kind: 'code',
    options: ref.inquestConclusions,
    control: 'select',
    label: 'Inquest conclusion',
    errorName: 'the inquest conclusion',
    hint: 'Only when the inquest has concluded',
    required: false,
  },
  {
    name: 'underlying_cause_icd10',
    group: 'death',
    kind: 'text',
    label: 'Underlying cause of death ICD-10 code (optional)',
    errorName: 'the ICD-10 code',
    hint: 'For example, X42 or F11.2',
    required: false,
    maxLength: 5,
    pattern: /^[A-Z][0-9]{2}(\.[0-9])?$/,
    patternMessage:
      'ICD-10 code must be a letter and 2 numbers, with an optional decimal point and number, like X42 or F11.2',
    width: 5,
  },
  {
    name: 'age_at_death',
    group: 'person',
    kind: 'integer',
    min: 0,
    max: 120,
    label: 'Age at death',
    errorName: 'the age at death',
    hint: 'In whole years. If you enter a date of birth on the linkage page, the age is worked out for you.',
    required: false, // required unless age_unknown; checked by the cross-field rules
  },
  {
    name: 'age_unknown',
    group: 'person',
    kind: 'boolean',
    label: 'Age not known',
    errorName: 'whether the age is known',
    required: false,
  },
  {
    name: 'sex',
    group: 'person',
    kind: 'code',
    options: ref.sexes,
    label: 'Sex',
    errorName: 'the sex',
    required: true,
  },
  {
    name: 'ethnic_group',
    group: 'person',
    kind: 'code',
    options: ref.ethnicGroups,
    control: 'select',
    label: 'Ethnic group',
    errorName: 'the ethnic group',
    hint: 'ONS 2021 census categories',
    required: true,
  },
  {
    name: 'residence_area',
    group: 'person',
    kind: 'code',
    options: ref.areas,
    control: 'select',
    label: 'Area of residence',
    errorName: 'the area of residence',
    required: true,
  },
  {
    name: 'residence_lsoa21',
    group: 'person',
    kind: 'text',
    label: 'Residence LSOA 2021 code (optional)',
    errorName: 'the LSOA code',
    hint: 'E01 followed by 6 numbers, for example E01023456',
    required: false,
    maxLength: 9,
    pattern: /^E01[0-9]{6}$/,
    patternMessage: 'LSOA code must be E01 followed by 6 numbers, like E01023456',
    width: 10,
  },
  {
    name: 'housing_status',
    group: 'person',
    kind: 'code',
    options: ref.housingStatuses,
    control: 'select',
    label: 'Housing status (optional)',
    errorName: 'the housing status',
    required: false,
  },
  {
    name: 'lived_alone',
    group: 'person',
    kind: 'code',
    options: ref.yesNoUnknown,
    label: 'Did they live alone? (optional)',
    errorName: 'whether they lived alone',
    required: false,
  },
  {
    name: 'substances',
    group: 'substances',
    kind: 'codes',
    options: substanceOptions,
    label: 'Substances involved',
    errorName: 'the substances involved',
    hint: 'Select all that apply. Choose “None detected” or “Unknown, awaiting toxicology” on their own.',
    required: true,
  },
  {
    name: 'substances_other',
    group: 'substances',
    kind: 'text',
    label: 'Name of the other substance',
    errorName: 'the name of the other substance',
    hint: 'A substance name only, up to 60 characters',
    required: false,
    maxLength: 60,
    pattern: /^[A-Za-z0-9 \-,()]+$/,
    patternMessage:
      'Other substance must only include letters, numbers, spaces, hyphens, commas and brackets',
    width: 20,
  },
  {
    name: 'treatment_status',
    group: 'circumstances',
    kind: 'code',
    options: ref.treatmentStatuses,
    label: 'Drug or alcohol treatment',
    errorName: 'the treatment status',
    required: true,
  },
  {
    name: 'on_ost_at_death',
    group: 'circumstances',
    kind: 'code',
    options: ref.yesNoUnknown,
    label: 'On opioid substitution therapy at death? (optional)',
    errorName: 'whether they were on opioid substitution therapy',
    required: false,
  },
  {
    name: 'mh_contact_12m',
    group: 'circumstances',
    kind: 'code',
    options: ref.yesNoUnknown,
    label: 'Contact with mental health services in the last 12 months? (optional)',
    errorName: 'whether they had mental health contact',
    required: false,
  },
  {
    name: 'custody_release_interval',
    group: 'circumstances',
    kind: 'code',
    options: ref.releaseIntervals,
    control: 'select',
    label: 'Released from prison or custody before death (optional)',
    errorName: 'the time since release from custody',
    required: false,
  },
  {
    name: 'under_probation',
    group: 'circumstances',
    kind: 'code',
    options: ref.yesNoUnknown,
    label: 'Under probation supervision? (optional)',
    errorName: 'whether they were under probation',
    required: false,
  },
  {
    name: 'hospital_discharge_interval',
    group: 'circumstances',
    kind: 'code',
    options: ref.releaseIntervals,
    control: 'select',
    label: 'Discharged from hospital before death (optional)',
    errorName: 'the time since hospital discharge',
    required: false,
  },
  {
    name: 'previous_nonfatal_overdose',
    group: 'circumstances',
    kind: 'code',
    options: ref.previousOverdoses,
    control: 'select',
    label: 'Previous non-fatal overdose (optional)',
    errorName: 'whether they had a previous overdose',
    required: false,
  },
  {
    name: 'injecting_history',
    group: 'circumstances',
    kind: 'code',
    options: ref.injectingHistories,
    control: 'select',
    label: 'Injecting history (optional)',
    errorName: 'the injecting history',
    required: false,
  },
  {
    name: 'ambulance_attended',
    group: 'circumstances',
    kind: 'code',
    options: ref.yesNoUnknown,
    label: 'Did an ambulance attend? (optional)',
    errorName: 'whether an ambulance attended',
    required: false,
  },
  {
    name: 'naloxone_administered',
    group: 'circumstances',
    kind: 'code',
    options: ref.yesNoUnknown,
    label: 'Was naloxone given at the scene? (optional)',
    errorName: 'whether naloxone was given',
    required: false,
  },
  {
    name: 'naloxone_kit_held',
    group: 'circumstances',
    kind: 'code',
    options: ref.yesNoUnknown,
    label: 'Did they hold a naloxone kit? (optional)',
    errorName: 'whether they held a naloxone kit',
    required: false,
  },
  {
    name: 'found_alone',
    group: 'circumstances',
    kind: 'code',
    options: ref.yesNoUnknown,
    label: 'Were they found alone? (optional)',
    errorName: 'whether they were found alone',
    required: false,
  },
  {
    name: 'ldis_alert_ref',
    group: 'circumstances',
    kind: 'text',
    label: 'Local Drug Information System alert reference (optional)',
    errorName: 'the LDIS alert reference',
    required: false,
    maxLength: 20,
    pattern: /^[A-Za-z0-9\-_/ .]+$/,
    patternMessage:
      'LDIS alert reference must only include letters, numbers, spaces, hyphens, slashes and full stops',
    width: 10,
  },
] as const satisfies readonly FieldDef[];

export type FieldName = (typeof fieldDefs)[number]['name'];

export const fieldByName: ReadonlyMap<string, FieldDef> = new Map(
  fieldDefs.map((f) => [f.name, f as FieldDef]),
);

/** Answers needed whenever the situation applies, though not always: asked on the first page too. */
const ASKED_WITH_REQUIRED: ReadonlySet<string> = new Set([
  'inquest_conclusion',
  'age_at_death',
  'age_unknown',
  'substances_other',
]);

/** The form page a field is asked on. */
export function sectionOf(field: { name: string; required: boolean }): SectionId {
  return field.required || ASKED_WITH_REQUIRED.has(field.name) ? 'death' : 'details';
}

export function fieldsOf(section: SectionId): FieldDef[] {
  return (fieldDefs as readonly FieldDef[]).filter((field) => sectionOf(field) === section);
}

/**
 * Follow-up questions shown under the answer that needs them (GOV.UK conditional reveal): asked only
 * then, and ignored when that answer is not given.
 */
export const revealedBy: Readonly<Record<string, { field: string; value: string }>> = {
  inquest_conclusion: { field: 'evidence_stage', value: 'inquest_concluded' },
  substances_other: { field: 'substances', value: 'other' },
};

/** The follow-up questions under one answer of a field. */
export function revealsOf(field: string, value: string): FieldDef[] {
  return Object.entries(revealedBy)
    .filter(([, r]) => r.field === field && r.value === value)
    .map(([name]) => fieldByName.get(name)!);
}

/** Linkage identifiers: accepted by the form and upload, hashed into match keys, never stored. */
export const linkageFieldDefs = [
  { name: 'nhs_number', label: 'NHS number (optional)', hint: '10 digits, for example 943 476 5919' },
  { name: 'surname', label: 'Surname (optional)', hint: '' },
  { name: 'first_initial', label: 'First initial (optional)', hint: 'One letter' },
  { name: 'date_of_birth', label: 'Date of birth (optional)', hint: 'For example, 31 3 1980' },
] as const;
