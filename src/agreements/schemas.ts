import { z } from 'zod';
import { screened } from '../domain/identifiers.js';
import { dateParts, isoDateFromParts, optionalHttpsLink } from '../lib/form-fields.js';

const text = (label: string, max: number) =>
  z
    .string({ error: `Enter the ${label}` })
    .trim()
    .min(1, `Enter the ${label}`)
    .max(max, `The ${label} must be ${max} characters or fewer`);

export const publishAgreementSchema = z
  .object({
    version: text('version', 20).regex(
      /^[\w.-]+$/,
      'Version must be letters, numbers, dots or dashes, like 2.1',
    ),
    title: text('title', 200),
    body: z.string().trim().max(20_000, 'The text must be 20,000 characters or fewer').default(''),
    link: optionalHttpsLink(),
    ...dateParts('effective_from'),
  })
  .refine((v) => v.body !== '' || v.link !== '', {
    path: ['body'],
    message: 'Enter the agreement’s text or a link to the signed document',
  })
  .transform((v, ctx) => {
    const date = isoDateFromParts(
      v['effective_from-day'],
      v['effective_from-month'],
      v['effective_from-year'],
    );
    if (!date) {
      ctx.addIssue({
        code: 'custom',
        path: ['effective_from'],
        message: 'Enter the date it takes effect, like 1 5 2026',
      });
      return z.NEVER;
    }
    return {
      version: v.version,
      title: v.title,
      body: v.body || null,
      link: v.link || null,
      effective_from: date,
    };
  });

export const acceptAgreementSchema = z.object({
  // The name of the member of staff who accepts: the one person's name this service keeps, by design.
  accepter_name: text('your full name', 120),
  job_title: text('job title', 120).superRefine(screened('Job title')),
  confirm: z.literal('yes', 'Confirm that you accept the agreement for your organisation'),
  /** The page that sent the lead here (a blocked return), to go back to once accepted. */
  return_to: z.string().optional(),
});
