// How a record's answers read on a page or in an export: one place for labels without "(optional)",
// codes as their labels, UK dates, and "Not known" where the form offers it.
import { labelOf, withdrawalReasons } from '../domain/reference.js';
import { formatDate } from '../domain/periods.js';
import { fieldByName, fieldDefs, groups, sectionOf, type FieldDef } from './fields.js';
import type { RecordData } from './schema.js';

/** A field's label as a heading or summary key: without the form's "(optional)". */
export function shortLabel(field: { label: string }): string {
  return field.label.replace(/ \(optional\)$/, '');
}

/** Whether the record has an answer for this field (a ticked box, a chosen code, typed text). */
export function isAnswered(field: FieldDef, data: RecordData): boolean {
  const value = data[field.name as keyof RecordData];
  if (field.name === 'age_at_death' && data.age_unknown) return true;
  if (Array.isArray(value)) return value.length > 0;
  return value !== null && value !== undefined && value !== '' && value !== false;
}

/** An answer as the page shows it: "Not entered" when there is none. */
export function displayValue(field: FieldDef, data: RecordData): string {
  const value = data[field.name as keyof RecordData];
  if (field.name === 'age_at_death' && value === null && data.age_unknown) return 'Not known';
  if (!isAnswered(field, data)) return 'Not entered';
  switch (field.kind) {
    case 'codes':
      return (value as string[]).map((c) => labelOf(field.options, c)).join(', ');
    case 'code':
      return labelOf(field.options, value as string);
    case 'date':
      return formatDate(value as string);
    case 'boolean':
      return value ? 'Yes' : 'No';
    default:
      return String(value);
  }
}

/** Where a field's input starts on its form page, for "Change" links and error links. */
export function fieldAnchor(field: { name: string; kind: string }): string {
  return field.kind === 'date' ? `${field.name}-day` : field.name;
}

/** Each problem as a link to the exact field, relative to the record's address (e.g. "death#sex"). */
export function problemLinks(problems: readonly { field: string; message: string }[]) {
  return problems.map((p) => {
    const field = fieldByName.get(p.field);
    return { ...p, href: field ? `${sectionOf(field)}#${fieldAnchor(field)}` : 'death' };
  });
}

/** What the record's own flags are called on CCSU pages (not "has match key nhs"). */
const flagLabels: Readonly<Record<string, string>> = {
  record_status: 'Status',
  withdrawn_reason: 'Reason withdrawn',
  has_match_key_nhs: 'Can be matched by NHS number',
  has_match_key_demo: 'Can be matched by name and date of birth',
};

/** The label for any field of a stored version: the form's words, or the flag's. */
export function labelOfName(name: string): string {
  const field = fieldByName.get(name);
  return field ? shortLabel(field) : (flagLabels[name] ?? name.replace(/_/g, ' '));
}

/** Any value of a stored version as a page shows it (a version is a snapshot, not a record row). */
export function showValue(name: string, value: unknown): string {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0))
    return 'Not entered';
  if (name === 'record_status') return value === 'active' ? 'Active' : 'Withdrawn';
  if (name === 'withdrawn_reason') return labelOf(withdrawalReasons, String(value));
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  const field = fieldByName.get(name);
  if (!field) return String(value);
  if (field.kind === 'codes') return (value as string[]).map((c) => labelOf(field.options, c)).join(', ');
  if (field.kind === 'code') return labelOf(field.options, String(value));
  if (field.kind === 'date') return formatDate(String(value));
  return String(value);
}

/** A version's answers grouped as the form groups them, in data-dictionary order, then its flags. */
export function groupedAnswers(snapshot: Record<string, unknown>) {
  return [
    ...groups.map((group) => ({
      title: group.title,
      rows: fieldDefs
        .filter((f) => f.group === group.id && f.kind !== 'boolean')
        .map((f) => ({
          label: shortLabel(f),
          value:
            f.name === 'age_at_death' && snapshot.age_at_death == null && snapshot.age_unknown
              ? 'Not known'
              : showValue(f.name, snapshot[f.name]),
        })),
    })),
    {
      title: 'Record',
      rows: Object.keys(flagLabels)
        .filter((name) => name !== 'withdrawn_reason' || snapshot.record_status === 'withdrawn')
        .map((name) => ({ label: flagLabels[name]!, value: showValue(name, snapshot[name] ?? false) })),
    },
  ];
}
