// Between the HTML form and the schema: GOV.UK date inputs arrive as day/month/year parts and
// checkboxes as a string or an array. Values are kept exactly as typed for re-display after an error.
import { z } from 'zod';
import { revealedBy, type FieldDef } from './fields.js';
import type { RecordData } from './schema.js';

type Body = Record<string, unknown>;

function dateFromParts(body: Body, name: string): string {
  const part = (p: string) => String(body[`${name}-${p}`] ?? '').trim();
  const [day, month, year] = [part('day'), part('month'), part('year')];
  if (!day && !month && !year) return '';
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return 'invalid';
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
}

/** Whether the answer a follow-up question hangs on was given in this form. */
function followUpApplies(name: string, body: Body): boolean {
  const on = revealedBy[name];
  if (!on || !(on.field in body)) return true;
  const answer = body[on.field];
  return Array.isArray(answer) ? answer.includes(on.value) : answer === on.value;
}

/**
 * The raw values a section's schema parses. A follow-up question whose answer was not chosen is
 * blank, whatever its (hidden) input still held: GOV.UK's conditional reveal ignores it.
 */
export function rawFromBody(
  fields: readonly { name: string; kind: string }[],
  body: Body,
): Record<string, unknown> {
  return Object.fromEntries(
    fields.map((f) => [
      f.name,
      !followUpApplies(f.name, body) ? '' : f.kind === 'date' ? dateFromParts(body, f.name) : body[f.name],
    ]),
  );
}

/** What the inputs show after an error: exactly what was typed. */
export function displayFromBody(
  fields: readonly { name: string; kind: string }[],
  body: Body,
): Record<string, unknown> {
  return Object.fromEntries(
    fields.map((f) => [
      f.name,
      f.kind === 'date'
        ? { day: body[`${f.name}-day`], month: body[`${f.name}-month`], year: body[`${f.name}-year`] }
        : body[f.name],
    ]),
  );
}

function isoToParts(date: string | null): { day: string; month: string; year: string } | undefined {
  if (!date) return undefined;
  const [year, month, day] = date.split('-');
  return { day: String(Number(day)), month: String(Number(month)), year: year! };
}

/** What the inputs show for a saved record. */
export function displayFromRecord(fields: readonly FieldDef[], record: RecordData): Record<string, unknown> {
  return Object.fromEntries(
    fields.map((f) => {
      const value = record[f.name as keyof RecordData];
      if (f.kind === 'date') return [f.name, isoToParts(value as string | null)];
      if (f.kind === 'integer') return [f.name, value === null ? '' : String(value)];
      return [f.name, value];
    }),
  );
}

/** Date inputs are focused from the error summary at their day box. */
export function errorAnchor(fields: readonly { name: string; kind: string }[]) {
  return (field: string) => (fields.find((f) => f.name === field)?.kind === 'date' ? `${field}-day` : field);
}

/** The shape of any record form's body: text, or a list of ticked boxes. The answers are the schema's. */
export const recordFormBody = z.record(
  z.string(),
  z.union([z.string().max(10_000), z.array(z.string().max(10_000)).max(200)]),
);
