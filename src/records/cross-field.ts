// The rules across a record's fields (dates in order, substances that exclude each other, evidence
// that needs toxicology…), and with `complete`, the answers a submitted record must have.
import type { z } from 'zod';
import { isValidNhsNumber } from '../domain/linkage.js';
import { identifierProblem } from '../domain/identifiers.js';
import { fieldDefs, type FieldDef, type FieldName } from './fields.js';
import type { RecordContext, RecordData } from './schema.js';

/** The error messages' first word. */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function missingMessage(def: FieldDef): string {
  return def.kind === 'code' || def.kind === 'codes' ? `Select ${def.errorName}` : `Enter ${def.errorName}`;
}

const EARLIEST_DEATH = '2000-01-01';
const STANDALONE_SUBSTANCES = ['none_detected', 'unknown_awaiting_toxicology'];
const BEFORE_TOXICOLOGY = ['reported_suspected', 'pm_awaiting_tox'];

/** Rules across fields, given the record so far. `complete` adds the required-field rules. */
const textFields = fieldDefs.filter((def) => def.kind === 'text');

export function crossFieldRules(
  r: RecordData,
  context: RecordContext,
  complete: boolean,
  ctx: z.RefinementCtx,
) {
  const issue = (path: FieldName, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });

  if (complete) {
    for (const def of fieldDefs) {
      const value = r[def.name];
      if (def.required && (value === null || (Array.isArray(value) && value.length === 0)))
        issue(def.name, missingMessage(def));
    }
    if (r.age_at_death === null && !r.age_unknown)
      issue('age_at_death', 'Enter the age at death, or select ‘Age not known’');
    if (r.evidence_stage === 'inquest_concluded' && r.inquest_conclusion === null)
      issue('inquest_conclusion', 'Select the inquest conclusion, as the inquest has concluded');
    if (r.substances.includes('other') && r.substances_other === null)
      issue('substances_other', 'Enter the name of the other substance');
  }

  const ref = r.partner_record_ref;
  if (ref !== null) {
    if (/^\d{10}$/.test(ref) && isValidNhsNumber(ref))
      issue(
        'partner_record_ref',
        'Your reference must not be an NHS number. Use your organisation’s own case reference',
      );
    else if (!/\d/.test(ref))
      issue(
        'partner_record_ref',
        'Your reference must include at least one number, so that it cannot be a person’s name',
      );
  }

  if (r.date_of_death !== null) {
    if (r.date_of_death > context.today) issue('date_of_death', 'Date of death must be today or in the past');
    if (r.date_of_death < EARLIEST_DEATH)
      issue('date_of_death', 'Date of death must be on or after 1 January 2000');
  }
  if (r.date_partner_aware !== null) {
    if (r.date_partner_aware > context.today)
      issue('date_partner_aware', 'Date your organisation became aware must be today or in the past');
    else if (r.date_partner_aware > context.periodEnd)
      issue(
        'date_partner_aware',
        'Date your organisation became aware must be in or before the month of this return',
      );
    if (r.date_of_death !== null && r.date_partner_aware < r.date_of_death)
      issue(
        'date_partner_aware',
        'Date your organisation became aware must be on or after the date of death',
      );
  }

  if (r.age_at_death !== null && r.age_unknown)
    issue('age_at_death', 'Either enter the age at death or select ‘Age not known’, not both');

  const standalone = r.substances.filter((s) => STANDALONE_SUBSTANCES.includes(s));
  if (standalone.length > 0 && r.substances.length > 1)
    issue(
      'substances',
      '“None detected” and “Unknown, awaiting toxicology” cannot be selected with any other substance',
    );
  if (
    r.substances.includes('unknown_awaiting_toxicology') &&
    r.evidence_stage !== null &&
    !BEFORE_TOXICOLOGY.includes(r.evidence_stage)
  )
    issue(
      'substances',
      'Substances cannot be “Unknown, awaiting toxicology” once toxicology has been received',
    );
  if (r.substances_other !== null && !r.substances.includes('other'))
    issue('substances_other', 'Select “Other substance” or remove the name of the other substance');

  if (r.inquest_conclusion !== null && r.evidence_stage !== 'inquest_concluded')
    issue(
      'inquest_conclusion',
      'Only give an inquest conclusion when the evidence stage is ‘Inquest concluded’',
    );

  if (r.on_ost_at_death === 'yes' && r.treatment_status !== null && r.treatment_status !== 'in_treatment')
    issue(
      'on_ost_at_death',
      'Opioid substitution therapy can only be ‘Yes’ when the person was in treatment',
    );
  // Free text (references, the other-substance name, LDIS reference) must not carry an identifier.
  const year = Number(context.today.slice(0, 4));
  for (const def of textFields) {
    const value = r[def.name];
    const problem = typeof value === 'string' ? identifierProblem(value, year) : undefined;
    if (problem) issue(def.name, `${capitalise(def.errorName)} ${problem}`);
  }
}
