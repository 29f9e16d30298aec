// CCSU's Coroners Audit page: the template, loading a file, the loads, how inquests link to the cases,
// and the near matches for an analyst to decide (each decision reversible).
import * as ref from '../domain/reference.js';
import { Router, type Response } from 'express';
import { z } from 'zod';
import { actorOf } from '../audit/audit.js';
import { londonDateOf } from '../domain/periods.js';
import { HttpError } from '../lib/http-error.js';
import { dateParts, extractionDate, sourceField } from '../lib/form-fields.js';
import { streamCsv, toAsync } from '../lib/exports.js';
import { currentUser, requireCcsu } from '../middleware/auth.js';
import { fileHasProblems, receiveOneFile, uploadedFile } from '../middleware/file-upload.js';
import { formOf, validate, validateNoFields, type FormErrors } from '../middleware/validation.js';
import { checkIdParams, rowId } from '../lib/ids.js';
import type { Clock } from '../clock.js';
import { AUDIT_COLUMNS, auditTemplate } from './audit-csv.js';
import type { CoronersService } from './service.js';

const loadSchema = (clock: Clock) =>
  z
    .object({
      source: sourceField('Say where the audit comes from', 'Coroner’s office audit spreadsheet'),
      ...dateParts('extracted_on'),
    })
    .transform((v, ctx) => {
      const date = extractionDate(v, londonDateOf(clock.now()), ctx);
      return date ? { source: v.source, extracted_on: date } : z.NEVER;
    });

/** A page of the queue: a whole number from 1, else the first page. */
const pageNumber = z.coerce.number().int().min(1).max(100_000).catch(1);

const decisionSchema = z.object({
  inquest: rowId(),
  record: rowId(),
  same: z.enum(['yes', 'no']).optional(),
  /** The queue's page the decision was made on, to go back to. */
  page: pageNumber,
});

declare module 'express-session' {
  interface SessionData {
    /** A Coroners Audit decision just made, confirmed beside the queue. */
    decisionMade?: string;
  }
}

export function coronersRouter(coroners: CoronersService, clock: Clock): Router {
  const router = Router();
  checkIdParams(router);
  router.use('/coroners', requireCcsu);
  const schema = loadSchema(clock);

  /** Possible matches a page at a time: the page stays short however long the queue grows. */
  const QUEUE_PAGE = 10;
  const render = async (
    res: Response,
    values: Record<string, unknown> = {},
    errors?: FormErrors,
    problems: string[] = [],
    page = 1,
  ) => {
    const links = await coroners.links();
    const pages = Math.max(1, Math.ceil(links.queue.length / QUEUE_PAGE));
    const current = Math.min(page, pages);
    res.render('coroners/audit', {
      title: 'Coroners Audit',
      loads: await coroners.loads(),
      ...links,
      queueTotal: links.queue.length,
      queue: links.queue.slice((current - 1) * QUEUE_PAGE, current * QUEUE_PAGE),
      queuePage: { current, pages },
      decisionMade: res.locals.decisionMade,
      allowed: {
        conclusions: ref.inquestConclusions.map(([, label]) => label),
        sexes: ref.sexes.map(([, label]) => label),
        areas: ref.areas.map(([, label]) => label),
        substances: ref.substances
          .filter(([code]) => code !== 'other')
          .map(([code, label]) => `${label} (${code})`),
      },
      columns: AUDIT_COLUMNS,
      values,
      errors,
      problems,
    });
  };

  router.get('/coroners', (req, res) => {
    const page = pageNumber.parse(req.query.page);
    // A decision just made is confirmed beside the queue, where it was made (not at the top).
    if (req.session.decisionMade) {
      res.locals.decisionMade = req.session.decisionMade;
      delete req.session.decisionMade;
    }
    return render(res, {}, undefined, [], page);
  });

  router.get('/coroners/template.csv', async (_req, res) => {
    const [header, ...rows] = auditTemplate;
    await streamCsv(
      res,
      'coroners-audit-template.csv',
      header!.map((h, i) => ({ header: h, value: (row: string[]) => row[i] ?? null })),
      toAsync(rows),
    );
  });

  router.post(
    '/coroners',
    receiveOneFile({ maxBytes: 5 * 1024 * 1024, fields: 6 }),
    validate(schema, (req, res, errors) => render(res, req.body as Record<string, unknown>, errors)),
    async (req, res) => {
      const details = formOf(res, schema);
      const values = req.body as Record<string, unknown>;
      const { file, errors } = uploadedFile(req, res, 'Select the CSV file of the audit');
      if (errors) return render(res.status(400), values, errors);
      const result = await coroners.receive(file.buffer, details, actorOf(currentUser(req)));
      if (!result.ok) return render(res.status(400), values, fileHasProblems('loaded'), result.problems);
      res.redirect(`/ccsu/coroners/loads/${result.loadId}`);
    },
  );

  router.get('/coroners/loads/:id', async (req, res) => {
    const load = await coroners.pending(Number(req.params.id));
    if (!load) {
      req.session.flash = 'That file has already been loaded or cancelled';
      return res.redirect('/ccsu/coroners');
    }
    res.render('coroners/preview', {
      title: 'Check the audit before loading it',
      load,
      backLink: '/ccsu/coroners',
    });
  });

  router.post('/coroners/loads/:id/confirm', validateNoFields(), async (req, res) => {
    const result = await coroners.confirm(Number(req.params.id), actorOf(currentUser(req)));
    req.session.flash = result.ok
      ? `Coroners Audit loaded: ${result.added} inquests added, ${result.updated} updated, ${result.unchanged} unchanged`
      : 'That file has already been loaded or cancelled';
    res.redirect('/ccsu/coroners');
  });

  router.post('/coroners/loads/:id/cancel', validateNoFields(), async (req, res) => {
    await coroners.cancel(Number(req.params.id));
    req.session.flash = 'The audit file was not loaded';
    res.redirect('/ccsu/coroners');
  });

  const badDecision = () => {
    throw new HttpError(400);
  };
  router.post('/coroners/decisions', validate(decisionSchema, badDecision), async (req, res) => {
    const { inquest, record, same, page } = formOf(res, decisionSchema);
    if (!same) throw new HttpError(400);
    const result = await coroners.decide(inquest, record, same === 'yes', actorOf(currentUser(req)));
    if (!result.ok) throw new HttpError(404);
    req.session.decisionMade =
      same === 'yes'
        ? `Inquest ${result.inquestRef} linked to case ${result.caseId}: it now counts as reported`
        : `Inquest ${result.inquestRef} and case ${result.caseId} marked as not the same death`;
    res.redirect(`/ccsu/coroners?page=${page}#queue`);
  });

  router.post('/coroners/decisions/undo', validate(decisionSchema, badDecision), async (req, res) => {
    const { inquest, record } = formOf(res, decisionSchema);
    const result = await coroners.undo(inquest, record, actorOf(currentUser(req)));
    if (!result.ok) throw new HttpError(404);
    req.session.decisionMade = 'Decision undone: the pair is waiting for a decision again';
    res.redirect('/ccsu/coroners#queue');
  });

  return router;
}
