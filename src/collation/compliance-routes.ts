// Who has returned: the compliance matrix, one organisation's history, non-submitters and downloads.
import { matrixStatus } from '../domain/compliance.js';
import { Router } from 'express';
import { actorOf, type ExportAudit } from '../audit/audit.js';
import { currentUser } from '../middleware/auth.js';
import { HttpError } from '../lib/http-error.js';
import { checkIdParams } from '../lib/ids.js';
import { isPeriod } from '../domain/periods.js';
import * as ref from '../domain/reference.js';
import { statusLabels } from '../domain/status.js';
import { rowsOf, streamCsv, streamXlsx, toAsync } from '../lib/exports.js';
import type { CollationService } from './service.js';
import { complianceColumns } from './export-columns.js';

export function complianceRouter(collation: CollationService, exportAudit: ExportAudit): Router {
  const router = Router();
  checkIdParams(router);

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
    await exportAudit.record(actorOf(currentUser(req)), 'non_submitters', {
      period: p,
      format: 'csv',
      rows: rows.length,
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

  for (const format of ['csv', 'xlsx'] as const)
    router.get(`/compliance.${format}`, async (req, res) => {
      const matrix = await collation.matrix({ months: 12 });
      await exportAudit.record(actorOf(currentUser(req)), 'compliance', { format });
      const rows = matrix.rows.flatMap((row) =>
        matrix.periods.flatMap((p, i) => {
          const cell = row.cells[i]!;
          if (!cell.status) return [];
          return [
            {
              organisation: row.organisation.name,
              type: ref.labelOf(ref.organisationTypes, row.organisation.type),
              period: p,
              status: matrixStatus({ status: cell.status, bucket: cell.bucket! }).label,
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

  return router;
}
