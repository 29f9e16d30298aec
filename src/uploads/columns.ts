// The upload template's columns: the data-dictionary field names, then the optional linkage identifiers,
// then an optional withdrawal column. One list for the template, the header check and the error report.
import { withdrawalReasons, type CodeList } from '../domain/reference.js';
import { fieldDefs, linkageFieldDefs, type FieldDef } from '../records/fields.js';

export interface TemplateColumn {
  name: string;
  label: string;
  required: boolean;
  kind: FieldDef['kind'] | 'linkage';
  options?: CodeList;
  format: string;
}

function formatOf(def: FieldDef): string {
  switch (def.kind) {
    case 'code':
      return 'one code or label from the Allowed values sheet';
    case 'codes':
      return 'codes or labels from the Allowed values sheet, separated by ;';
    case 'date':
      return 'date: YYYY-MM-DD, DD/MM/YYYY or an Excel date';
    case 'integer':
      return `whole number ${def.min}–${def.max}`;
    case 'boolean':
      return 'yes or no';
    case 'text':
      return `text, up to ${def.maxLength} characters`;
  }
}

export const WITHDRAWN_COLUMN = 'withdrawn_reason';

export const templateColumns: readonly TemplateColumn[] = [
  ...fieldDefs.map((def) => ({
    name: def.name,
    label: def.label.replace(' (optional)', ''),
    required: def.required,
    kind: def.kind,
    options: 'options' in def ? def.options : undefined,
    format: formatOf(def),
  })),
  ...linkageFieldDefs.map((def) => ({
    name: def.name,
    label: def.label.replace(' (optional)', ''),
    required: false,
    kind: 'linkage' as const,
    format:
      def.name === 'date_of_birth'
        ? 'date: YYYY-MM-DD, DD/MM/YYYY or an Excel date; hashed and never stored'
        : 'hashed into a match key and never stored',
  })),
  {
    name: WITHDRAWN_COLUMN,
    label: 'Withdraw this record (reason)',
    required: false,
    kind: 'code',
    options: withdrawalReasons,
    format: 'leave blank; or a withdrawal reason to withdraw a record already in this return',
  },
];

export const columnByName = new Map(templateColumns.map((c) => [c.name, c]));
export const linkageColumnNames: readonly string[] = linkageFieldDefs.map((d) => d.name);

/** The example row's reference: it can never be a real one (spaces are not allowed), so it is skipped. */
export const EXAMPLE_MARKER = 'EXAMPLE ROW (ignored)';

/** The template's example row, kept as it is or with its "(ignored)" trimmed off by a partner. */
export function isExampleReference(reference: string): boolean {
  return reference.trim().toLowerCase().startsWith('example row');
}

/** A = 1, Z = 26, AA = 27: the column letters a spreadsheet shows. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}
