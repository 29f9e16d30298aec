import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Db } from '../db/database.js';
import { audit } from '../audit/audit.js';
import { currentUser, requireAdmin, requireCcsu } from '../middleware/auth.js';
import { formOf, validate, type FormErrors } from '../middleware/validation.js';
import { HttpError } from '../lib/http-error.js';
import { isPeriod, formatPeriod } from '../domain/periods.js';
import * as ref from '../domain/reference.js';
import { statusLabels } from '../domain/status.js';
import { fieldDefs } from '../records/fields.js';
import { concernsLabel } from '../domain/early-warning.js';
import type { CollationService } from './service.js';
import type { QueriesService } from './queries.js';
import { rowsOf, streamCsv, streamXlsx, toAsync, type Column } from '../lib/exports.js';
import type { RecordFilters, SortKey } from './repository.js';
import { MAX_ID, checkIdParams } from '../lib/ids.js';
import { screened } from '../domain/identifiers.js';

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
  organisation: z.coerce.number().int().positive().max(MAX_ID).optional().catch(undefined),
  alert: z.coerce.number().int().positive().max(MAX_ID).optional().catch(undefined),
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

const recordColumns: Column<Record<string, unknown>>[] = [
  { header: 'organisation', value: (r) => r.organisation_name as string },
  { header: 'organisation_code', value: (r) => r.organisation_code as string },
  { header: 'return_period', value: (r) => r.period as string },
  { header: 'record_id', value: (r) => r.id as number },
  ...fieldDefs.flatMap((f): Column<Record<string, unknown>>[] => {
    const raw = (r: Record<string, unknown>) => {
      const v = r[f.name];
      return Array.isArray(v)
        ? v.join(';')
        : v === null || v === undefined
          ? null
          : typeof v === 'boolean'
            ? String(v)
            : (v as string | number);
    };
    if (f.kind !== 'code' && f.kind !== 'codes') return [{ header: f.name, value: raw }];
    const label = (r: Record<string, unknown>) => {
      const v = r[f.name];
      const codes = Array.isArray(v) ? v : v ? [v as string] : [];
      return codes.map((c) => ref.labelOf(f.options, c)).join('; ') || null;
    };
    return [
      { header: f.name, value: raw },
      { header: `${f.name}_label`, value: label },
    ];
  }),
  { header: 'record_status', value: (r) => r.record_status as string },
  { header: 'has_nhs_key', value: (r) => (r.match_key_nhs ? 'yes' : 'no') },
  { header: 'has_demographic_key', value: (r) => (r.match_key_demo ? 'yes' : 'no') },
];

export function collationRouter(collation: CollationService, queries: QueriesService, db: Db): Router {
  const router = Router();
  checkIdParams(router);
  router.use(requireCcsu);

  const actorOf = (req: Request) => ({ userId: currentUser(req).id, label: currentUser(req).email });

  router.get('/compliance', async (req, res) => {
    const type = ref.codesOf(ref.organisationTypes).find((t) => t === req.query.type);
    const matrix = await collation.matrix({ months: 12, type });
    res.render('collation/compliance', {
      title: 'Compliance',
      matrix,
      type,
      statusLabels,
      latest: collation.latestDuePeriod(),
    });
  });

  // One organisation's history: two years of returns, newest first, with references and reopen links.
  router.get('/compliance/organisations/:id', async (req, res) => {
    const { rows, periods } = await collation.matrix({
      months: 24,
      organisationId: Number(req.params.id) || -1,
    });
    const row = rows[0];
    if (!row) throw new HttpError(404);
    const history = periods
      .map((period, i) => ({ period, ...row.cells[i]! }))
      .filter((h) => h.status !== null)
      .reverse();
    res.render('collation/organisation', {
      title: `${row.organisation.name}: returns`,
      organisation: row.organisation,
      history,
      statusLabels,
      backLink: '/ccsu/compliance',
    });
  });

  router.get('/compliance/non-submitters.csv', async (req, res) => {
    const p = isPeriod(String(req.query.period)) ? String(req.query.period) : collation.latestDuePeriod();
    const rows = await collation.nonSubmitters(p);
    await audit(db, {
      actor: actorOf(req),
      organisationId: null,
      action: 'export',
      entity: 'non_submitters',
      detail: { period: p, format: 'csv', rows: rows.length },
      at: new Date(),
    });
    await streamCsv(
      res,
      `non-submitters-${p}.csv`,
      [
        { header: 'organisation', value: (r) => r.organisation.name },
        { header: 'type', value: (r) => ref.labelOf(ref.organisationTypes, r.organisation.type) },
        { header: 'status', value: (r) => statusLabels[r.status] },
        { header: 'deadline', value: (r) => r.deadline },
        { header: 'return_contacts', value: (r) => r.organisation.return_contacts.join('; ') },
        { header: 'escalation_contact', value: (r) => r.organisation.escalation_contact },
      ],
      rowsOf(toAsync(rows)),
    );
  });

  router.get('/records', async (req, res) => {
    const { q, filters } = filtersOf(req);
    const result = await collation.recordsPage(filters, q.page, q.sort as SortKey, q.direction);
    const organisations = await db
      .selectFrom('organisations')
      .select(['id', 'name'])
      .orderBy('name')
      .execute();
    const query = new URLSearchParams(
      Object.entries(req.query).filter(([k, v]) => k !== 'page' && typeof v === 'string' && v !== '') as [
        string,
        string,
      ][],
    );
    const alert = q.alert
      ? await db.selectFrom('alerts').select(['id', 'concern']).where('id', '=', q.alert).executeTakeFirst()
      : undefined;
    res.render('collation/records', {
      title: 'Collated records',
      result,
      q,
      organisations,
      alert: alert ? { id: alert.id, concerns: concernsLabel(alert.concern.split(',')) } : null,
      query: query.toString(),
    });
  });

  for (const format of ['csv', 'xlsx'] as const)
    router.get(`/records.${format}`, async (req, res) => {
      const { filters } = filtersOf(req);
      await audit(db, {
        actor: actorOf(req),
        organisationId: null,
        action: 'export',
        entity: 'records',
        detail: { format, filters: { ...filters } },
        at: new Date(),
      });
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
    const labelFor = (name: string) =>
      fieldDefs.find((f) => f.name === name)?.label.replace(' (optional)', '') ?? name.replace(/_/g, ' ');
    // Codes are shown by their labels; keys only as whether they are present.
    const show = (name: string, value: unknown): string => {
      if (
        value === null ||
        value === undefined ||
        value === '' ||
        (Array.isArray(value) && value.length === 0)
      )
        return 'Not entered';
      const def = fieldDefs.find((f) => f.name === name);
      const options =
        def && 'options' in def
          ? def.options
          : name === 'withdrawn_reason'
            ? ref.withdrawalReasons
            : undefined;
      const values: unknown[] = Array.isArray(value) ? value : [value];
      return values
        .map((v) =>
          options ? ref.labelOf(options, String(v)) : typeof v === 'boolean' ? (v ? 'Yes' : 'No') : String(v),
        )
        .join(', ');
    };
    res.render('collation/record', {
      title: `Record ${found.record.partner_record_ref}`,
      ...found,
      labelFor,
      show,
      queries: await queries.forRecord(id),
      fieldOptions: fieldDefs.map((f) => [f.name, f.label.replace(' (optional)', '')]),
      errors,
      values: req.method === 'POST' ? req.body : {},
      backLink: '/ccsu/records',
    });
  };
  router.get('/records/:id', (req, res) => renderRecord(req, res));

  const caseColumns: Column<Record<string, unknown>>[] = [
    { header: 'case_id', value: (r) => r.case_id as number },
    { header: 'source_records', value: (r) => Number(r.source_records) },
    { header: 'first_reported', value: (r) => r.first_reported as string },
    { header: 'date_of_death', value: (r) => r.date_of_death as string },
    { header: 'residence_area', value: (r) => r.residence_area as string },
    { header: 'residence_area_label', value: (r) => ref.labelOf(ref.areas, r.residence_area as string) },
    { header: 'death_classification', value: (r) => r.death_classification as string },
    { header: 'evidence_stage', value: (r) => r.evidence_stage as string },
    { header: 'substances', value: (r) => (r.substances as string[]).join(';') },
    { header: 'age_at_death', value: (r) => r.age_at_death as number | null },
    { header: 'sex', value: (r) => r.sex as string },
    { header: 'best_evidenced_source', value: (r) => r.best_source as string },
  ];
  const complianceColumns: Column<{
    organisation: string;
    type: string;
    period: string;
    status: string;
    deadline: string;
    submitted: string;
    version: number;
    records: number;
  }>[] = [
    { header: 'organisation', value: (r) => r.organisation },
    { header: 'type', value: (r) => r.type },
    { header: 'period', value: (r) => r.period },
    { header: 'status', value: (r) => r.status },
    { header: 'deadline', value: (r) => r.deadline },
    { header: 'submitted_at', value: (r) => r.submitted },
    { header: 'version', value: (r) => r.version },
    { header: 'records', value: (r) => r.records },
  ];

  for (const format of ['csv', 'xlsx'] as const) {
    router.get(`/cases.${format}`, async (req, res) => {
      await audit(db, {
        actor: actorOf(req),
        organisationId: null,
        action: 'export',
        entity: 'cases',
        detail: { format },
        at: new Date(),
      });
      const rows = collation.exportCases() as AsyncIterable<Record<string, unknown>>;
      if (format === 'csv') await streamCsv(res, 'drd-cases.csv', caseColumns, rows);
      else await streamXlsx(res, 'drd-cases.xlsx', 'Cases', caseColumns, rows);
    });
    router.get(`/compliance.${format}`, async (req, res) => {
      const matrix = await collation.matrix({ months: 12 });
      await audit(db, {
        actor: actorOf(req),
        organisationId: null,
        action: 'export',
        entity: 'compliance',
        detail: { format },
        at: new Date(),
      });
      const rows = matrix.rows.flatMap((row) =>
        matrix.periods.flatMap((p, i) => {
          const cell = row.cells[i]!;
          if (!cell.status) return [];
          return [
            {
              organisation: row.organisation.name,
              type: ref.labelOf(ref.organisationTypes, row.organisation.type),
              period: p,
              status: statusLabels[cell.status],
              deadline: cell.deadline,
              submitted: cell.submittedAt ? cell.submittedAt.toISOString() : '',
              version: cell.version,
              records: cell.records,
            },
          ];
        }),
      );
      if (format === 'csv') await streamCsv(res, 'drd-compliance.csv', complianceColumns, toAsync(rows));
      else await streamXlsx(res, 'drd-compliance.xlsx', 'Compliance', complianceColumns, toAsync(rows));
    });
  }

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

  router.get('/queries', async (_req, res) => {
    res.render('collation/queries', { title: 'Data-quality queries', queries: await queries.forCcsu() });
  });

  router.post('/queries/:id/close', async (req, res) => {
    if (!(await queries.close(Number(req.params.id), currentUser(req)))) throw new HttpError(409);
    req.session.flash = 'Query closed';
    res.redirect('/ccsu/queries');
  });

  // Cases (de-duplicated deaths) by area and month of death: the figures every other count is built on.
  router.get('/cases', async (req, res) => {
    const counts = await collation.caseCounts(12);
    res.render('collation/cases', { title: 'Cases by area and month', counts });
  });

  // Locking a collated month, and reopening one organisation's return: administrators only.
  router.post('/periods/:period/lock', requireAdmin, async (req, res) => {
    const p = String(req.params.period);
    if (!isPeriod(p) || p > collation.latestDuePeriod()) throw new HttpError(400);
    const n = await collation.lockPeriod(p, actorOf(req));
    req.session.flash = `${formatPeriod(p)} is locked (${n} return${n === 1 ? '' : 's'})`;
    res.redirect(`/ccsu?period=${p}`);
  });

  const reopenSchema = z.object({
    reason: z
      .string({ error: 'Give the reason for reopening' })
      .trim()
      .min(1, 'Give the reason for reopening')
      .max(200, 'Reason must be 200 characters or fewer')
      .superRefine(screened('The reason')),
  });
  const renderReopen = async (req: Request, res: Response, errors?: FormErrors) => {
    const organisation = await db
      .selectFrom('organisations')
      .selectAll()
      .where('id', '=', Number(req.params.organisationId))
      .executeTakeFirst();
    if (!organisation || !isPeriod(String(req.params.period))) throw new HttpError(404);
    res.render('collation/reopen', {
      title: `Reopen ${organisation.name}’s ${formatPeriod(String(req.params.period))} return`,
      organisation,
      period: req.params.period,
      errors,
      values: req.body ?? {},
      backLink: `/ccsu?period=${req.params.period}`,
    });
  };
  router.get('/returns/:organisationId/:period/reopen', requireAdmin, (req, res) => renderReopen(req, res));
  router.post(
    '/returns/:organisationId/:period/reopen',
    requireAdmin,
    validate(reopenSchema, (req, res, errors) => renderReopen(req, res, errors)),
    async (req, res) => {
      const ok = await collation.reopen(
        Number(req.params.organisationId),
        String(req.params.period),
        formOf(res, reopenSchema).reason,
        actorOf(req),
      );
      if (!ok) throw new HttpError(404);
      req.session.flash = 'The return is reopened: the partner can now amend it';
      res.redirect(`/ccsu?period=${req.params.period}`);
    },
  );

  return router;
}
