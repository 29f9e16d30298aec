// CCSU collation: who has returned (compliance matrix), every current record, versions and their
// differences, exports, and locking a month once it is collated.
import { longStream } from '../db/long-stream.js';
import { fail, type Result } from '../lib/result.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { Organisation } from '../db/types.js';
import { audit, type Actor } from '../audit/audit.js';
import { addMonths, deadlineOf, londonDateOf, periodsBetween, type Period } from '../domain/periods.js';
import type { ReturnStatus } from '../domain/status.js';
import {
  isActiveIn,
  isReceived,
  latestDuePeriod,
  monthCompliance,
  type ComplianceBucket,
} from '../domain/compliance.js';
import { getSettings } from '../settings/settings.js';
import {
  alertFilter,
  caseCountsByAreaMonth,
  collatedRecords,
  recordVersions,
  sortable,
  type RecordFilters,
  type SortKey,
} from './repository.js';
import * as repo from './repository.js';
import { diff } from '../records/diff.js';
import * as ref from '../domain/reference.js';

export const PAGE_SIZE = 50;

export interface MatrixCell {
  status: ReturnStatus | null; // null: the organisation made no return for that month (not yet active)
  /** How the return counts (the one compliance rule); null when no return was owed. */
  bucket: ComplianceBucket | null;
  deadline: string;
  submittedAt: Date | null;
  version: number;
  records: number;
  locked: boolean;
  reference: string | null;
}

export type ReopenResult = Result<object, 'not_found' | 'not_locked'>;

export class CollationService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  today() {
    return londonDateOf(this.clock.now());
  }

  latestDuePeriod(): Period {
    return latestDuePeriod(this.today());
  }

  /** A month's deadline, with the working days set by the admins. */
  async deadline(period: Period): Promise<string> {
    return deadlineOf(period, (await getSettings(this.db)).deadlineWorkingDays);
  }

  /** Organisations × months (newest first) with status, deadline, submission time, version and count. */
  async matrix(options: { months: number; type?: string; to?: Period; organisationId?: number }) {
    const to = options.to ?? this.latestDuePeriod();
    const periods = periodsBetween(addMonths(to, 1 - options.months), to);
    const settings = await getSettings(this.db);
    const organisations = await repo.organisationsFor(this.db, options);
    const rows = await repo.returnsWithRecordCounts(this.db, periods, options.organisationId);
    const byKey = new Map(rows.map((r) => [`${r.organisation_id}:${r.period}`, r]));
    const today = this.today();
    const cells = (organisation: Organisation): MatrixCell[] =>
      periods.map((period) => {
        const deadline = deadlineOf(period, settings.deadlineWorkingDays);
        const row = byKey.get(`${organisation.id}:${period}`);
        const month = isActiveIn(organisation, period)
          ? monthCompliance({
              state: row?.state ?? null,
              submittedLate: row?.submitted_late ?? false,
              deadline,
              today,
            })
          : null;
        return {
          status: month?.status ?? null,
          bucket: month?.bucket ?? null,
          deadline,
          submittedAt: row?.last_submitted_at ?? null,
          version: row?.current_version ?? 0,
          records: Number(row?.records ?? 0),
          locked: !!row?.locked_at,
          reference: row?.reference ?? null,
        };
      });
    return {
      periods,
      rows: organisations.map((organisation) => ({ organisation, cells: cells(organisation) })),
    };
  }

  /** Organisations that have not made a return for a month: the chase list. */
  async nonSubmitters(period: Period) {
    const { rows } = await this.matrix({ months: 1, to: period });
    return rows
      .filter((r) => r.cells[0]!.bucket !== null && !isReceived(r.cells[0]!.bucket))
      .map((r) => ({
        organisation: r.organisation,
        status: r.cells[0]!.status!,
        deadline: r.cells[0]!.deadline,
      }));
  }

  async recordsPage(filters: RecordFilters, page: number, sort: SortKey, direction: 'asc' | 'desc') {
    const base = collatedRecords(this.db, filters);
    const total = Number(
      (await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
    );
    const rows = await base
      .selectAll('records')
      .select(['organisations.name as organisation_name', 'returns.period'])
      .orderBy(sortable[sort], direction)
      .orderBy('records.id')
      .limit(PAGE_SIZE)
      .offset((page - 1) * PAGE_SIZE)
      .execute();
    return { total, rows, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)) };
  }

  /**
   * One row per case (de-duplicated death), described by its best-evidenced record, streamed.
   * DISTINCT ON picks, for each case, the record with the most advanced evidence, then coroner, then hospital.
   */
  exportCases() {
    return longStream(this.db, (db) => repo.bestRecordOfEachCase(db));
  }

  /** Cases by residence area × month of death for the `months` months to `to` (exact counts: CCSU only). */
  async caseCounts(months: number, to: Period = this.latestDuePeriod()) {
    const from = addMonths(to, 1 - months);
    const periods = periodsBetween(from, to).reverse(); // oldest first, as a time series reads
    const rows = await caseCountsByAreaMonth(this.db, from, to);
    const cell = new Map(rows.map((r) => [`${r.area}:${r.month}`, Number(r.cases)]));
    const areas = [...ref.areas.map(([code]) => code as string | null), null].filter(
      (area) => area !== null || rows.some((r) => r.area === null),
    );
    const table = areas.map((area) => ({
      area,
      counts: periods.map((p) => cell.get(`${area}:${p}`) ?? 0),
    }));
    return {
      periods,
      rows: table.map((r) => ({ ...r, total: r.counts.reduce((a, b) => a + b, 0) })),
      columnTotals: periods.map((_, i) => table.reduce((sum, r) => sum + r.counts[i]!, 0)),
      total: rows.reduce((sum, r) => sum + Number(r.cases), 0),
    };
  }

  /** The rows of an export, streamed from a cursor. */
  exportRows(filters: RecordFilters) {
    return longStream(this.db, (db) =>
      collatedRecords(db, filters)
        .selectAll('records')
        .select([
          'organisations.name as organisation_name',
          'organisations.code as organisation_code',
          'returns.period',
        ])
        .orderBy('returns.period')
        .orderBy('records.id'),
    );
  }

  alertFilter(id: number) {
    return alertFilter(this.db, id);
  }

  async record(recordId: number) {
    const record = await collatedRecords(this.db, {})
      .selectAll('records')
      .select(['organisations.name as organisation_name', 'returns.period', 'returns.current_version'])
      .where('records.id', '=', recordId)
      .executeTakeFirst();
    if (!record) return undefined;
    const versions = await recordVersions(this.db, recordId);
    const differences = versions.map((version, i) =>
      i === 0 ? [] : diff(versions[i - 1]!.snapshot, version.snapshot),
    );
    return { record, versions, differences };
  }

  /** Locks a month for every organisation: partners can no longer change it. */
  async lockPeriod(period: Period, actor: Actor): Promise<number> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const locked = await repo.lockReturnsOf(trx, period, now);
      await audit(trx, {
        actor,
        organisationId: null,
        action: 'period_locked',
        entity: 'period',
        entityId: period,
        detail: { returns: locked },
        at: now,
      });
      return locked;
    });
  }

  /**
   * Reopens one organisation's locked return so it can be amended, with the reason recorded; not_locked
   * when someone already has.
   */
  async reopen(organisationId: number, period: Period, reason: string, actor: Actor): Promise<ReopenResult> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      if (!(await repo.unlockReturn(trx, organisationId, period, now)))
        return fail((await repo.returnExists(trx, organisationId, period)) ? 'not_locked' : 'not_found');
      await audit(trx, {
        actor,
        organisationId,
        action: 'return_reopened',
        entity: 'return',
        entityId: `${organisationId}:${period}`,
        detail: { period, reason },
        at: now,
      });
      return { ok: true as const };
    });
  }
}
