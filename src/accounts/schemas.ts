import { z } from 'zod';
import { codesOf, roles } from '../domain/reference.js';
import { MIN_PASSWORD_LENGTH } from './secrets.js';
import { weakPasswordProblem } from './password-strength.js';

const email = z
  .string({ error: 'Enter an email address' })
  .trim()
  .min(1, 'Enter an email address')
  .max(254, 'Email address must be 254 characters or fewer')
  .pipe(z.email('Enter an email address in the correct format, like name@example.org'));

export const signInSchema = z.object({
  email,
  password: z.string({ error: 'Enter your password' }).min(1, 'Enter your password'),
});

export const forgotPasswordSchema = z.object({ email });

const newPassword = z
  .object({
    password: z
      .string({ error: 'Enter a password' })
      .min(1, 'Enter a password')
      .min(MIN_PASSWORD_LENGTH, `Password must be ${MIN_PASSWORD_LENGTH} characters or more`)
      .max(200, 'Password must be 200 characters or fewer')
      .superRefine((password, ctx) => {
        if (password.length < MIN_PASSWORD_LENGTH) return;
        const problem = weakPasswordProblem(password);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    confirm: z.string({ error: 'Enter the password again' }).min(1, 'Enter the password again'),
  })
  .refine((v) => v.password === v.confirm || v.confirm === '', {
    path: ['confirm'],
    message: 'Passwords do not match',
  });

export const setPasswordSchema = newPassword;

export const setupSchema = z.object({ email }).and(newPassword);

export const inviteUserSchema = z
  .object({
    email,
    role: z.enum(codesOf(roles), { error: 'Select a role' }),
    organisation_id: z
      .string()
      .optional()
      .transform((v) => (v && v !== '' ? Number(v) : null)),
  })
  .refine(
    (v) => v.role !== 'partner' || (v.organisation_id !== null && Number.isInteger(v.organisation_id)),
    {
      path: ['organisation_id'],
      message: 'Select the organisation this partner user works for',
    },
  )
  .transform((v) => ({ ...v, organisation_id: v.role === 'partner' ? v.organisation_id : null }));

/** A code from an authenticator app: 6 digits; spaces people copy from the app are allowed. */
export const securityCodeSchema = z.object({
  code: z
    .string({ error: 'Enter the code from your authenticator app' })
    .transform((v) => v.replace(/\s+/g, ''))
    .pipe(
      z
        .string()
        .min(1, 'Enter the code from your authenticator app')
        .regex(/^\d{6}$/, 'The code must be 6 digits'),
    ),
  remember: z.literal('yes').optional(),
});

export const recoveryCodeSchema = z.object({
  code: z
    .string({ error: 'Enter a recovery code' })
    .trim()
    .min(1, 'Enter a recovery code')
    .max(40, 'Enter a recovery code, like abcde-fghjk'),
});

/** A passkey's name, chosen by its owner to tell their devices apart ("Work laptop"). */
const passkeyName = z
  .string({ error: 'Enter a name for the passkey' })
  .trim()
  .min(1, 'Enter a name for the passkey')
  .max(60, 'Name must be 60 characters or fewer');

export const renamePasskeySchema = z.object({ name: passkeyName });

/** What the browser's WebAuthn call answered, sent as JSON in one form field by accounts' passkeys.js. */
const webauthnAnswer = z
  .string()
  .max(65_536)
  .transform((text, ctx): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'The passkey’s answer could not be read' });
      return z.NEVER;
    }
  });

export const passkeySignInSchema = z.object({ response: webauthnAnswer, returnTo: z.string().optional() });
export const newPasskeySchema = z.object({ response: webauthnAnswer, name: passkeyName.optional() });
