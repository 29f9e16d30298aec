import { z } from 'zod';
import { codesOf, districts, organisationTypes } from '../domain/reference.js';

const emailList = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(/[\s,;]+/)
      .map((e) => e.trim().toLowerCase())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(z.email('Each return contact must be an email address, like name@example.org'))
      .min(1, 'Enter at least one return contact email address')
      .max(20, 'Enter 20 return contacts or fewer'),
  );

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

/** The organisation form: one schema for create and edit. */
export const organisationSchema = z
  .object({
    name: z.string().trim().min(1, 'Enter the organisation’s name').max(120, 'Name must be 120 characters or fewer'),
    code: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2,8}$/, 'Short code must be 2 to 8 letters, like HCT. It appears in return references'),
    type: z.enum(codesOf(organisationTypes), { error: 'Select the type of organisation' }),
    areas: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
      .pipe(z.array(z.enum(codesOf(districts))).min(1, 'Select at least one area the organisation covers')),
    return_contacts: emailList,
    escalation_contact: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.email('Enter the escalation contact’s email address, like name@example.org')),
    'active_from-month': z.unknown(),
    'active_from-year': z.unknown(),
    'active_to-month': z.unknown(),
    'active_to-year': z.unknown(),
  })
  .transform((v, ctx) => {
    const activeFrom = parseMonth(v['active_from-month'], v['active_from-year']);
    const activeTo = parseMonth(v['active_to-month'], v['active_to-year']);
    if (activeFrom === null)
      ctx.addIssue({ code: 'custom', path: ['active_from'], message: 'Enter the first month the organisation makes returns for' });
    if (activeFrom === 'invalid')
      ctx.addIssue({ code: 'custom', path: ['active_from'], message: 'Active from must be a real month, like 4 2026' });
    if (activeTo === 'invalid')
      ctx.addIssue({ code: 'custom', path: ['active_to'], message: 'Active to must be a real month, like 3 2027' });
    if (typeof activeFrom === 'string' && typeof activeTo === 'string' && activeTo < activeFrom)
      ctx.addIssue({ code: 'custom', path: ['active_to'], message: 'Active to must be the same as or after active from' });
    return {
      name: v.name,
      code: v.code,
      type: v.type,
      areas: v.areas,
      return_contacts: v.return_contacts,
      escalation_contact: v.escalation_contact,
      active_from: activeFrom as string,
      active_to: activeTo === 'invalid' ? null : activeTo,
    };
  });

export type OrganisationInput = z.output<typeof organisationSchema>;
