// Errors of the submission API as RFC 9457 problem details (application/problem+json): a type per kind
// of failure that a partner's system can switch on, a title a developer reads, and for a record the
// same messages the form shows, each with a JSON pointer to its field. Nothing the caller sent is echoed.
import type { Response } from 'express';
import { z } from 'zod';

/** Every kind of failure, with its status and title: the OpenAPI document lists them from here. */
export const problemTypes = {
  unauthorised: { status: 401, title: 'Send a valid submission key: Authorization: Bearer <key>' },
  'wrong-scope': { status: 403, title: 'This key cannot submit: ask for a key with the submit scope' },
  'not-found': { status: 404, title: 'No such return for your organisation' },
  'invalid-request': { status: 400, title: 'The request is not valid' },
  'too-early': { status: 409, title: 'The month has not ended yet, so its return cannot be signed' },
  'agreement-needed': {
    status: 409,
    title: 'Your organisation has not accepted the data-sharing agreement in force; your return lead can',
  },
  locked: { status: 409, title: 'This month is locked by the County Community Safety Unit' },
  'already-submitted': { status: 409, title: 'This return has already been submitted' },
  'has-records': { status: 409, title: 'This return has deaths in it, so it cannot be a nil return' },
  'no-records': { status: 409, title: 'This return has no deaths: make a nil return instead' },
  incomplete: {
    status: 422,
    title: 'Some deaths in this return still need answers before it can be submitted',
  },
  'idempotency-key-reused': {
    status: 409,
    title: 'This Idempotency-Key was already used with a different request',
  },
  'idempotency-key-in-flight': {
    status: 409,
    title: 'A request with this Idempotency-Key is still being processed: retry shortly',
  },
  'rate-limited': { status: 429, title: 'Too many requests: wait and retry (see Retry-After)' },
  'server-error': { status: 500, title: 'Sorry, something went wrong; retry later' },
} as const;

export type ProblemType = keyof typeof problemTypes;

export const problemSchema = z
  .object({
    type: z.string().describe('A URI naming the kind of failure: /api/v1/problems/<kind>'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z
      .array(
        z.object({
          pointer: z.string().describe('JSON pointer to the field, e.g. /age_at_death'),
          detail: z.string(),
        }),
      )
      .optional(),
  })
  .meta({ id: 'Problem' });

export type Problem = z.infer<typeof problemSchema>;

export function problemOf(
  kind: ProblemType,
  extra: { detail?: string; errors?: Problem['errors'] } = {},
): Problem {
  const { status, title } = problemTypes[kind];
  return { type: `/api/v1/problems/${kind}`, title, status, ...extra };
}

export function sendProblem(res: Response, problem: Problem): void {
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}
