// Bulk upload: a file becomes a preview (validated rows staged in PostgreSQL, problems listed), and a
// confirm applies every staged row in one transaction or none. The file itself is never kept: it is read
// from memory, and only the records it describes (with linkage keys, never identifiers) are staged.
import { longStream } from '../db/long-stream.js';
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Organisation, UploadCounts, User } from '../db/types.js';
import { actorOf, audit } from '../audit/audit.js';
import { lastDayOf, londonDateOf } from '../domain/periods.js';
import type { ReturnsService } from '../returns/service.js';
import { recordSchema } from '../records/schema.js';
import { openTable, UploadFileError, type SheetRow } from '../lib/spreadsheet.js';
import { beforeDeadline, withinBudget, type BudgetLimits } from '../lib/read-budget.js';
import { Gate } from '../lib/gate.js';
import { checkHeader, processRow, referenceOf, type RowContext } from './rows.js';
import { BATCH, StagedRows } from './staging.js';
import * as repo from './repository.js';
import { existingRecords, fingerprint } from './repository.js';
import { fail, type Result } from '../lib/result.js';

export const ERRORS_PAGE_SIZE = 25;

export type PreviewResult =
  { ok: true; uploadId: number } | { ok: false; message: string } | { ok: false; notEditable: true };

export type ConfirmFailure =
  'not_found' | 'already_confirmed' | 'expired' | 'has_errors' | 'changed' | 'not_editable';

export type ConfirmResult = Result<{ counts: UploadCounts }, ConfirmFailure>;

export class UploadsService {
  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly clock: Clock,
    private readonly returns: ReturnsService,
  ) {
    this.gate = new Gate(config.uploads.atOnce);
  }

  private readonly gate: Gate;

  async preview(
    organisation: Organisation,
    period: string,
    user: User,
    file: { name: string; buffer: Buffer },
  ): Promise<PreviewResult> {
    const editable = await this.db
      .transaction()
      .execute((trx) => this.returns.editableReturn(trx, organisation, period));
    if (!editable) return { ok: false, notEditable: true };
    const budget = { maxRows: this.config.uploads.maxRows, maxMs: this.config.uploads.maxMs };
    try {
      return await this.gate.run(() => this.stage(organisation, period, user, file, editable.id, budget));
    } catch (error) {
      if (error instanceof UploadFileError) return { ok: false, message: error.message };
      throw error;
    }
  }

  private async stage(
    organisation: Organisation,
    period: string,
    user: User,
    file: { name: string; buffer: Buffer },
    returnId: number,
    budget: BudgetLimits,
  ): Promise<PreviewResult> {
    const now = this.clock.now();
    const today = londonDateOf(now);
    {
      const table = await beforeDeadline(
        openTable(file.buffer, { ...this.config.uploads, maxLines: this.config.uploads.maxRows + 1 }),
        budget.maxMs,
      );
      const header = checkHeader(table.header);
      if (!header.ok) return { ok: false, message: header.message };
      const ctx: RowContext = {
        map: header.map,
        schema: recordSchema({ today, periodEnd: lastDayOf(period) }, 'complete'),
        today,
        period,
        secret: this.config.linkageSecret,
        existing: new Map(),
        seen: new Map(),
      };
      const records = await fingerprint(this.db, organisation.id);
      // Staged in one transaction: a file that fails half way leaves no preview behind.
      const uploadId = await this.db.transaction().execute(async (trx) => {
        const upload = await repo.insertUpload(trx, {
          organisation_id: organisation.id,
          period,
          user_id: user.id,
          file_name: file.name.slice(0, 200),
          file_sha256: createHash('sha256').update(file.buffer).digest('hex'),
          counts: JSON.stringify({}),
          records_fingerprint: records,
          created_at: now,
          expires_at: new Date(now.getTime() + this.config.uploads.previewMinutes * 60_000),
        });
        const staged = new StagedRows(trx, upload.id);
        const check = (row: SheetRow) => staged.add(row.number, processRow(row.cells, row.number, ctx));
        // Rows are checked a batch at a time, with the saved records of just that batch's references, so
        // memory does not grow with the file or with how many records the organisation already has.
        let batch: SheetRow[] = [];
        const checkBatch = async () => {
          ctx.existing = await existingRecords(this.db, organisation.id, [
            ...new Set(batch.map((row) => referenceOf(row.cells, ctx.map)).filter(Boolean)),
          ]);
          for (const row of batch) check(row);
          batch = [];
          await staged.flush(false);
        };
        for await (const row of withinBudget(table.rows, budget)) {
          batch.push(row);
          if (batch.length >= BATCH) await checkBatch();
        }
        await checkBatch();
        await staged.flush(true);
        const counts = staged.counts;
        if (counts.rows === 0)
          throw new UploadFileError('The file has no rows of records under the header row');
        await repo.setUploadCounts(trx, upload.id, counts, staged.summary());
        await audit(trx, {
          actor: actorOf(user),
          organisationId: organisation.id,
          action: 'upload_previewed',
          entity: 'return',
          entityId: returnId,
          detail: { period, file_name: file.name.slice(0, 200), upload: upload.id, counts: { ...counts } },
          at: now,
        });
        return upload.id;
      });
      return { ok: true, uploadId };
    }
  }

  /** An organisation's own upload (a partner never sees another's). */
  find(organisation: Organisation, period: string, id: number) {
    return repo.findUpload(this.db, organisation.id, period, id);
  }

  /** Rows with problems, a page at a time, each with all its problems. */
  async problemRows(uploadId: number, page: number) {
    const rowNumbers = await repo.problemRowNumbers(
      this.db,
      uploadId,
      ERRORS_PAGE_SIZE,
      (page - 1) * ERRORS_PAGE_SIZE,
    );
    if (!rowNumbers.length) return [];
    const problems = await repo.problemsOfRows(
      this.db,
      uploadId,
      rowNumbers.map((r) => r.row_number),
    );
    return rowNumbers.map(({ row_number }) => ({
      row: row_number,
      problems: problems.filter((p) => p.row_number === row_number),
    }));
  }

  /** Every problem, streamed, for the downloadable report. */
  allProblems(uploadId: number) {
    return longStream(this.db, (db) => repo.problemsInOrder(db, uploadId), 1000);
  }

  async confirm(organisation: Organisation, period: string, id: number, user: User): Promise<ConfirmResult> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      // The row lock makes a double click (or two tabs) wait here and then find the upload confirmed.
      const upload = await repo.findUpload(trx, organisation.id, period, id, { lock: true });
      if (!upload) return fail('not_found');
      if (upload.status === 'confirmed') return fail('already_confirmed');
      if (upload.status === 'expired' || upload.expires_at <= now) return fail('expired');
      if (upload.counts.errors > 0) return fail('has_errors');
      const ret = await this.returns.editableReturn(trx, organisation, period);
      if (!ret) return fail('not_editable');
      if ((await fingerprint(trx, organisation.id)) !== upload.records_fingerprint) return fail('changed');

      await repo.applyStagedRows(trx, {
        uploadId: id,
        organisationId: organisation.id,
        returnId: ret.id,
        now,
      });
      await audit(trx, {
        actor: actorOf(user),
        organisationId: organisation.id,
        action: 'upload_confirmed',
        entity: 'return',
        entityId: ret.id,
        detail: { period, file_name: upload.file_name, upload: id, counts: { ...upload.counts } },
        at: now,
      });
      return { ok: true as const, counts: upload.counts };
    });
  }

  /** Scheduled: previews left unconfirmed are forgotten (their staged rows and problems deleted). */
  async expire(): Promise<number> {
    const now = this.clock.now();
    const ids = await repo.expireUploads(this.db, now);
    return ids.length;
  }
}
