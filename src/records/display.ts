// How a record's answers read on a page or in an export: one place for labels without "(optional)",
// codes as their labels, UK dates, and "Not known" where the form offers it.
import { labelOf } from '../domain/reference.js';
import { formatDate } from '../domain/periods.js';
import type { FieldDef } from './fields.js';
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
