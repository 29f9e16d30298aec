// One spreadsheet row → a record, through the same zod schema as the form (no second copy of a rule),
// with every problem placed at the cell a person sees in Excel (row number and column letter).
import type { FieldError } from '../domain/field-error.js';
import type { IsoDate } from '../domain/periods.js';
import { withdrawalReasons } from '../domain/reference.js';
import { ageFromBirth, linkageKeys, type LinkageValues } from '../records/linkage-keys.js';
import { issuesToErrors, matchCode, parseDate, recordSchema, type RecordData } from '../records/schema.js';
import { linkageSchema } from '../records/linkage-schema.js';
import { fieldDefs } from '../records/fields.js';
import {
  columnByName,
  columnLetter,
  isExampleReference,
  linkageColumnNames,
  templateColumns,
  WITHDRAWN_COLUMN,
} from './columns.js';
import type { Cell } from '../lib/spreadsheet.js';

export interface HeaderMap {
  /** Template column name → its index in the file. */
  index: Map<string, number>;
}

/** A heading that is not a column name (perhaps a row of data where the header should be) is not repeated. */
function headingShown(heading: string): string {
  return /^[A-Za-z][A-Za-z _()-]{0,39}$/.test(heading) ? heading : '(a heading that is not a column name)';
}

/** Checks the header row against the template: the whole file is refused when it does not match. */
export function checkHeader(header: string[]): { ok: true; map: HeaderMap } | { ok: false; message: string } {
  const index = new Map<string, number>();
  const unknown: string[] = [];
  const repeated: string[] = [];
  header.forEach((raw, i) => {
    const name = raw.trim().toLowerCase();
    if (name === '') return;
    if (!columnByName.has(name)) unknown.push(raw.trim());
    else if (index.has(name)) repeated.push(name);
    else index.set(name, i);
  });
  const missing = templateColumns.filter((c) => c.required && !index.has(c.name)).map((c) => c.name);
  if (!missing.length && !unknown.length && !repeated.length) return { ok: true, map: { index } };
  const parts = [
    missing.length ? `missing ${missing.join(', ')}` : '',
    unknown.length ? `not in the template ${unknown.map(headingShown).join(', ')}` : '',
    repeated.length ? `more than once ${repeated.join(', ')}` : '',
  ].filter(Boolean);
  return {
    ok: false,
    message: `The file’s header row is not the template’s (${parts.join('; ')}). Download the template and copy your rows into it`,
  };
}

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
/** Excel's day numbers from 1 January 1900 to 31 December 9999. */
function fromSerial(serial: number): IsoDate | undefined {
  if (!Number.isInteger(serial) || serial < 1 || serial > 2958465) return undefined;
  return new Date(EXCEL_EPOCH + serial * 86_400_000).toISOString().slice(0, 10);
}

const dateColumns = new Set([
  ...fieldDefs.filter((f) => f.kind === 'date').map((f) => f.name),
  'date_of_birth',
]);

/** The text of a cell as the schema reads it: Excel dates and day numbers become ISO dates in date columns. */
export function cellText(cell: Cell, column: string): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  if (typeof cell === 'boolean') return cell ? 'yes' : 'no';
  if (typeof cell === 'number') return (dateColumns.has(column) && fromSerial(cell)) || String(cell);
  if (dateColumns.has(column) && /^\d{5}$/.test(cell.trim())) return fromSerial(Number(cell)) ?? cell;
  return cell;
}

export interface ExistingRecord {
  id: number;
  period: string;
  returnId: number;
  data: RecordData;
  status: string;
  withdrawnReason: string | null;
  keys: { nhs: string | null; demo: string | null };
}

export interface RowProblem {
  cell: string;
  field: string;
  value: string;
  message: string;
}

export type RowOutcome =
  | { kind: 'skip' }
  | { kind: 'errors'; ref: string | null; problems: RowProblem[] }
  | {
      kind: 'ok';
      ref: string;
      action: 'new' | 'updated' | 'unchanged' | 'withdrawn';
      recordId: number | null;
      data: Record<string, unknown>;
    };

export interface RowContext {
  map: HeaderMap;
  /** recordSchema(context, 'complete'), built once per file. */
  schema: ReturnType<typeof recordSchema>;
  today: IsoDate;
  period: string;
  secret: string;
  /** The organisation's saved records with the references of the rows being checked. */
  existing: Map<string, ExistingRecord>;
  /** Reference → the row it was first seen on. */
  seen: Map<string, number>;
}

const compared = fieldDefs.map((f) => f.name);

/** The reference on a row, as the row check reads it ('' when there is none). */
export function referenceOf(cells: Cell[], map: HeaderMap): string {
  const i = map.index.get('partner_record_ref');
  return i === undefined ? '' : (cellText(cells[i] ?? null, 'partner_record_ref') ?? '').trim();
}

export function processRow(cells: Cell[], rowNumber: number, ctx: RowContext): RowOutcome {
  const text = (name: string) => {
    const i = ctx.map.index.get(name);
    return i === undefined ? undefined : cellText(cells[i] ?? null, name);
  };
  if (cells.every((c) => c === null || String(c).trim() === '')) return { kind: 'skip' };
  const refText = referenceOf(cells, ctx.map);
  if (isExampleReference(refText)) return { kind: 'skip' };

  const existing = ctx.existing.get(refText);
  const sameReturn = existing && existing.period === ctx.period ? existing : undefined;
  // Columns left out of the file keep what is already saved; columns in it replace it.
  const raw: Record<string, unknown> = {};
  for (const def of fieldDefs) {
    const value = text(def.name);
    raw[def.name] = value === undefined ? (sameReturn?.data[def.name] ?? null) : value;
  }
  const linkRaw = Object.fromEntries(linkageColumnNames.map((n) => [n, text(n) ?? null]));
  const linkage = linkageSchema.safeParse(linkRaw);
  // A date of birth without an age gives the age, as on the form (same function).
  if (linkage.success && (raw.age_at_death === null || String(raw.age_at_death).trim() === '')) {
    const dateOfDeath = typeof raw.date_of_death === 'string' ? parseDate(raw.date_of_death) : undefined;
    const age = ageFromBirth(linkage.data.date_of_birth, {
      age_at_death: null,
      date_of_death: dateOfDeath ?? null,
    });
    if (age !== undefined) raw.age_at_death = String(age);
  }
  const problems: FieldError[] = [];
  const parsed = ctx.schema.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors = issuesToErrors(parsed.error);
    problems.push(...fieldErrors);
    // Zod stops before the rules across fields when a field is invalid; run them again without the bad
    // fields, so one upload reports every problem on the row, not one layer at a time.
    const bad = new Set(fieldErrors.map((e) => e.field));
    const again = ctx.schema.safeParse({ ...raw, ...Object.fromEntries([...bad].map((f) => [f, null])) });
    if (!again.success) problems.push(...issuesToErrors(again.error).filter((e) => !bad.has(e.field)));
  }

  if (!linkage.success) problems.push(...issuesToErrors(linkage.error));
  let keys: LinkageValues = {};
  if (parsed.success && linkage.success) {
    const derived = linkageKeys(linkage.data, parsed.data, ctx.secret, ctx.today, { requireSome: false });
    if (derived.ok) keys = derived.values;
    else problems.push(...derived.errors);
  }

  const withdrawText = (text(WITHDRAWN_COLUMN) ?? '').trim();
  const withdrawReason = withdrawText ? matchCode(withdrawalReasons, withdrawText) : null;
  if (withdrawText && !withdrawReason)
    problems.push({
      field: WITHDRAWN_COLUMN,
      message: 'Select a valid withdrawal reason, or leave it blank',
    });
  else if (withdrawReason && !sameReturn)
    problems.push({
      field: WITHDRAWN_COLUMN,
      message: 'Only a record already in this return can be withdrawn: check the reference',
    });

  if (refText) {
    const first = ctx.seen.get(refText);
    if (first !== undefined)
      problems.push({
        field: 'partner_record_ref',
        message: `This reference is also on row ${first}: each death must be on one row`,
      });
    else ctx.seen.set(refText, rowNumber);
    if (existing && !sameReturn)
      problems.push({
        field: 'partner_record_ref',
        message: `This reference is already used for a death in your ${existing.period} return`,
      });
  }

  if (problems.length || !parsed.success) {
    const seenFields = new Set<string>();
    return {
      kind: 'errors',
      ref: refText || null,
      problems: problems
        .filter((p) => (seenFields.has(p.field) ? false : (seenFields.add(p.field), true)))
        .map((p) => problemAt(p, rowNumber, cells, ctx)),
    };
  }

  const record = { ...parsed.data, ...keys } as RecordData & LinkageValues;
  const data: Record<string, unknown> = { ...record, completeness_problems: 0 };
  if (withdrawReason) data.withdrawn_reason = withdrawReason;
  if (!sameReturn) return { kind: 'ok', ref: refText, action: 'new', recordId: null, data };
  if (withdrawReason) {
    const already = sameReturn.status === 'withdrawn' && sameReturn.withdrawnReason === withdrawReason;
    return {
      kind: 'ok',
      ref: refText,
      action: already ? 'unchanged' : 'withdrawn',
      recordId: sameReturn.id,
      data,
    };
  }
  const changed =
    sameReturn.status !== 'active' ||
    compared.some((name) => JSON.stringify(record[name]) !== JSON.stringify(sameReturn.data[name])) ||
    (keys.match_key_nhs !== undefined && keys.match_key_nhs !== sameReturn.keys.nhs) ||
    (keys.match_key_demo !== undefined && keys.match_key_demo !== sameReturn.keys.demo);
  return {
    kind: 'ok',
    ref: refText,
    action: changed ? 'updated' : 'unchanged',
    recordId: sameReturn.id,
    data,
  };
}

function problemAt(problem: FieldError, rowNumber: number, _cells: Cell[], ctx: RowContext): RowProblem {
  const i = ctx.map.index.get(problem.field);
  return {
    cell: i === undefined ? `row ${rowNumber}` : `${columnLetter(i)}${rowNumber}`,
    field: problem.field,
    // What the cell held is described, never repeated: a name, an NHS number or a date of birth can land
    // in any column of a shifted row, and the report and the database must not keep it. The cell
    // reference finds it in the partner's own file.
    value: i === undefined ? '' : describeValue(cellText(_cells[i] ?? null, problem.field)),
    message: problem.message,
  };
}

/** The shape of a value, for a problem report: "(blank)", "a date", "a number, 10 digits", "text, 7 characters". */
export function describeValue(value: string): string {
  const text = value.trim();
  if (text === '') return '(blank)';
  if (/^\d{4}-\d{2}-\d{2}$|^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$/.test(text)) return 'a date';
  if (/^[\d\s-]+$/.test(text)) {
    const digits = text.replace(/\D/g, '').length;
    return `a number, ${digits} digit${digits === 1 ? '' : 's'}`;
  }
  return `text, ${text.length} character${text.length === 1 ? '' : 's'}`;
}
