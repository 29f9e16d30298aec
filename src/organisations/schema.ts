import { z } from 'zod';
import { codesOf, districts, organisationTypes } from '../domain/reference.js';
import { emailListField } from '../lib/form-fields.js';

const emailList = emailListField('Each return contact must be an email address, like name@example.org').pipe(
  z
    .array(z.string())
    .min(1, 'Enter at least one return contact email address')
    .max(20, 'Enter 20 return contacts or fewer'),
);

const escalationContact = z
  .string({ error: 'Enter the escalation contact’s email address, like name@example.org' })
  .trim()
  .toLowerCase()
  .pipe(z.email('Enter the escalation contact’s email address, like name@example.org'));

/** Month and year inputs ("4", "2026") → "2026-04", or null when both are blank. */
function parseMonth(month: unknown, year: unknown): string | null | 'invalid' {
  const m = String(month ?? '').trim();
  const y = String(year ?? '').trim();
  if (m === '' && y === '') return null;
  if (!/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) return 'invalid';
  const mn = Number(m);
  const yn = Number(y);
  if (mn < 1 || mn > 12 || yn < 2000 || yn > 2100) return 'invalid';
  return `${yn}-${String(mn).padStart(2, '0')}`;
}

function monthField(label: string, required: boolean) {
  return z.unknown().transform((value, ctx) => {
    if (value === null) {
      if (required)
        ctx.addIssue({ code: 'custom', message: 'Enter the first month the organisation makes returns for' });
      return null;
    }
    if (value === 'invalid') {
      ctx.addIssue({ code: 'custom', message: `${label} must be a real month, like 4 2026` });
      return null;
    }
    return value as string;
  });
}

/** The organisation form: one schema for create and edit. Month inputs arrive as "-month" and "-year". */
export const organisationSchema = z
  .preprocess(
    (raw) => {
      const body = (raw ?? {}) as Record<string, unknown>;
      return {
        ...body,
        active_from: parseMonth(body['active_from-month'], body['active_from-year']),
        active_to: parseMonth(body['active_to-month'], body['active_to-year']),
      };
    },
    z.object({
      name: z
        .string({ error: 'Enter the organisation’s name' })
        .trim()
        .min(1, 'Enter the organisation’s name')
        .max(120, 'Name must be 120 characters or fewer'),
      code: z
        .string({ error: 'Enter a short code' })
        .trim()
        .toUpperCase()
        .regex(
          /^[A-Z]{2,8}$/,
          'Short code must be 2 to 8 letters, like HCT. It appears in return references',
        ),
      type: z.enum(codesOf(organisationTypes), { error: 'Select the type of organisation' }),
      areas: z
        .union([z.string(), z.array(z.string())])
        .optional()
        .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
        .pipe(z.array(z.enum(codesOf(districts))).min(1, 'Select at least one area the organisation covers')),
      return_contacts: emailList,
      escalation_contact: escalationContact,
      active_from: monthField('Active from', true),
      active_to: monthField('Active to', false),
    }),
  )
  .refine((v) => !v.active_from || !v.active_to || v.active_to >= v.active_from, {
    path: ['active_to'],
    message: 'Active to must be the same as or after active from',
  })
  .transform((v) => ({ ...v, active_from: v.active_from as string }));

export type OrganisationInput = z.output<typeof organisationSchema>;

/** The contacts a return lead may change for their own organisation. */
export const contactsSchema = z.object({
  return_contacts: emailList,
  escalation_contact: escalationContact,
});
