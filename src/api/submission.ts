// The submission API (issue #26): a partner's own system makes its organisation's monthly return —
// lists and reads returns, creates, replaces and withdraws deaths, sets linkage identifiers (hashed at
// once, never stored), makes a nil return and submits — through the same services, rules and messages
// as the pages. A `submit` key acts for its own organisation only. Every write may carry an
// Idempotency-Key (api/idempotency.ts); every failure is a problem document (api/problems.ts).
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { Organisation } from '../db/types.js';
import type { OrganisationsService } from '../organisations/service.js';
import type { RecordsService } from '../returns/records-service.js';
import type { ReturnsService, Signer } from '../returns/service.js';
import { queryAnswerSchema, withdrawSchema } from '../returns/schemas.js';
import type { QueriesService } from '../collation/queries.js';
import { z } from 'zod';
import { anyObject, body } from './json-body.js';
import { checkIdParams } from '../lib/ids.js';
import type { PgRateLimitStore } from '../middleware/rate-limit-store.js';
import { idempotent, type Answer } from './idempotency.js';
import { problemOf, sendProblem } from './problems.js';
import {
  actorOf,
  invalid,
  problem,
  queryJson,
  recordJson,
  signReasons,
  summaryJson,
  type SubmitKey,
} from './submission-json.js';
import { signInput } from './submission-schemas.js';
import type { ApiTokensService } from './tokens.js';

const key = (res: Response) => res.locals.submitKey as SubmitKey;

export interface SubmissionDeps {
  db: Db;
  clock: Clock;
  tokens: ApiTokensService;
  organisations: OrganisationsService;
  returns: ReturnsService;
  records: RecordsService;
  queries: QueriesService;
  rateLimitStore: PgRateLimitStore;
  /** Keys the hashes of what each Idempotency-Key was used for. */
  secret: string;
}

export function submissionRouter(deps: SubmissionDeps): Router {
  const { db, clock, tokens, organisations, returns, records } = deps;
  const router = Router();
  router.use(express.json({ limit: '100kb', type: ['application/json', 'application/*+json'] }));
  router.use(
    rateLimit({
      windowMs: 60_000,
      limit: 3_000, // 50 a second from one source: a month's deaths in a minute, not a flood
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      store: deps.rateLimitStore,
      handler: (_req, res) => sendProblem(res, problemOf('rate-limited')),
    }),
  );
  // A key's organisation, read at most every 10 seconds: a system sends many requests in a row, and a
  // change to the organisation (its months, its name) may take that long to reach the API.
  const organisationsSeen = new Map<number, { at: number; organisation: Organisation | undefined }>();
  const organisationOf = async (id: number) => {
    const seen = organisationsSeen.get(id);
    // Real elapsed time, not the service's clock: this is a cache, not a business rule.
    if (seen && performance.now() - seen.at < 10_000) return seen.organisation;
    const organisation = await organisations.find(id);
    organisationsSeen.set(id, { at: performance.now(), organisation });
    return organisation;
  };
  router.use(async (req: Request, res: Response, next: NextFunction) => {
    const check = await tokens.check(req.get('authorization'));
    if (!check.ok) {
      res.set('WWW-Authenticate', 'Bearer realm="drd-return"');
      return sendProblem(res, problemOf('unauthorised', { detail: `The key is ${check.reason}` }));
    }
    if (check.scope !== 'submit' || check.organisationId === null)
      return sendProblem(res, problemOf('wrong-scope'));
    const organisation = await organisationOf(check.organisationId);
    if (!organisation) return sendProblem(res, problemOf('unauthorised', { detail: 'The key is unknown' }));
    res.locals.submitKey = { id: check.id, name: check.name, createdBy: check.createdBy, organisation };
    next();
  });

  /** A handler that answers JSON or a problem; writes go through the Idempotency-Key check. */
  const answer =
    (handler: (req: Request, k: SubmitKey) => Promise<Answer>, write = false) =>
    async (req: Request, res: Response) => {
      const k = key(res);
      const result = write
        ? await idempotent(db, clock, deps.secret, req, k.id, () => handler(req, k))
        : await handler(req, k);
      if (result.status >= 400) return sendProblem(res, result.body as ReturnType<typeof problemOf>);
      res.status(result.status).json(result.body);
    };

  // An :id that cannot be a row id is not found before any query runs (lib/ids.ts); the error handler
  // below answers it as a not-found problem.
  checkIdParams(router);
  const recordId = (req: Request) => Number(req.params.id);
  const sent = (req: Request) => (req.res!.locals.body ?? {}) as Record<string, unknown>;

  router.get(
    '/returns',
    answer(async (_req, k) => ({
      status: 200,
      body: { returns: (await returns.overview(k.organisation)).map(summaryJson) },
    })),
  );

  router.get(
    '/returns/:period',
    answer(async (req, k) => {
      const detail = await returns.detail(k.organisation, String(req.params.period));
      if (!detail) return problem('not-found');
      // Every record, whole (the pages list 50 at a time; a system wants them all).
      const all = detail.row ? await returns.allRecords(detail.row.id) : [];
      return {
        status: 200,
        body: {
          ...summaryJson(detail),
          editable: detail.editable,
          submittable: detail.submittable,
          withdrawn: detail.totals.withdrawn,
          incomplete: detail.totals.incomplete,
          records: all.map(recordJson),
          versions: detail.submissions.map((s) => ({
            version: s.version,
            kind: s.kind,
            signed_at: s.signed_at.toISOString(),
            deaths: s.record_count,
          })),
        },
      };
    }),
  );

  /** Creates (no id) or replaces a death: every answer at once, by the form's rules. */
  const saveRecord = async (req: Request, k: SubmitKey, id: number | undefined): Promise<Answer> => {
    const input = sent(req);
    const period = String(req.params.period);
    // A month the organisation makes a return for (no database needed to say so).
    if (!returns.periodsFor(k.organisation).includes(period)) return problem('not-found');
    const result = await records.saveRecord(k.organisation, period, id, input, actorOf(k));
    if (result.ok) return { status: id === undefined ? 201 : 200, body: recordJson(result.record) };
    if ('errors' in result) return invalid(result.errors);
    return id === undefined || (await records.find(k.organisation, period, id))
      ? problem('locked', { detail: 'This return cannot be changed now (locked or submitted)' })
      : problem('not-found', { detail: 'No such death in this return' });
  };

  router.post(
    '/returns/:period/records',
    anyObject,
    answer((req, k) => saveRecord(req, k, undefined), true),
  );

  router.put(
    '/returns/:period/records/:id',
    anyObject,
    answer((req, k) => saveRecord(req, k, recordId(req)), true),
  );

  router.post(
    '/returns/:period/records/:id/withdraw',
    body(withdrawSchema, () => 'Select why you are withdrawing this record: a code from WithdrawInput'),
    answer(async (req, k) => {
      const id = recordId(req);
      const { reason } = sent(req) as z.output<typeof withdrawSchema>;
      const period = String(req.params.period);
      const found = await records.find(k.organisation, period, id);
      if (!found) return problem('not-found', { detail: 'No such death in this return' });
      if (found.record_status === 'withdrawn') return { status: 200, body: recordJson(found) };
      // Withdrawn by someone else meanwhile ('unchanged') is as asked: the record is answered below.
      const result = await records.withdraw(k.organisation, period, found.id, reason, actorOf(k));
      if (!result.ok && result.reason === 'not_found')
        return problem('not-found', { detail: 'No such death in this return' });
      if (!result.ok && result.reason === 'return_closed')
        return problem('locked', { detail: 'This return cannot be changed now (locked or submitted)' });
      return { status: 200, body: recordJson((await records.find(k.organisation, period, found.id))!) };
    }, true),
  );

  router.put(
    '/returns/:period/records/:id/linkage',
    anyObject,
    answer(async (req, k) => {
      const id = recordId(req);
      const period = String(req.params.period);
      if (!(await records.find(k.organisation, period, id)))
        return problem('not-found', { detail: 'No such death in this return' });
      const result = await records.saveLinkage(k.organisation, period, id, sent(req), actorOf(k));
      if (result.ok) return { status: 200, body: recordJson(result.record) };
      if ('errors' in result) return invalid(result.errors);
      return problem('locked', { detail: 'This return cannot be changed now (locked or submitted)' });
    }, true),
  );

  router.get(
    '/returns/:period/queries',
    answer(async (req, k) => {
      const period = String(req.params.period);
      if (!returns.periodsFor(k.organisation).includes(period)) return problem('not-found');
      const all = await deps.queries.forOrganisation(k.organisation.id);
      return { status: 200, body: { queries: all.filter((q) => q.period === period).map(queryJson) } };
    }),
  );

  router.post(
    '/queries/:id/answer',
    body(
      queryAnswerSchema,
      () => 'Give an answer of up to 500 characters, without names or personal details',
    ),
    answer(async (req, k) => {
      const id = recordId(req);
      const { answer: text } = sent(req) as z.output<typeof queryAnswerSchema>;
      const result = await deps.queries.answer(id, k.organisation.id, text, actorOf(k));
      if (!result.ok)
        return problem('not-found', { detail: 'No open question with this id for your organisation' });
      const answered = await deps.queries.findForOrganisation(id, k.organisation.id);
      return { status: 200, body: queryJson(answered!) };
    }, true),
  );

  /** A nil return or a submission, signed by the key for the person who declares it. */
  const signBody = body(signInput, (field) =>
    field === 'declaration'
      ? 'Confirm the declaration: declaration must be true'
      : `Give the ${field} of the person making the declaration`,
  );
  const sign = (kind: 'nil' | 'submit') =>
    answer(async (req, k) => {
      const declared = sent(req) as z.output<typeof signInput>;
      const signer: Signer = {
        id: null,
        email: k.createdBy,
        via: `by the “${k.name}” key; declared by ${declared.name}, ${declared.role}`,
      };
      const period = String(req.params.period);
      const result =
        kind === 'nil'
          ? await returns.nilReturn(k.organisation, period, signer)
          : await returns.submit(k.organisation, period, signer);
      if (!result.ok) return problem(signReasons[result.reason] ?? 'invalid-request');
      return { status: 201, body: { reference: result.reference } };
    }, true);

  router.post('/returns/:period/nil', signBody, sign('nil'));
  router.post('/returns/:period/submit', signBody, sign('submit'));

  router.use((_req: Request, res: Response) =>
    sendProblem(res, problemOf('not-found', { detail: 'No such endpoint: see /api/v1/openapi.json' })),
  );
  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: number; type?: string }).status;
    if (status === 404) return sendProblem(res, problemOf('not-found'));
    if (status === 400 || status === 413)
      return sendProblem(
        res,
        problemOf('invalid-request', { detail: 'The body is not JSON this API can read' }),
      );
    res.locals.error = error; // logged by the request logger, never shown
    sendProblem(res, problemOf('server-error'));
  });
  return router;
}
