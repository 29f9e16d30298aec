// A preview's checked rows on their way into upload_rows and upload_errors, a batch at a time, with
// the counts and the grouped problem summary the preview page shows.
import type { Transaction } from 'kysely';
import type { DB, UploadCounts } from '../db/types.js';
import { insertRowProblems, insertStagedRows } from './repository.js';
import type { Insertable } from 'kysely';
import type { UploadRowsTable } from '../db/types.js';
import type { RowOutcome } from './rows.js';

/** Rows per statement, and rows checked against the saved records per lookup. */
export const BATCH = 1000;
/** Six values a problem: 5,000 problems a statement is 30,000 parameters. */
const ERRORS_PER_INSERT = 5_000;

export class StagedRows {
  readonly counts: UploadCounts = {
    rows: 0,
    new: 0,
    updated: 0,
    unchanged: 0,
    withdrawn: 0,
    errors: 0,
    errorRows: 0,
  };
  private readonly groups = new Map<string, { field: string; message: string; rows: number }>();
  private rowBatch: Insertable<UploadRowsTable>[] = [];
  private errorBatch: {
    upload_id: number;
    row_number: number;
    cell: string;
    field: string;
    value: string;
    message: string;
  }[] = [];

  constructor(
    private readonly trx: Transaction<DB>,
    private readonly uploadId: number,
  ) {}

  add(rowNumber: number, outcome: RowOutcome): void {
    if (outcome.kind === 'skip') return;
    this.counts.rows += 1;
    if (outcome.kind === 'errors') {
      this.counts.errorRows += 1;
      this.counts.errors += outcome.problems.length;
      for (const p of outcome.problems) {
        this.errorBatch.push({ upload_id: this.uploadId, row_number: rowNumber, ...p });
        const key = `${p.field}\u0000${p.message}`;
        const group = this.groups.get(key) ?? { field: p.field, message: p.message, rows: 0 };
        group.rows += 1;
        this.groups.set(key, group);
      }
      return;
    }
    this.counts[outcome.action] += 1;
    if (outcome.action !== 'unchanged')
      this.rowBatch.push({
        upload_id: this.uploadId,
        row_number: rowNumber,
        action: outcome.action,
        record_id: outcome.recordId,
        data: JSON.stringify(outcome.data),
      });
  }

  /** Writes what has gathered: when a batch is full, or everything with `force`. */
  async flush(force: boolean): Promise<void> {
    if (this.rowBatch.length && (force || this.rowBatch.length >= BATCH)) {
      await insertStagedRows(this.trx, this.rowBatch);
      this.rowBatch = [];
    }
    // A row can have a problem in every column: problems go in slices that stay well inside
    // PostgreSQL's 65,535 parameters per statement, however many a batch of rows produced.
    if (this.errorBatch.length && (force || this.errorBatch.length >= BATCH)) {
      for (let start = 0; start < this.errorBatch.length; start += ERRORS_PER_INSERT)
        await insertRowProblems(this.trx, this.errorBatch.slice(start, start + ERRORS_PER_INSERT));
      this.errorBatch = [];
    }
  }

  /** The problems grouped by field and message, most rows first. */
  summary() {
    return [...this.groups.values()].sort((a, b) => b.rows - a.rows);
  }
}
