// CCSU's context data: the datasets and their loads; for each dataset its template, the file upload with
// its source and extraction date, the preview of a file (how it changes what is loaded) with confirm and
// cancel, and the history of loads.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { actorOf } from '../audit/audit.js';
import { screened } from '../domain/identifiers.js';
import { HttpError } from '../lib/http-error.js';
import { checkIdParams } from '../lib/ids.js';
import { dateParts, extractionDate, sourceField } from '../lib/form-fields.js';
import { streamCsv, toAsync } from '../lib/exports.js';
import { londonDateOf } from '../domain/periods.js';
import { currentUser, requireCcsu } from '../middleware/auth.js';
import { fileHasProblems, receiveOneFile, uploadedFile } from '../middleware/file-upload.js';
import { formOf, validate, validateNoFields, type FormErrors } from '../middleware/validation.js';
import type { Clock } from '../clock.js';
import { contextDatasets, columnsOf, datasetOf, periodHint, type ContextDataset } from './datasets.js';
import type { ContextService } from './service.js';
import { MAX_CONTEXT_ROWS } from './context-csv.js';

const loadSchema = (clock: Clock) =>
  z
    .object({
      source: sourceField(
        'Say where the figures come from',
        'East of England Ambulance Service, monthly extract',
      ),
      ...dateParts('extracted_on'),
      notes: z
        .string()
        .trim()
        .max(500, 'Notes must be 500 characters or fewer')
        .default('')
        .superRefine(screened('The notes')),
    })
    .transform((v, ctx) => {
      const date = extractionDate(v, londonDateOf(clock.now()), ctx);
      return date ? { source: v.source, extracted_on: date, notes: v.notes || null } : z.NEVER;
    });

const MAX_BYTES = 10 * 1024 * 1024;

export function contextRouter(context: ContextService, clock: Clock): Router {
  const router = Router();
  checkIdParams(router);
  router.use(requireCcsu);
  const schema = loadSchema(clock);

  const datasetFrom = (req: Request): ContextDataset => {
    const dataset = datasetOf(String(req.params.dataset));
    if (!dataset) throw new HttpError(404);
    return dataset;
  };

  router.get('/context', async (_req, res) => {
    res.render('context/list', {
      title: 'Context data',
      datasets: contextDatasets,
      overview: await context.overview(),
    });
  });

  const renderDataset = async (
    res: Response,
    dataset: ContextDataset,
    values: Record<string, unknown> = {},
    errors?: FormErrors,
    problems: string[] = [],
  ) =>
    res.render('context/dataset', {
      title: dataset.title,
      dataset,
      columns: columnsOf(dataset),
      periodHint: periodHint(dataset),
      maxRows: MAX_CONTEXT_ROWS,
      history: await context.history(dataset),
      values,
      errors,
      problems,
      backLink: '/ccsu/context',
    });

  router.get('/context/:dataset', (req, res) => renderDataset(res, datasetFrom(req)));

  router.get('/context/:dataset/template.csv', async (req, res) => {
    const dataset = datasetFrom(req);
    const [header, ...rows] = await context.template(dataset);
    await streamCsv(
      res,
      `${dataset.id}-template.csv`,
      header!.map((h, i) => ({ header: h, value: (row: string[]) => row[i] ?? null })),
      toAsync(rows),
    );
  });

  router.post(
    '/context/:dataset',
    receiveOneFile({ maxBytes: MAX_BYTES, fields: 8 }),
    validate(schema, (req, res, errors) =>
      renderDataset(res, datasetFrom(req), req.body as Record<string, unknown>, errors),
    ),
    async (req, res) => {
      const dataset = datasetFrom(req);
      const details = formOf(res, schema);
      const values = req.body as Record<string, unknown>;
      const { file, errors } = uploadedFile(
        req,
        res,
        `Select the CSV file of ${dataset.title.toLowerCase()}`,
      );
      if (errors) return renderDataset(res.status(400), dataset, values, errors);
      const result = await context.receive(dataset, file.buffer, details, actorOf(currentUser(req)));
      if (!result.ok)
        return renderDataset(res.status(400), dataset, values, fileHasProblems('loaded'), result.problems);
      res.redirect(`/ccsu/context/${dataset.id}/loads/${result.loadId}`);
    },
  );

  router.get('/context/:dataset/loads/:id', async (req, res) => {
    const dataset = datasetFrom(req);
    const load = await context.pending(dataset, Number(req.params.id));
    if (!load) {
      req.session.flash = 'That file has already been loaded or cancelled';
      return res.redirect(`/ccsu/context/${dataset.id}`);
    }
    res.render('context/preview', {
      title: `Check the ${dataset.title.toLowerCase()} before loading`,
      dataset,
      load,
      backLink: `/ccsu/context/${dataset.id}`,
    });
  });

  router.post('/context/:dataset/loads/:id/confirm', validateNoFields(), async (req, res) => {
    const dataset = datasetFrom(req);
    const result = await context.confirm(dataset, Number(req.params.id), actorOf(currentUser(req)));
    req.session.flash = result.ok
      ? `${dataset.title} loaded: ${result.rows.toLocaleString('en-GB')} figures`
      : 'That file has already been loaded or cancelled';
    res.redirect(`/ccsu/context/${dataset.id}`);
  });

  router.post('/context/:dataset/loads/:id/cancel', validateNoFields(), async (req, res) => {
    const dataset = datasetFrom(req);
    await context.cancel(dataset, Number(req.params.id));
    req.session.flash = 'The file was not loaded';
    res.redirect(`/ccsu/context/${dataset.id}`);
  });

  return router;
}
