// The one schema of a death record. Built from fieldDefs; used by the web form (one section at a time,
// as a draft), by submission (complete), and by the bulk upload and API (same rules, same messages).
import { z } from 'zod';
import type { IsoDate } from '../domain/periods.js';
import type { FieldError } from '../domain/field-error.js';
import type { CodeList } from '../domain/reference.js';
import { fieldDefs, fieldByName, type FieldDef, type FieldName } from './fields.js';
import { capitalise, crossFieldRules } from './cross-field.js';

export type RecordData = {
  [K in FieldName]: K extends 'substances'
    ? string[]
    : K extends 'age_unknown'
      ? boolean
      : K extends 'age_at_death'
        ? number | null
        : string | null;
};

export const emptyRecord = (): RecordData =>
  Object.fromEntries(
    fieldDefs.map((f) => [f.name, f.kind === 'codes' ? [] : f.kind === 'boolean' ? false : null]),
  ) as unknown as RecordData;

export interface RecordContext {
  /** Today in England. */
  today: IsoDate;
  /** Last day of the return's month: nobody can report in March a death they learn of in April. */
  periodEnd: IsoDate;
}

export function blank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/**
 * Accepts a code or its label, in any case, with spaces, hyphens and underscores alike ("St  Albans",
 * "drug related", "Drug-related"), so a spreadsheet can carry either as people type them.
 */
export function matchCode(
  options: CodeList | readonly (readonly [string, string, ...string[]])[],
  raw: string,
): string | undefined {
  const norm = (v: string) =>
    v
      .trim()
      .toLowerCase()
      .replace(/[\s_-]+/g, ' ');
  const wanted = norm(raw);
  if (!wanted) return undefined;
  return options.find(([code, label]) => norm(code) === wanted || norm(label) === wanted)?.[0];
}

/** YYYY-MM-DD or DD/MM/YYYY, and a real calendar date. */
export function parseDate(raw: string): IsoDate | undefined {
  const text = raw.trim();
  let year: number, month: number, day: number;
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (m) [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else {
    m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
    if (!m) return undefined;
    [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  }
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return undefined;
  return date.toISOString().slice(0, 10);
}

function fieldSchema(def: FieldDef): z.ZodType {
  const invalid = (ctx: z.RefinementCtx, message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  switch (def.kind) {
    case 'code':
      return z.unknown().transform((raw, ctx) => {
        if (blank(raw)) return null;
        const code = typeof raw === 'string' ? matchCode(def.options, raw) : undefined;
        return code ?? invalid(ctx, `Select a valid option for ${def.errorName}`);
      });
    case 'codes':
      return z.unknown().transform((raw, ctx) => {
        const values = (Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(';') : [])
          .map((v) => String(v).trim())
          .filter((v) => v !== '');
        const codes: string[] = [];
        for (const value of values) {
          const code = matchCode(def.options, value);
          // The message never repeats what was entered: a value in the wrong column may be an identifier.
          if (!code)
            return invalid(
              ctx,
              `Each of ${def.errorName} must be one of the allowed options (separate them with ;)`,
            );
          if (!codes.includes(code)) codes.push(code);
        }
        return codes;
      });
    case 'date':
      return z.unknown().transform((raw, ctx) => {
        if (blank(raw)) return null;
        return (
          (typeof raw === 'string' && parseDate(raw)) ||
          invalid(ctx, `${capitalise(def.errorName.replace(/^the /, ''))} must be a real date`)
        );
      });
    case 'integer':
      return z.unknown().transform((raw, ctx) => {
        if (blank(raw)) return null;
        const text = String(raw).trim();
        const n = Number(text);
        if (!/^\d+$/.test(text) || n < def.min || n > def.max)
          return invalid(
            ctx,
            `${capitalise(def.errorName.replace(/^the /, ''))} must be a whole number between ${def.min} and ${def.max}`,
          );
        return n;
      });
    case 'boolean':
      return z.unknown().transform((raw) => {
        const text = Array.isArray(raw)
          ? String(raw.at(-1))
          : String(raw ?? '')
              .trim()
              .toLowerCase();
        return ['true', 'yes', 'y', '1', 'on'].includes(text.toLowerCase());
      });
    case 'text':
      return z.unknown().transform((raw, ctx) => {
        if (blank(raw)) return null;
        const text = String(raw).trim();
        if (text.length > def.maxLength)
          return invalid(
            ctx,
            `${capitalise(def.errorName.replace(/^(the|your) /, ''))} must be ${def.maxLength} characters or fewer`,
          );
        if (!def.pattern.test(text)) return invalid(ctx, def.patternMessage);
        return text;
      });
  }
}

/** Absent keys become null before parsing, so a form or a file may leave any column out. */
export function withAllKeys<T extends z.ZodObject>(schema: T) {
  const keys = Object.keys(schema.shape);
  return z.preprocess((raw) => {
    const input = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
    return Object.fromEntries(keys.map((key) => [key, input[key] ?? null]));
  }, schema);
}

const shape = Object.fromEntries(fieldDefs.map((def) => [def.name, fieldSchema(def)])) as Record<
  FieldName,
  z.ZodType
>;

export type SchemaMode = 'draft' | 'complete';

/** The record schema for a return: a draft may be incomplete, a complete record can be submitted. */
// Built once: zod compiles an object schema on first use, so a schema per request would be slow.
const baseRecordSchema = withAllKeys(z.object(shape)).transform(
  (parsed) => ({ ...emptyRecord(), ...(parsed as Partial<RecordData>) }) as RecordData,
);

export function recordSchema(context: RecordContext, mode: SchemaMode) {
  return baseRecordSchema.superRefine((record, ctx) =>
    crossFieldRules(record, context, mode === 'complete', ctx),
  );
}

export function issuesToErrors(error: z.ZodError): FieldError[] {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '');
    if (seen.has(field)) continue; // one message per field, the first one found
    seen.add(field);
    errors.push({ field, message: issue.message });
  }
  // Order as the fields appear on the page.
  const order = (name: string) => fieldDefs.findIndex((f) => f.name === name);
  return errors.sort((a, b) => order(a.field) - order(b.field));
}

/** Every problem that stops a record being submitted, in field order. */
export function completenessErrors(record: RecordData, context: RecordContext): FieldError[] {
  const result = recordSchema(context, 'complete').safeParse(record);
  return result.success ? [] : issuesToErrors(result.error);
}

export function fieldLabel(name: string): string {
  return fieldByName.get(name)?.label ?? name;
}

/**
 * Fields a form page edits. The answers a return needs are enforced on the page that asks them, with
 * the same cross-field rules as submission; only this page's fields are reported.
 */
export function validateSection(
  sectionFields: readonly string[],
  raw: Record<string, unknown>,
  stored: RecordData,
  context: RecordContext,
): { ok: true; values: Partial<RecordData> } | { ok: false; errors: FieldError[] } {
  // Each answer is read on its own, so one that cannot be read does not hide the others' problems.
  const values: Partial<RecordData> = {};
  const errors: FieldError[] = [];
  for (const name of sectionFields) {
    const parsed = shape[name as FieldName].safeParse(raw[name]);
    if (parsed.success) Object.assign(values, { [name]: parsed.data });
    else errors.push(...parsed.error.issues.map((issue) => ({ field: name, message: issue.message })));
  }
  if (sectionFields.includes('partner_record_ref') && values.partner_record_ref === null)
    errors.push({ field: 'partner_record_ref', message: 'Enter your reference for this death' });
  const merged = recordSchema(context, 'complete').safeParse({ ...stored, ...values });
  if (!merged.success)
    errors.push(
      ...issuesToErrors(merged.error).filter(
        (error) => sectionFields.includes(error.field) && !errors.some((e) => e.field === error.field),
      ),
    );
  // In the order the page asks them.
  errors.sort((a, b) => sectionFields.indexOf(a.field) - sectionFields.indexOf(b.field));
  return errors.length ? { ok: false, errors: dedupe(errors) } : { ok: true, values };
}

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => (seen.has(e.field) ? false : (seen.add(e.field), true)));
}
