// What changed in a record between two versions, field by field: for the CCSU's view of amendments and
// for a case's records side by side.
import { fieldDefs } from './fields.js';

export interface FieldDifference {
  field: string;
  before: unknown;
  after: unknown;
}

/** The fields compared: every data-dictionary field, the record's status and whether it has match keys. */
export const compared = [
  ...fieldDefs.map((f) => f.name),
  'record_status',
  'withdrawn_reason',
  'has_match_key_nhs',
  'has_match_key_demo',
];

/** Of the named fields, those whose answers differ (a blank and a missing answer are the same). */
export function changedFields(
  names: readonly string[],
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): string[] {
  return names.filter((n) => JSON.stringify(before[n] ?? null) !== JSON.stringify(after[n] ?? null));
}

export function diff(before: Record<string, unknown>, after: Record<string, unknown>): FieldDifference[] {
  return changedFields(compared, before, after).map((field) => ({
    field,
    before: before[field] ?? null,
    after: after[field] ?? null,
  }));
}
