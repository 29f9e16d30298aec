import { z } from 'zod';
import { amendmentReasons, codesOf, withdrawalReasons } from '../domain/reference.js';
import { screened } from '../domain/identifiers.js';

export const declarationSchema = z.object({
  declaration: z.literal('yes', { error: 'Select the box to confirm the declaration' }),
});

export const nilDeclarationSchema = z.object({
  declaration: z.literal('yes', { error: 'Select the box to confirm there were no deaths to report' }),
  /** How many draft deaths the page showed, to be withdrawn with the nil return. */
  drafts: z.coerce.number().int().min(0).max(100_000).optional(),
});

export const amendmentSchema = z
  .object({
    reason: z.enum(codesOf(amendmentReasons), { error: 'Select why you are amending this return' }),
    reason_text: z
      .string()
      .optional()
      .transform((v) => (v ?? '').trim())
      .pipe(
        z.string().max(200, 'Reason must be 200 characters or fewer').superRefine(screened('The reason')),
      ),
  })
  .refine((v) => v.reason !== 'other' || v.reason_text !== '', {
    path: ['reason_text'],
    message: 'Give the reason in a few words, without names or personal details',
  });

export const withdrawSchema = z.object({
  reason: z.enum(codesOf(withdrawalReasons), { error: 'Select why you are withdrawing this record' }),
});

export const startSchema = z.object({
  any_deaths: z.enum(['yes', 'no'], {
    error: 'Select yes if your organisation became aware of any deaths this month',
  }),
});

export const reopenRequestSchema = z.object({
  reason: z
    .string()
    .optional()
    .transform((v) => (v ?? '').trim())
    .pipe(z.string().max(200, 'Reason must be 200 characters or fewer').superRefine(screened('The reason'))),
});

/** A partner's answer to CCSU's question about a record: at the pages and through the API alike. */
export const queryAnswerSchema = z.object({
  answer: z
    .string({ error: 'Enter your answer' })
    .trim()
    .min(1, 'Enter your answer')
    .max(500, 'Answer must be 500 characters or fewer')
    .superRefine(screened('Your answer')),
});
