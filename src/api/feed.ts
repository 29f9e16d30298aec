// The read-only feed for the partnership dashboard (Power BI, Excel "From web"): JSON or CSV, streamed
// and complete, authenticated by API tokens. `aggregates` tokens get counts through disclosure control;
// `records` tokens also get one row per case, without linkage keys.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import type { ApiTokenScope } from '../db/types.js';
import { rowsOf, streamCsv, streamJson, type Column } from '../lib/exports.js';
import { suppressCount, type DisclosureSettings } from '../domain/disclosure.js';
import { statusLabels } from '../domain/status.js';
import { readFilters } from '../dashboard/filters.js';
import { caseRowColumns, type DashboardService } from '../dashboard/service.js';
import type { ApiTokensService } from './tokens.js';
import type { AreasService } from '../areas/service.js';
import type { ContextService } from '../context/service.js';
import { datasetOf } from '../context/datasets.js';
import type { CoronersService } from '../coroners/service.js';
import { showCompleteness } from '../coroners/present.js';
import { tooFewMessage } from '../dashboard/filters.js';
import { addRatesFeed } from './feed-rates.js';

declare module 'express-serve-static-core' {
  interface Request {
    apiToken?: { id: number; scope: ApiTokenScope; name: string };
  }
}

const problem = (res: Response, status: number, message: string) =>
  res
    .status(status)
    .type('application/json')
    .send(JSON.stringify({ error: message }));

type Row = Record<string, unknown>;
const column = (header: string): Column<Row> => ({
  header,
  value: (r) => (r[header] ?? null) as string | number | null,
});

export function feedRouter(
  tokens: ApiTokensService,
  dashboard: DashboardService,
  areas: AreasService,
  context: ContextService,
  coroners: CoronersService,
  options: { minPerType: number; rateLimitStore: Store },
): Router {
  const { minPerType } = options;
  const router = Router();
  // 120 requests a minute for each client, counted in PostgreSQL (the store) across app instances.
  router.use(
    rateLimit({
      windowMs: 60_000,
      limit: 120,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      store: options.rateLimitStore,
    }),
  );
  router.use(async (req: Request, res: Response, next: NextFunction) => {
    const check = await tokens.check(req.get('authorization'));
    if (!check.ok) {
      res.set('WWW-Authenticate', 'Bearer realm="drd-return"');
      const why = {
        missing: 'Send an API token: Authorization: Bearer <token>',
        unknown: 'This API token is not recognised',
        revoked: 'This API token has been revoked',
        expired: 'This API token has expired',
      }[check.reason];
      problem(res, 401, why);
      return;
    }
    if (check.scope === 'submit') return problem(res, 403, 'A submission key cannot read the feed');
    req.apiToken = check;
    next();
  });

  /** The filters, or a 400 naming the bad ones. A good request is audited, like every export. */
  const filtersOr400 = async (req: Request, res: Response) => {
    const { filters, errors } = readFilters(req.query, dashboard.currentPeriod());
    // An aggregates token is what a partner could see: no filter that singles out one organisation.
    if (
      req.apiToken!.scope === 'aggregates' &&
      filters.organisationType &&
      !(await dashboard.typesForPartners(minPerType)).includes(filters.organisationType)
    )
      errors.push({ field: 'organisation_type', message: tooFewMessage(minPerType) });
    if (errors.length) {
      res.status(400).json({ error: 'The query is not valid', problems: errors });
      return null;
    }
    await tokens.recordRead(req.apiToken!, req.path, filters);
    return filters;
  };

  const send = async (
    req: Request,
    res: Response,
    name: string,
    columns: Column<Row>[],
    rows: AsyncIterable<Row>,
  ) => {
    const format = req.params.format;
    res.set('Cache-Control', 'no-store');
    if (format === 'csv') await streamCsv(res, `${name}.csv`, columns, rows);
    else await streamJson(res, columns, rows);
  };

  const formats = (req: Request, res: Response, next: NextFunction) => {
    if (req.params.format === 'json' || req.params.format === 'csv') next();
    else problem(res, 404, 'Ask for .json or .csv');
  };

  router.get('/aggregates/cases.:format', formats, async (req, res) => {
    const filters = await filtersOr400(req, res);
    if (!filters) return;
    const exact = req.apiToken!.scope === 'records';
    const disclosure: DisclosureSettings = await dashboard.disclosure();
    const columns = [
      'death_month',
      'residence_area',
      'residence_area_gss',
      'death_classification',
      'substance_group',
    ].map(column);
    columns.push({
      header: 'cases',
      value: (r) => (exact ? (r.cases as number) : String(suppressCount(r.cases as number, disclosure))),
    });
    await send(
      req,
      res,
      'cases-aggregates',
      columns,
      rowsOf(dashboard.caseAggregatesStream(filters)) as AsyncIterable<Row>,
    );
  });

  router.get('/aggregates/compliance.:format', formats, async (req, res) => {
    const filters = await filtersOr400(req, res);
    if (!filters) return;
    const { periods, rows } = await dashboard.complianceMatrix(filters);
    async function* flat(): AsyncIterable<Row> {
      for (const { organisation, cells } of rows)
        for (const [i, cell] of cells.entries())
          if (cell.status)
            yield {
              organisation: organisation.name,
              organisation_code: organisation.code,
              organisation_type: organisation.type,
              period: periods[i],
              status: cell.status,
              status_label: statusLabels[cell.status],
              // How the return counts (on_time, late, nil, nil_late, overdue, not_yet_due): the same rule
              // as the dashboard, the summary email and the scorecard.
              compliance: cell.bucket,
              deadline: cell.deadline,
              submitted_at: cell.submittedAt ? cell.submittedAt.toISOString() : null,
              version: cell.version,
            };
    }
    const columns = [
      'organisation',
      'organisation_code',
      'organisation_type',
      'period',
      'status',
      'status_label',
      'compliance',
      'deadline',
      'submitted_at',
      'version',
    ].map(column);
    await send(req, res, 'compliance', columns, flat());
  });

  router.get('/cases.:format', formats, async (req, res) => {
    if (req.apiToken!.scope !== 'records') {
      problem(res, 403, 'Case-level rows need a token with the records scope');
      return;
    }
    const filters = await filtersOr400(req, res);
    if (!filters) return;
    const columns = caseRowColumns.map(column);
    await send(req, res, 'cases', columns, rowsOf(dashboard.caseRowsStream(filters)) as AsyncIterable<Row>);
  });

  addRatesFeed(router, { dashboard, areas, formats, filtersOr400, send, column });

  // The areas with their GSS codes (for mapping) and populations: one row per area and year loaded.
  router.get('/areas.:format', formats, async (req, res) => {
    await tokens.recordRead(req.apiToken!, req.path, {});
    const { areas: list } = await areas.withPopulations();
    async function* flat(): AsyncIterable<Row> {
      for (const a of list) {
        const years = Object.keys(a.populations).map(Number);
        if (years.length === 0)
          yield { code: a.code, name: a.name, gss_code: a.gss_code, year: null, population: null };
        for (const year of years)
          yield { code: a.code, name: a.name, gss_code: a.gss_code, year, population: a.populations[year] };
      }
    }
    await send(req, res, 'areas', ['code', 'name', 'gss_code', 'year', 'population'].map(column), flat());
  });

  // A context dataset's figures (ambulance, hospital, ons) for the filters' months and area; an
  // aggregates token gets each count through disclosure control, as a partner would.
  router.get('/context/:dataset.:format', formats, async (req, res) => {
    const dataset = datasetOf(String(req.params.dataset));
    if (!dataset) return problem(res, 404, 'No such dataset: ambulance, hospital or ons');
    const filters = await filtersOr400(req, res);
    if (!filters) return;
    const exact = req.apiToken!.scope === 'records';
    const disclosure = await dashboard.disclosure();
    const columns = [
      'dataset',
      'area_code',
      'gss_code',
      'period_start',
      'period_months',
      'measure',
      'substance_group',
    ].map(column);
    columns.push(
      {
        header: 'count',
        value: (r) => (exact ? (r.count as number) : String(suppressCount(r.count as number, disclosure))),
      },
      ...['source', 'extracted_on', 'load_id'].map(column),
    );
    const range = { from: filters.from, to: filters.to, ...(filters.area ? { area: filters.area } : {}) };
    await send(
      req,
      res,
      `context-${dataset.id}`,
      columns,
      rowsOf(context.feedStream(dataset.id, range)) as AsyncIterable<Row>,
    );
  });

  // Completeness by year of death against the Coroners Audit, as the dashboard shows it to this scope.
  router.get('/completeness.:format', formats, async (req, res) => {
    await tokens.recordRead(req.apiToken!, req.path, {});
    const exact = req.apiToken!.scope === 'records';
    const years = showCompleteness(
      await coroners.completeness(),
      exact,
      await dashboard.disclosure(),
      await dashboard.typesForPartners(minPerType),
    );
    const columns = [
      'year',
      'confirmed_by_coroner',
      'reported_by_partners',
      'share_percent',
      'share_low_95',
      'share_high_95',
      'median_days_before_inquest',
      'partner_cases_not_confirmed',
      'estimated_total',
      'estimate_low_95',
      'estimate_high_95',
    ].map(column);
    async function* flat(): AsyncIterable<Row> {
      for (const y of years)
        yield {
          year: y.year,
          confirmed_by_coroner: String(y.confirmed),
          reported_by_partners: String(y.reported),
          share_percent: y.share === null ? null : String(y.share),
          share_low_95: y.shareInterval?.lower ?? null,
          share_high_95: y.shareInterval?.upper ?? null,
          median_days_before_inquest: y.medianDays,
          partner_cases_not_confirmed: String(y.notConfirmed),
          estimated_total: y.estimate === null ? null : String(y.estimate),
          estimate_low_95: y.low === null ? null : String(y.low),
          estimate_high_95: y.high === null ? null : String(y.high),
        };
    }
    await send(req, res, 'completeness', columns, flat());
  });

  router.use((_req: Request, res: Response) => problem(res, 404, 'No such feed: see the README'));
  // A failure after rows have gone out must not look like a complete file: the connection is cut.
  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    req.log?.error({ err }, 'feed failed');
    if (res.headersSent) res.destroy();
    else problem(res, 500, 'Sorry, the feed failed; try again later');
  });
  return router;
}
