// A partner's monthly returns: which exist, their status and deadline, submission, nil returns and
// amendments. Owns the transactions; every change writes its audit row and emails in the same one.
import type { Config } from '../config.js';
import type { Clock } from '../clock.js';
import type { Db, DbOrTrx } from '../db/database.js';
import type { DB, Organisation, RecordRow, ReturnRow, User } from '../db/types.js';
import type { Transaction } from 'kysely';
import {
  addMonths,
  canSubmitOn,
  deadlineOf,
  firstDayOf,
  isPeriod,
  lastDayOf,
  londonDateOf,
  periodOf,
  periodsBetween,
  type IsoDate,
  type Period,
} from '../domain/periods.js';
import { returnStatus, type ReturnStatus } from '../domain/status.js';
import { getSettings } from '../settings/settings.js';
import type { RecordContext } from '../records/schema.js';
import { findRecord, recordsOfReturn, submittedSnapshots } from '../records/repository.js';
import * as repo from './repository.js';
import { latestDuePeriod } from '../domain/compliance.js';
import { requestReopen } from './reopen-request.js';
import { reopenForAmendment } from './amendment.js';
import { signReturn, type ActionResult, type Signer } from './signing.js';
import { fail, type Result } from '../lib/result.js';
import type { AmendReason } from './amendment.js';

export interface ReturnSummary {
  period: Period;
  row: ReturnRow | undefined;
  status: ReturnStatus;
  deadline: IsoDate;
  recordCount: number;
  submittableFrom: IsoDate;
  locked: boolean;
}

export const RECORDS_PAGE_SIZE = 50;

export interface ReturnDetail extends ReturnSummary {
  organisation: Organisation;
  /** The records on this page of the return (RECORDS_PAGE_SIZE a page), as the page lists them. */
  records: repo.RecordListing[];
  totals: repo.RecordTotals;
  /** Each signed version of the return, newest first. */
  submissions: repo.Submission[];
  page: number;
  pages: number;
  /** Records can be added, changed or withdrawn. */
  editable: boolean;
  /** The month has ended, so the return can be submitted. */
  submittable: boolean;
  context: RecordContext;
}

const signerOf = (user: User): Signer => ({ id: user.id, email: user.email });

export type { ActionResult, Signer };

export class ReturnsService {
  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly clock: Clock,
  ) {}

  today(): IsoDate {
    return londonDateOf(this.clock.now());
  }

  async deadlineFor(period: Period, db: DbOrTrx = this.db): Promise<IsoDate> {
    return deadlineOf(period, (await getSettings(db)).deadlineWorkingDays);
  }

  /** Months the organisation makes returns for, up to and including this month, newest first. */
  periodsFor(organisation: Organisation): Period[] {
    const current = periodOf(this.today());
    const last =
      organisation.active_to && organisation.active_to < current ? organisation.active_to : current;
    if (organisation.active_from > last) return [];
    return periodsBetween(organisation.active_from, last);
  }

  private summarise(
    period: Period,
    row: ReturnRow | undefined,
    deadline: IsoDate,
    recordCount: number,
  ): ReturnSummary {
    return {
      period,
      row,
      deadline,
      recordCount,
      status: returnStatus({
        state: row?.state ?? null,
        submittedLate: row?.submitted_late ?? false,
        deadline,
        today: this.today(),
      }),
      submittableFrom: firstDayOf(addMonths(period, 1)),
      locked: !!row?.locked_at,
    };
  }

  async overview(organisation: Organisation): Promise<ReturnSummary[]> {
    const settings = await getSettings(this.db);
    const rows = new Map((await repo.returnsOf(this.db, organisation.id)).map((row) => [row.period, row]));
    const counts = await repo.recordCounts(this.db, organisation.id);
    return this.periodsFor(organisation).map((period) => {
      const row = rows.get(period);
      return this.summarise(
        period,
        row,
        deadlineOf(period, settings.deadlineWorkingDays),
        row ? (counts.get(row.id) ?? 0) : 0,
      );
    });
  }

  /** Asks CCSU to reopen a locked return (an email to them); only a locked return can be asked about. */
  async requestReopen(detail: ReturnDetail, user: User, reason: string) {
    if (!detail.locked) return 'not_locked' as const;
    return requestReopen(this.db, this.config, this.clock, {
      organisation: detail.organisation,
      period: detail.period,
      user,
      reason,
    });
  }

  /** Last month's return, when the organisation owes it and has not yet made it. */
  async owed(organisation: Organisation): Promise<Period | undefined> {
    const period = latestDuePeriod(this.today());
    if (!this.periodsFor(organisation).includes(period)) return undefined;
    const row = await repo.findReturn(this.db, organisation.id, period);
    return row && row.state !== 'in_progress' ? undefined : period;
  }

  /** One return, or undefined when the organisation has no return for that month. */
  async detail(organisation: Organisation, period: string, page = 1): Promise<ReturnDetail | undefined> {
    if (!isPeriod(period) || !this.periodsFor(organisation).includes(period)) return undefined;
    const row = await repo.findReturn(this.db, organisation.id, period);
    const load = (n: number) =>
      row
        ? repo.recordListing(this.db, row.id, n, RECORDS_PAGE_SIZE)
        : Promise.resolve({ records: [], totals: undefined });
    let found = await load(Math.max(1, page));
    if (!found.totals && page > 1) {
      // Past the last page (records were withdrawn meanwhile): show the last page there is.
      found = await load(1);
      const all = (found.totals?.active ?? 0) + (found.totals?.withdrawn ?? 0);
      const last = Math.max(1, Math.ceil(all / RECORDS_PAGE_SIZE));
      if (last > 1) found = { ...(await load(last)), totals: found.totals };
    }
    const { records } = found;
    const totals = found.totals ?? { active: 0, withdrawn: 0, incomplete: 0 };
    // Only a signed return has versions to list; most pages are of a return not yet signed.
    const submissions = row?.first_submitted_at ? await repo.submissionsOf(this.db, row.id) : [];
    const deadline = await this.deadlineFor(period);
    const pages = Math.max(1, Math.ceil((totals.active + totals.withdrawn) / RECORDS_PAGE_SIZE));
    const shown = Math.min(Math.max(1, page), pages);
    const summary = this.summarise(period, row, deadline, totals.active);
    return {
      ...summary,
      organisation,
      records,
      totals,
      submissions,
      page: shown,
      pages,
      editable: this.isEditable(row),
      submittable: canSubmitOn(period, this.today()),
      context: { today: this.today(), periodEnd: lastDayOf(period) },
    };
  }

  /** Every record of a return, whole (the submission API gives them all at once). */
  allRecords(returnId: number): Promise<RecordRow[]> {
    return recordsOfReturn(this.db, returnId);
  }

  /** The records on the detail's page, whole, for the check page. */
  wholeRecords(detail: ReturnDetail): Promise<RecordRow[]> {
    return detail.row
      ? repo.wholeRecordsPage(this.db, detail.row.id, detail.page, RECORDS_PAGE_SIZE)
      : Promise.resolve([]);
  }

  /** During an amendment: each record's answers as last submitted, to show what has changed. */
  submittedSnapshots(detail: ReturnDetail) {
    return detail.row?.state === 'reopened'
      ? submittedSnapshots(
          this.db,
          detail.records.map((r) => r.id),
        )
      : Promise.resolve(new Map<number, Record<string, unknown>>());
  }

  isEditable(row: ReturnRow | undefined): boolean {
    if (!row) return true;
    return !row.locked_at && (row.state === 'in_progress' || row.state === 'reopened');
  }

  /** One record of this return, or undefined (another return's or organisation's record is not found). */
  record(detail: ReturnDetail, id: number) {
    return detail.row
      ? findRecord(this.db, detail.organisation.id, detail.row.id, id)
      : Promise.resolve(undefined);
  }

  /** Submits the return with its records: every active record must be complete. */
  async submit(organisation: Organisation, period: string, signer: User | Signer): Promise<ActionResult> {
    return this.sign(organisation, period, 'role' in signer ? signerOf(signer) : signer, 'submit');
  }

  /** A signed nil return: the organisation learned of no deaths that month. */
  async nilReturn(
    organisation: Organisation,
    period: string,
    signer: User | Signer,
    discardDrafts?: number,
  ): Promise<ActionResult> {
    return this.sign(
      organisation,
      period,
      'role' in signer ? signerOf(signer) : signer,
      'nil',
      discardDrafts,
    );
  }

  /** The nil return inside the caller's transaction (a nil-return link is used up in the same one). */
  nilReturnIn(trx: Transaction<DB>, organisation: Organisation, period: string, signer: Signer) {
    return this.signIn(trx, organisation, period, signer, 'nil');
  }

  private sign(
    organisation: Organisation,
    period: string,
    user: Signer,
    kind: 'submit' | 'nil',
    discardDrafts?: number,
  ): Promise<ActionResult> {
    return this.db
      .transaction()
      .execute((trx) => this.signIn(trx, organisation, period, user, kind, discardDrafts));
  }

  private async signIn(
    trx: Transaction<DB>,
    organisation: Organisation,
    period: string,
    signer: Signer,
    kind: 'submit' | 'nil',
    discardDrafts?: number,
  ): Promise<ActionResult> {
    const detail = await this.detail(organisation, period);
    if (!detail) return fail('not_found');
    return signReturn(trx, this.clock.now(), this.today(), this.config.publicUrl, {
      organisation,
      period: detail.period,
      deadline: detail.deadline,
      signer,
      kind,
      discardDrafts,
    });
  }

  /** Reopens a submitted return for amendment, with the reason recorded. */
  async startAmendment(
    organisation: Organisation,
    period: string,
    user: User,
    reason: { code: string; text: string | null },
  ): Promise<Result<object, AmendReason>> {
    const detail = await this.detail(organisation, period);
    if (!detail) return fail('not_found');
    const now = this.clock.now();
    return this.db
      .transaction()
      .execute((trx) => reopenForAmendment(trx, now, { organisation, period, user, reason }));
  }

  /** The return row of an editable month, created and locked in `trx` (repository.ts: lockReturn). */
  async editableReturn(trx: DbOrTrx, organisation: Organisation, period: string, lock?: 'update' | 'share') {
    if (!isPeriod(period) || !this.periodsFor(organisation).includes(period)) return undefined;
    const row = await repo.lockReturn(trx, organisation.id, period, this.clock.now(), lock);
    return this.isEditable(row) ? row : undefined;
  }
}
