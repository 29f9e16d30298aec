// What the submission API takes and gives, as zod schemas the OpenAPI document is generated from
// (api/openapi.ts). A record's fields, their descriptions and allowed codes come from the one field
// table (records/fields.ts); the rules that check them are the form's and the upload's
// (records/schema.ts), applied by the records service — these schemas describe, they do not re-decide.
import { z } from 'zod';
import { fieldDefs, type FieldDef } from '../records/fields.js';
import { withdrawalReasons, codesOf } from '../domain/reference.js';

const period = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
  .describe('The month of the return, YYYY-MM');

function describe(def: FieldDef): string {
  return [def.label, def.hint]
    .filter(Boolean)
    .map((text) => text!.replace(/\.$/, ''))
    .join('. ');
}

/** One field as a client sends it: codes by their code, dates as YYYY-MM-DD, blanks as null. */
function fieldDoc(def: FieldDef): z.ZodType {
  switch (def.kind) {
    case 'code':
      return z.enum(codesOf(def.options)).nullable().optional().describe(describe(def));
    case 'codes':
      return z
        .array(z.enum(codesOf(def.options)))
        .optional()
        .describe(describe(def));
    case 'date':
      return z.iso.date().nullable().optional().describe(describe(def));
    case 'integer':
      return z.number().int().min(def.min).max(def.max).nullable().optional().describe(describe(def));
    case 'boolean':
      return z.boolean().optional().describe(describe(def));
    case 'text':
      return z
        .string()
        .max(def.maxLength)
        .nullable()
        .optional()
        .describe(`${describe(def)}. ${def.patternMessage}`);
  }
}

/** A death as a client sends it (create or replace). Only the fields of the form; no identifiers. */
export const recordInput = z
  .object(Object.fromEntries(fieldDefs.map((def) => [def.name, fieldDoc(def)])))
  .required({ partner_record_ref: true })
  .meta({
    id: 'RecordInput',
    description: 'A death, with the answers the form asks. Send codes, not labels.',
  });

export const recordOutput = z
  .object({
    id: z.number().int(),
    status: z.enum(['active', 'withdrawn']),
    withdrawn_reason: z.string().nullable(),
    problems: z.number().int().describe('Answers still needed before the return can be submitted'),
    answers: z.record(z.string(), z.unknown()).describe('Every answer, by field name, as RecordInput'),
  })
  .meta({ id: 'Record' });

export const withdrawInput = z
  .object({ reason: z.enum(codesOf(withdrawalReasons)).describe('Why the death is withdrawn') })
  .meta({ id: 'WithdrawInput' });

export const linkageInput = z
  .object({
    nhs_number: z.string().nullable().optional(),
    surname: z.string().nullable().optional(),
    first_initial: z.string().nullable().optional(),
    date_of_birth: z.iso.date().nullable().optional(),
  })
  .meta({
    id: 'LinkageInput',
    description:
      'Identifiers for linking the same death across partners: turned into keyed hashes at once and never stored or returned',
  });

export const signInput = z
  .object({
    declaration: z
      .literal(true)
      .describe('The declaration of the return page, made by the person responsible'),
    name: z.string().min(1).max(100).describe('Who makes the declaration'),
    role: z.string().min(1).max(100).describe('Their job title'),
  })
  .meta({ id: 'SignInput' });

const statuses = [
  'not_started',
  'in_progress',
  'submitted',
  'submitted_late',
  'nil',
  'nil_late',
  'overdue',
  'reopened',
] as const;

export const returnSummary = z
  .object({
    period,
    status: z.enum(statuses),
    deadline: z.iso.date(),
    submittable_from: z.iso.date(),
    locked: z.boolean(),
    deaths: z.number().int().describe('Active deaths in the return'),
    reference: z.string().nullable().describe('The reference of its last signed version'),
  })
  .meta({ id: 'ReturnSummary' });

export const returnDetail = returnSummary
  .extend({
    editable: z.boolean(),
    submittable: z.boolean(),
    withdrawn: z.number().int(),
    incomplete: z.number().int().describe('Active deaths still needing answers'),
    records: z.array(recordOutput),
    versions: z.array(
      z.object({
        version: z.number().int(),
        kind: z.enum(['nil', 'submit', 'amend']),
        signed_at: z.iso.datetime({ offset: true }),
        deaths: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'ReturnDetail' });

export const query = z
  .object({
    id: z.number().int(),
    record_id: z.number().int(),
    reference: z.string().describe('Your reference for the death the question is about'),
    field: z.string().describe('The field the question is about (a RecordInput field name)'),
    question: z.string(),
    status: z.enum(['open', 'answered', 'closed']),
    answer: z.string().nullable(),
    raised_at: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'Query', description: 'A data-quality question CCSU asked about one of your deaths' });

export const queryList = z.object({ queries: z.array(query) }).meta({ id: 'QueryList' });

export const answerInput = z
  .object({ answer: z.string().min(1).max(500).describe('Your answer, without names or personal details') })
  .meta({ id: 'AnswerInput' });

export const signed = z.object({ reference: z.string() }).meta({ id: 'Signed' });

export const returnList = z.object({ returns: z.array(returnSummary) }).meta({ id: 'ReturnList' });

export { period as periodSchema };
