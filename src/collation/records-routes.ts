// The collated records: the filtered list, one record with its versions, questions to the partner,
// cases by area and month, and the record and case downloads.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { actorOf, type ExportAudit } from '../audit/audit.js';
import { currentUser } from '../middleware/auth.js';
import { formOf, validate, type FormErrors } from '../middleware/validation.js';
import { HttpError } from '../lib/http-error.js';
import { rowId, checkIdParams } from '../lib/ids.js';
import { isPeriod } from '../domain/periods.js';
import * as ref from '../domain/reference.js';
import { screened } from '../domain/identifiers.js';
import { fieldDefs } from '../records/fields.js';
import { groupedAnswers, labelOfName, shortLabel, showValue } from '../records/display.js';
import { streamCsv, streamXlsx } from '../lib/exports.js';
import type { OrganisationsService } from '../organisations/service.js';
import type { CollationService } from './service.js';
import type { QueriesService } from './queries.js';
import type { RecordFilters, SortKey } from './repository.js';
import { caseColumns, recordColumns } from './export-columns.js';

const period = z.string().refine(isPeriod).optional().catch(undefined);
const code = (list: readonly (readonly [string, ...unknown[]])[]) =>
  z.enum(ref.codesOf(list)).optional().catch(undefined);

/** Filters come from the query string: anything not understood is ignored rather than an error. */
const filtersSchema = z.object({
  period,
  death_month: period,
  area: code(ref.areas),
  classification: code(ref.deathClassifications),
  substance: code(ref.substances),
  evidence_stage: code(ref.evidenceStages),
  organisation: rowId().optional().catch(undefined),
  alert: rowId().optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(1_000_000).catch(1),
  sort: z.enum(['reported', 'death', 'organisation', 'reference']).catch('reported'),
  direction: z.enum(['asc', 'desc']).catch('desc'),
});

function filtersOf(req: Request) {
  const q = filtersSchema.parse(req.query);
  const filters: RecordFilters = {
    period: q.period,
    deathMonth: q.death_month,
    area: q.area,
    classification: q.classification,
    substance: q.substance,
    evidenceStage: q.evidence_stage,
    organisationId: q.organisation,
    alertId: q.alert,
  };
  return { q, filters };
}

export function collatedRecordsRouter(
  collation: CollationService,
  queries: QueriesService,
  organisations: OrganisationsService,
  exportAudit: ExportAudit,
): Router {
  const router = Router();
  checkIdParams(router);

  router.get('/records', async (req, res) => {
    const { q, filters } = filtersOf(req);
    const result = await collation.recordsPage(filters, q.page, q.sort as SortKey, q.direction);
    const organisationNames = (await organisations.list()).map((o) => ({ id: o.id, name: o.name }));
    const query = new URLSearchParams(
      Object.entries(req.query).filter(([k, v]) => k !== 'page' && typeof v === 'string' && v !== '') as [
        string,
        string,
      ][],
    );
    const alert = q.alert ? await collation.alertFilter(q.alert) : undefined;
    res.render('collation/records', {
      title: 'Collated records',
      result,
      q,
      organisations: organisationNames,
      alert: alert ?? null,
      query: query.toString(),
    });
  });

  for (const format of ['csv', 'xlsx'] as const)
    router.get(`/records.${format}`, async (req, res) => {
      const { filters } = filtersOf(req);
      await exportAudit.record(actorOf(currentUser(req)), 'records', { format, filters: { ...filters } });
      const rows = collation.exportRows(filters) as AsyncIterable<Record<string, unknown>>;
      if (format === 'csv') await streamCsv(res, 'drd-records.csv', recordColumns, rows);
      else await streamXlsx(res, 'drd-records.xlsx', 'Records', recordColumns, rows);
    });

  const querySchema = z.object({
    field: z.enum(fieldDefs.map((f) => f.name) as [string, ...string[]], {
      error: 'Select the field your question is about',
    }),
    question: z
      .string({ error: 'Enter your question' })
      .trim()
      .min(1, 'Enter your question')
      .max(500, 'Question must be 500 characters or fewer')
      .superRefine(screened('Your question')),
  });

  const renderRecord = async (req: Request, res: Response, errors?: FormErrors) => {
    const id = Number(req.params.id);
    const found = Number.isInteger(id) ? await collation.record(id) : undefined;
    if (!found) throw new HttpError(404);
    res.render('collation/record', {
      title: `Record ${found.record.partner_record_ref}`,
      ...found,
      labelFor: labelOfName,
      show: showValue,
      answers: found.versions.length ? groupedAnswers(found.versions.at(-1)!.snapshot) : [],
      queries: await queries.forRecord(id),
      fieldOptions: fieldDefs.map((f) => [f.name, shortLabel(f)]),
      errors,
      values: req.method === 'POST' ? req.body : {},
      backLink: '/ccsu/records',
    });
  };
  router.get('/records/:id', (req, res) => renderRecord(req, res));

  router.post(
    '/records/:id/queries',
    validate(querySchema, (req, res, errors) => renderRecord(req, res, errors)),
    async (req, res) => {
      const form = formOf(res, querySchema);
      const id = await queries.raise(Number(req.params.id), form.field, form.question, currentUser(req));
      if (!id) throw new HttpError(404);
      req.session.flash = 'Question sent to the partner';
      res.redirect(`/ccsu/records/${req.params.id}`);
    },
  );

  // Cases (de-duplicated deaths) by area and month of death: the figures every other count is built on.
  router.get('/cases', async (req, res) => {
    const counts = await collation.caseCounts(12);
    res.render('collation/cases', { title: 'Cases by area and month', counts });
  });

  for (const format of ['csv', 'xlsx'] as const)
    router.get(`/cases.${format}`, async (req, res) => {
      await exportAudit.record(actorOf(currentUser(req)), 'cases', { format });
      const rows = collation.exportCases() as AsyncIterable<Record<string, unknown>>;
      if (format === 'csv') await streamCsv(res, 'drd-cases.csv', caseColumns, rows);
      else await streamXlsx(res, 'drd-cases.xlsx', 'Cases', caseColumns, rows);
    });

  return router;
}
